// pagoPA notice numbers (numero avviso), IUV, RF creditor references, and the payloads printed on a
// payment notice (QR code and Poste Data Matrix). Pure functions over values: no I/O.
// Rules: spec/pagopa.md "Notice number", "Printed notice payloads".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace sportello::pagopa {

struct CodeError {
  // "notice.length", "notice.digits", "notice.aux", "notice.check", "rf.check", "qr.format", ...
  std::string rule;
  std::string message;
};

// A parsed 18-digit notice number.
struct NoticeNumber {
  int aux = 3;                          // 0..3
  std::optional<int> application_code;  // aux 0: 2 digits (00-99)
  std::optional<int> segregation_code;  // aux 3: 2 digits, the first two of the IUV
  std::string iuv;                      // 15 digits (aux 0) or 17 (aux 1, 2, 3)
  std::string digits;                   // all 18

  std::string printed() const;  // 22 characters: groups of 4 separated by spaces ("3010 0000 0000 0001 44")
};

// Check digits of a notice: (the first 16 digits as an integer) mod 93, as 2 digits.
std::string noticeCheckDigits(std::string_view first16);

// Validates 18 digits (spaces allowed in the input, as printed) and splits them. Aux 1 has no check
// digits; aux 0, 2, 3 are checked.
Result<NoticeNumber, CodeError> parseNoticeNumber(std::string_view text);

// Builds a notice from its parts, computing the check digits:
//   aux 0: applicationCode (0-99) + base of 13 digits
//   aux 2: base of 15 digits
//   aux 3: segregationCode (0-99) + base of 13 digits
// aux 1 (legacy, 17-digit IUV without check digits) is parsed but not generated.
Result<NoticeNumber, CodeError> makeNoticeNumber(int aux, int code, std::string_view base);

// RF creditor reference (ISO 11649) for non-notice IUVs: "RF" + 2 check digits + the reference
// (1-21 characters [A-Za-z0-9]). makeRf("w9") == "RF45w9".
Result<std::string, CodeError> makeRf(std::string_view reference);
Result<std::string, CodeError> validateRf(std::string_view rf);  // returns the reference part

// QR code payload: "PAGOPA|002|<notice 18>|<EC fiscal code 11>|<amount in cents>".
struct QrPayload {
  std::string notice_number;  // 18 digits
  std::string fiscal_code;    // 11 digits
  std::int64_t amount_cents = 0;
};
// Writes the amount unpadded but with at least 2 digits ("05"), as pagoPA's QR specification does.
std::string writeQr(const QrPayload& p);
// Accepts amounts of 1 to 11 digits (so zero-padded to 10 too); validates the notice check digits and
// the fiscal code, reporting their own rules ("notice.check", "piva.check").
Result<QrPayload, CodeError> parseQr(std::string_view text);

// Poste Data Matrix payload (fixed widths): "codfase=NBPA;18<notice 18>12<postal account 12>10<cents 10>
// 38961P1<EC CF 11><debtor CF 16><debtor name 40><remittance 110><12 spaces>A".
struct DataMatrixPayload {
  std::string notice_number;   // 18 digits
  std::string postal_account;  // up to 12 digits, left-padded with zeros
  std::int64_t amount_cents = 0;
  std::string ec_fiscal_code;      // 11 digits
  std::string debtor_fiscal_code;  // up to 16, right-padded with spaces
  std::string debtor_name;         // up to 40, right-padded
  std::string remittance;          // up to 110, right-padded
};
Result<std::string, CodeError> writeDataMatrix(const DataMatrixPayload& p);
// Exactly 256 characters; returns postal_account as its 12 digits and the text fields right-trimmed.
Result<DataMatrixPayload, CodeError> parseDataMatrix(std::string_view text);

// Amount in euro cents to the pagoPA decimal form "123.45" and back ("\d+\.\d{2}", at most 999999999.99).
std::string formatAmount(std::int64_t cents);
Result<std::int64_t, CodeError> parseAmount(std::string_view text);

}  // namespace sportello::pagopa
