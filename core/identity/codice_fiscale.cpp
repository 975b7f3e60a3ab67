// Codice fiscale and partita IVA rules as the Agenzia delle Entrate publishes them (DM 23/12/1976 and
// later notes): the check tables below are the official odd/even conversion tables; omocodia replaces
// digits, from the right, with the letters L M N P Q R S T U V standing for 0..9.
#include "core/identity/codice_fiscale.hpp"

#include <array>
#include <cstdint>

namespace sportello::identity {
namespace {

constexpr std::string_view kMonthLetters = "ABCDEHLMPRST";
constexpr std::string_view kOmocodiaLetters = "LMNPQRSTUV";  // index = the digit replaced
// Positions (0-based) that hold digits in a code without omocodia: year, day, place number.
constexpr std::array<int, 7> kNumericPositions = {6, 7, 9, 10, 12, 13, 14};
// Value of '0'..'9' and 'A'..'Z' in an odd position (1st, 3rd, ...): one table serves both, since a
// digit weighs the same as the letter at its index (0 as A, 1 as B, ...).
constexpr std::array<int, 26> kOddValues = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                            20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
char toUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
bool isVowel(char c) {
  return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

bool isNumericPosition(std::size_t i) {
  for (int p : kNumericPositions) {
    if (static_cast<std::size_t>(p) == i) return true;
  }
  return false;
}

// The digit a numeric position stands for (omocodia letters decoded), or -1.
int digitValue(char c) {
  if (isDigit(c)) return c - '0';
  auto at = kOmocodiaLetters.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

CodeError error(std::string rule, std::string message) {
  return CodeError{std::move(rule), std::move(message)};
}

// Latin letters with diacritics -> base letters, for U+00C0..U+017F. '?' marks a code point that is
// not a letter usable in a name; '*' one that expands to two letters (handled in foldCodePoint).
constexpr std::string_view kLatin1Fold = "AAAAAA*CEEEEIIIIDNOOOOO?OUUUUY?*AAAAAA*CEEEEIIIIDNOOOOO?OUUUUY?Y";
constexpr std::string_view kLatinExtAFold =
    "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII**JJKKKLLLLLLLLLLNNNNNNNNNOOOOOO**RRRRRRSSSSSSSS"
    "TTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";
static_assert(kLatin1Fold.size() == 0x40);
static_assert(kLatinExtAFold.size() == 0x80);

// Appends the upper-case ASCII letters a code point stands for; false when it is not a letter.
bool foldCodePoint(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    char c = toUpper(static_cast<char>(cp));
    if (!isUpper(c)) return false;
    out.push_back(c);
    return true;
  }
  char folded = '?';
  if (cp >= 0xC0 && cp <= 0xFF) folded = kLatin1Fold[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) folded = kLatinExtAFold[cp - 0x100];
  if (folded == '?') return false;
  if (folded != '*') {
    out.push_back(folded);
    return true;
  }
  switch (cp) {
    case 0xC6:
    case 0xE6:
      out += "AE";
      return true;  // Æ æ
    case 0xDF:
      out += "SS";
      return true;  // ß
    case 0x132:
    case 0x133:
      out += "IJ";
      return true;  // Ĳ ĳ
    case 0x152:
    case 0x153:
      out += "OE";
      return true;  // Œ œ
    default:
      return false;
  }
}

// Separators a name may contain that the codice fiscale ignores: spaces, apostrophes (ASCII and the
// typographic U+2019), hyphens, dots.
bool isIgnoredInName(std::uint32_t cp) {
  return cp == ' ' || cp == '\'' || cp == '-' || cp == '.' || cp == 0x2019 || cp == 0x2018 || cp == 0xA0;
}

// The letters of a UTF-8 name, upper case, diacritics removed, separators dropped.
Result<std::string, CodeError> nameLetters(std::string_view name, std::string_view which) {
  std::string letters;
  std::size_t i = 0;
  while (i < name.size()) {
    auto b0 = static_cast<unsigned char>(name[i]);
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (b0 < 0x80) {
      cp = b0, len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1F, len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0F, len = 3;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07, len = 4;
    } else {
      return fail(error("cf.name", std::string(which) + " is not valid UTF-8"));
    }
    if (i + len > name.size()) return fail(error("cf.name", std::string(which) + " is not valid UTF-8"));
    for (std::size_t k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(name[i + k]);
      if ((b & 0xC0) != 0x80) return fail(error("cf.name", std::string(which) + " is not valid UTF-8"));
      cp = (cp << 6) | (b & 0x3F);
    }
    i += len;
    if (isIgnoredInName(cp)) continue;
    if (!foldCodePoint(cp, letters)) {
      return fail(error("cf.name", std::string(which) + " contains a character that is not a Latin letter"));
    }
  }
  if (letters.empty()) return fail(error("cf.name", std::string(which) + " has no letters"));
  return letters;
}

// Surname rule: consonants, then vowels, then X, first three.
std::string threeLetters(const std::string& consonants, const std::string& vowels) {
  std::string out = consonants + vowels + "XXX";
  return out.substr(0, 3);
}

void split(const std::string& letters, std::string& consonants, std::string& vowels) {
  for (char c : letters) (isVowel(c) ? vowels : consonants).push_back(c);
}

bool isLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int daysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

}  // namespace

char codiceFiscaleCheck(std::string_view first15) {
  if (first15.size() != 15) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < first15.size(); ++i) {
    char c = toUpper(first15[i]);
    int index = 0;
    if (isDigit(c)) {
      index = c - '0';
    } else if (isUpper(c)) {
      index = c - 'A';
    } else {
      return '\0';
    }
    // Positions are counted from 1 in the official rule: index 0 is the first, odd, position.
    sum += (i % 2 == 0) ? kOddValues[static_cast<std::size_t>(index)] : index;
  }
  return static_cast<char>('A' + sum % 26);
}

Result<std::string, CodeError> validateCodiceFiscale(std::string_view cf) {
  if (cf.size() != 16) {
    return fail(error("cf.length", "codice fiscale must be 16 characters, got " + std::to_string(cf.size())));
  }
  std::string upper(cf);
  for (char& c : upper) c = toUpper(c);
  for (std::size_t i = 0; i < upper.size(); ++i) {
    char c = upper[i];
    bool ok = isNumericPosition(i) ? digitValue(c) >= 0 : isUpper(c);
    if (!ok) {
      const char* expected = isNumericPosition(i) ? "a digit or an omocodia letter (LMNPQRSTUV)" : "a letter";
      return fail(error("cf.charset", "character " + std::to_string(i + 1) + " should be " + expected +
                                          ", got '" + std::string(1, cf[i]) + "'"));
    }
  }
  if (kMonthLetters.find(upper[8]) == std::string_view::npos) {
    return fail(error("cf.date", std::string("month letter should be one of ") + std::string(kMonthLetters) +
                                     ", got '" + upper[8] + "'"));
  }
  int day = digitValue(upper[9]) * 10 + digitValue(upper[10]);
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) {
    return fail(error("cf.date", "day should be 01-31 (men) or 41-71 (women), got " + std::to_string(day)));
  }
  char expected = codiceFiscaleCheck(std::string_view(upper).substr(0, 15));
  if (upper[15] != expected) {
    return fail(error("cf.check",
                      std::string("check character should be '") + expected + "', got '" + upper[15] + "'"));
  }
  return upper;
}

Result<std::string, CodeError> computeCodiceFiscale(const Person& p) {
  auto surname = nameLetters(p.family_name, "family name");
  if (!surname) return fail(surname.error());
  auto given = nameLetters(p.given_name, "given name");
  if (!given) return fail(given.error());

  if (p.year < 1000 || p.year > 9999 || p.month < 1 || p.month > 12 || p.day < 1 ||
      p.day > daysInMonth(p.year, p.month)) {
    return fail(error("cf.date", "invalid date of birth " + std::to_string(p.year) + "-" +
                                     std::to_string(p.month) + "-" + std::to_string(p.day)));
  }
  char gender = toUpper(p.gender);
  if (gender != 'M' && gender != 'F') {
    return fail(error("cf.gender", std::string("gender should be 'M' or 'F', got '") + p.gender + "'"));
  }
  std::string place(p.place_code);
  for (char& c : place) c = toUpper(c);
  if (place.size() != 4 || !isUpper(place[0]) || !isDigit(place[1]) || !isDigit(place[2]) ||
      !isDigit(place[3])) {
    return fail(error("cf.place", "place code should be a letter and 3 digits (\"H501\", \"Z404\"), got \"" +
                                      p.place_code + "\""));
  }

  std::string code;
  std::string consonants, vowels;
  split(*surname, consonants, vowels);
  code += threeLetters(consonants, vowels);

  consonants.clear(), vowels.clear();
  split(*given, consonants, vowels);
  // Given name: with four consonants or more, the 1st, 3rd and 4th; otherwise as for the surname.
  if (consonants.size() >= 4) {
    code += {consonants[0], consonants[2], consonants[3]};
  } else {
    code += threeLetters(consonants, vowels);
  }

  int yy = p.year % 100;
  code += static_cast<char>('0' + yy / 10);
  code += static_cast<char>('0' + yy % 10);
  code += kMonthLetters[static_cast<std::size_t>(p.month - 1)];
  int day = p.day + (gender == 'F' ? 40 : 0);
  code += static_cast<char>('0' + day / 10);
  code += static_cast<char>('0' + day % 10);
  code += place;
  code += codiceFiscaleCheck(code);
  return code;
}

char partitaIvaCheck(std::string_view first10) {
  if (first10.size() != 10) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < first10.size(); ++i) {
    if (!isDigit(first10[i])) return '\0';
    int d = first10[i] - '0';
    // Digits in even positions (2nd, 4th, ...: odd indexes) are doubled, with 9 taken off above 9.
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Result<std::string, CodeError> validatePartitaIva(std::string_view piva) {
  if (piva.size() != 11) {
    return fail(error("piva.length",
                      "partita IVA must be 11 digits, got " + std::to_string(piva.size()) + " characters"));
  }
  for (std::size_t i = 0; i < piva.size(); ++i) {
    if (!isDigit(piva[i])) {
      return fail(error("piva.charset", "character " + std::to_string(i + 1) + " should be a digit, got '" +
                                            std::string(1, piva[i]) + "'"));
    }
  }
  char expected = partitaIvaCheck(piva.substr(0, 10));
  if (piva[10] != expected) {
    return fail(
        error("piva.check", std::string("check digit should be '") + expected + "', got '" + piva[10] + "'"));
  }
  return std::string(piva);
}

}  // namespace sportello::identity
