// Italian tax codes: the codice fiscale of a person (16 characters, with omocodia substitutions) and
// the partita IVA / numeric codice fiscale of an organisation (11 digits, Luhn-like check digit).
// Used by the mock IdPs (test users), the SP (fiscalNumber attributes) and pagoPA (EC fiscal codes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace sportello::identity {

struct CodeError {
  std::string rule;     // "cf.length", "cf.charset", "cf.date", "cf.check", "piva.length", "piva.check", ...
  std::string message;  // "check character should be 'X', got 'Y'"
};

// Validates a person's codice fiscale: 16 characters [A-Z0-9] in the positions the format allows
// (omocodia letters LMNPQRSTUV accepted in the numeric positions), month letter in ABCDEHLMPRST, day
// 1-31 or 41-71, and the check character. Case-insensitive; returns the upper-case form.
Result<std::string, CodeError> validateCodiceFiscale(std::string_view cf);
// The check character for the first 15 characters.
char codiceFiscaleCheck(std::string_view first15);

struct Person {
  std::string family_name;
  std::string given_name;
  int year = 0, month = 0, day = 0;  // date of birth
  char gender = 'M';                 // 'M' or 'F'
  std::string place_code;            // cadastral code of the comune of birth ("H501") or "Z..." for abroad
};
// Computes a person's codice fiscale (no omocodia): surname and name consonant/vowel rules, year, month
// letter, day (+40 for F), place, check character. Fails on an invalid date, gender or place code, or a
// name with no Latin letters ("cf.name"); accents are folded (À -> A) and spaces/apostrophes ignored.
Result<std::string, CodeError> computeCodiceFiscale(const Person& p);

// Partita IVA (and an organisation's numeric codice fiscale): 11 digits, last one the check digit.
Result<std::string, CodeError> validatePartitaIva(std::string_view piva);
char partitaIvaCheck(std::string_view first10);

}  // namespace sportello::identity
