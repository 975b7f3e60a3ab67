// The debt position (posizione debitoria) of the comune's creditor back end, as pagoPA's GPD models
// it: a debtor owes the EC one of several payment options (a single payment, or instalments), each
// with its notice number and 1-5 transfers to the beneficiary ECs' accounts. Rules:
// spec/pagopa.md "Debt positions (GPD-like REST)" and "Notice number"; JSON shapes as GPD's OpenAPI.
//
// readPosition() turns a JSON body into a DebtPosition and checks every rule, returning ALL problems
// at once, each with its field path ("paymentOption[0].transfer[1].iban") and a stable rule name
// ("gpd.iban"). Dates are ISO 8601 date-times; a time without zone is taken as UTC (GPD's examples
// carry none); written back in UTC with "Z".
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/result.hpp"

namespace sportello::comune {

using TimePoint = Clock::time_point;

// DRAFT -> (publish) PUBLISHED -> (validityDate reached) VALID -> PARTIALLY_PAID -> PAID -> REPORTED;
// VALID -> (invalidate) INVALID; VALID -> (max dueDate passed, switchToExpired) EXPIRED.
enum class PositionStatus { draft, published, valid, invalid, expired, partially_paid, paid, reported };
std::string_view toString(PositionStatus s);                            // "DRAFT", ...
std::optional<PositionStatus> parsePositionStatus(std::string_view s);  // exact upper-case names

enum class OptionStatus { unpaid, paid, partially_reported, reported };
std::string_view toString(OptionStatus s);  // "PO_UNPAID", ...
std::optional<OptionStatus> parseOptionStatus(std::string_view s);

// The creditor (EC) a back end serves, and how it numbers its notices.
struct EcConfig {
  std::string fiscal_code;   // idPA: 11 digits (partita IVA check digit)
  std::string company_name;  // "Comune di Vigata"
  std::string office_name;   // "Ufficio Tributi"
  int aux_digit = 3;         // notices generated with aux 0, 2 or 3 (1 is legacy and never generated)
  int segregation_code = 0;  // aux 3: 2 digits, the first two of every IUV
  int application_code = 0;  // aux 0: 2 digits between the aux digit and the IUV
};

struct Stamp {                       // marca da bollo digitale
  std::string hash_document;         // base64 of the document's hash, at most 72 characters
  std::string stamp_type;            // 2 characters
  std::string provincial_residence;  // 2 letters ("AG")
};

struct Transfer {
  std::string id_transfer;               // "1".."5"
  std::int64_t amount = 0;               // euro cents
  std::string organization_fiscal_code;  // the beneficiary EC; the position's own EC when absent
  std::string company_name;              // optional
  std::string remittance_information;    // causale, at most 140
  std::string category;                  // taxonomy code ("9/0101108TS/")
  std::optional<std::string> iban;
  std::optional<std::string> postal_iban;  // a Poste Italiane IBAN (ABI 07601)
  std::optional<Stamp> stamp;
};

struct PaymentOption {
  std::string iuv;  // generated with nav when both are absent
  std::string nav;  // notice number: aux digit [+ application code] + IUV
  std::int64_t amount = 0;
  std::string description;
  bool is_partial_payment = false;  // an instalment (rata) rather than the whole debt
  TimePoint due_date{};
  std::optional<TimePoint> retention_date;
  std::int64_t fee = 0;
  std::vector<Transfer> transfers;

  // State, read-only through the API.
  OptionStatus status = OptionStatus::unpaid;
  std::optional<TimePoint> payment_date;
  std::string receipt_id;
  std::string psp_company;
};

struct DebtPosition {
  std::string organization;  // the EC's fiscal code
  std::string iupd;          // the EC's identifier of the position
  char type = 'F';           // F: natural person, G: legal person
  std::string fiscal_code;   // the debtor's codice fiscale / partita IVA, or "ANONIMO"
  std::string full_name;
  // GPD's optional debtor fields, in this order when present: streetName, civicNumber, postalCode,
  // city, province, region, country, email, phone.
  std::vector<std::pair<std::string, std::string>> contact;
  std::string company_name;
  std::string office_name;
  std::optional<TimePoint> validity_date;  // absent: valid as soon as published
  bool switch_to_expired = false;
  std::vector<PaymentOption> options;

  // State, read-only through the API; `status` is the effective one at the time it was read.
  PositionStatus status = PositionStatus::draft;
  TimePoint inserted_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> published_at;
  std::optional<TimePoint> payment_date;

  const PaymentOption* option(std::string_view nav) const;
  TimePoint maxDueDate() const;
};

struct Problem {
  std::string field;  // "paymentOption[0].transfer[1].iban"; "" for the body as a whole
  std::string rule;   // "gpd.iban"
  std::string message;
};

// Parses a GPD debt position body for the EC `ec` and checks it (see validatePosition). Read-only
// fields (status, dates of the life cycle) are ignored, unknown fields too.
Result<DebtPosition, std::vector<Problem>> readPosition(std::string_view json, const EcConfig& ec,
                                                        TimePoint now);

// Every rule, for positions built in code (seeding) and after readPosition: fiscal codes, texts,
// amounts, dates (validityDate >= now; dueDate >= validityDate or now; retentionDate >= dueDate),
// 1-5 transfers per option with unique idTransfer "1".."5" summing to the option's amount, the
// accounts of each transfer (a stamp, or an IBAN and/or a postal IBAN), and IUV/NAV consistency with
// the EC's aux digit and segregation/application code. Empty codes pass (they are generated later).
std::vector<Problem> validatePosition(const DebtPosition& p, const EcConfig& ec, TimePoint now);

// The position as GPD returns it (absent optional fields omitted).
boost::json::object toJson(const DebtPosition& p);

// ISO 8601 date-time: "2026-07-31T23:59:59", optional fraction (kept to the millisecond), optional
// "Z" or "+01:00"; nullopt on anything else.
std::optional<TimePoint> parseDateTime(std::string_view text);
// UTC with "Z"; milliseconds only when not zero.
std::string formatDateTime(TimePoint t);

// An IBAN (ISO 13616): country, check digits (mod 97), 11 to 30 alphanumerics; Italian ones 27 long.
bool validIban(std::string_view iban);
// The NAV of an IUV for `ec`: aux digit, the application code for aux 0, then the IUV.
std::string navOf(const EcConfig& ec, std::string_view iuv);

}  // namespace sportello::comune
