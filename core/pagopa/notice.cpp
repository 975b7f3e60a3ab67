// Sources for the rules below (the official text wins over this summary):
// - notice number, IUV, check digits, RF: "Specifiche attuative dei codici identificativi di versamento"
//   (SACI 1.3.1, italia/pagopa-codici-docs, section 2.2 and appendix 1);
// - QR code: "Avviso di pagamento pagoPA", Allegato 2, "Codice QR" (docs.pagopa.it/avviso-pagamento):
//   the amount field is cents as a string of 2 to 11 characters, and the published example writes it
//   without padding ("...|9999");
// - Poste Data Matrix: the official avviso guide defers to Poste Italiane's "Manuale della stampa in
//   proprio" (not public text); the layout used here is the one pagoPA's own software reads and writes
//   (pagopa/io-app ts/utils/payment.ts decodePosteDataMatrix reads the notice at offset 15, the amount
//   at 49 and the EC fiscal code at 66; pagopa/pagopa-print-payment-notice-generator TemplateDataMapper
//   writes the same widths and padding): 256 characters in all.
#include "core/pagopa/notice.hpp"

#include <array>

#include "core/identity/codice_fiscale.hpp"

namespace sportello::pagopa {
namespace {

constexpr std::int64_t kMaxAmountCents = 99'999'999'999;  // 999999999.99
constexpr std::size_t kRfMaxReference = 21;

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool allDigits(std::string_view s) {
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return true;
}
bool isAlnum(char c) {
  return isDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

CodeError error(std::string rule, std::string message) {
  return CodeError{std::move(rule), std::move(message)};
}

std::string zeroPadded(std::int64_t value, std::size_t width) {
  std::string s = std::to_string(value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// Digits only, as an integer; the caller bounds the length so that it cannot overflow.
std::int64_t toInt(std::string_view digits) {
  std::int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// ISO 7064 MOD 97-10 over the ISO 11649 conversion (letters A..Z, either case, as 10..35), one
// character at a time so that the "big number" never has to exist.
int mod97(std::string_view text) {
  int r = 0;
  for (char c : text) {
    if (isDigit(c)) {
      r = (r * 10 + (c - '0')) % 97;
    } else {
      int v = (c >= 'a' && c <= 'z') ? c - 'a' + 10 : c - 'A' + 10;
      r = (r * 100 + v) % 97;
    }
  }
  return r;
}

// An embedded EC fiscal code is checked as a partita IVA (an organisation's numeric codice fiscale
// follows the same rule); its error keeps identity's rule name ("piva.check", ...).
Result<void, CodeError> checkFiscalCode(std::string_view cf) {
  auto valid = identity::validatePartitaIva(cf);
  if (!valid) return fail(error(valid.error().rule, "EC fiscal code: " + valid.error().message));
  return {};
}

bool printableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string rightTrimmed(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string NoticeNumber::printed() const {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

std::string noticeCheckDigits(std::string_view first16) {
  if (first16.size() != 16 || !allDigits(first16)) return {};
  // 16 digits are below 10^16 < 2^63: plain 64-bit arithmetic suffices.
  return zeroPadded(toInt(first16) % 93, 2);
}

Result<NoticeNumber, CodeError> parseNoticeNumber(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ') digits += c;
  }
  if (digits.size() != 18) {
    return fail(error("notice.length",
                      "a notice number has 18 digits, got " + std::to_string(digits.size()) + " characters"));
  }
  if (!allDigits(digits)) return fail(error("notice.digits", "a notice number has digits only"));
  NoticeNumber n;
  n.aux = digits[0] - '0';
  if (n.aux > 3) {
    return fail(error("notice.aux", "aux digit must be 0, 1, 2 or 3, got " + std::to_string(n.aux)));
  }
  if (n.aux != 1) {
    std::string expected = noticeCheckDigits(std::string_view(digits).substr(0, 16));
    if (digits.compare(16, 2, expected) != 0) {
      return fail(error("notice.check", "check digits should be " + expected + ", got " + digits.substr(16)));
    }
  }
  switch (n.aux) {
    case 0:
      n.application_code = static_cast<int>(toInt(std::string_view(digits).substr(1, 2)));
      n.iuv = digits.substr(3);
      break;
    case 3:
      n.segregation_code = static_cast<int>(toInt(std::string_view(digits).substr(1, 2)));
      n.iuv = digits.substr(1);
      break;
    default:  // 1 and 2: the IUV is everything after the aux digit
      n.iuv = digits.substr(1);
      break;
  }
  n.digits = std::move(digits);
  return n;
}

Result<NoticeNumber, CodeError> makeNoticeNumber(int aux, int code, std::string_view base) {
  std::size_t baseLength = 0;
  switch (aux) {
    case 0:
    case 3:
      baseLength = 13;
      break;
    case 2:
      baseLength = 15;
      break;
    case 1:
      return fail(error("notice.aux", "aux digit 1 (legacy) notices are not generated"));
    default:
      return fail(error("notice.aux", "aux digit must be 0, 2 or 3, got " + std::to_string(aux)));
  }
  if (base.size() != baseLength || !allDigits(base)) {
    return fail(error("notice.base", "aux " + std::to_string(aux) + " takes a base of " +
                                         std::to_string(baseLength) + " digits"));
  }
  std::string first16 = std::to_string(aux);
  if (aux != 2) {
    if (code < 0 || code > 99) {
      return fail(
          error("notice.code", "application/segregation code must be 0-99, got " + std::to_string(code)));
    }
    first16 += zeroPadded(code, 2);
  }
  first16 += base;
  return parseNoticeNumber(first16 + noticeCheckDigits(first16));
}

Result<std::string, CodeError> makeRf(std::string_view reference) {
  if (reference.empty() || reference.size() > kRfMaxReference) {
    return fail(error("rf.length",
                      "an RF reference has 1 to 21 characters, got " + std::to_string(reference.size())));
  }
  for (char c : reference) {
    if (!isAlnum(c)) return fail(error("rf.charset", "an RF reference has letters and digits only"));
  }
  std::string rearranged = std::string(reference) + "RF00";
  return "RF" + zeroPadded(98 - mod97(rearranged), 2) + std::string(reference);
}

Result<std::string, CodeError> validateRf(std::string_view rf) {
  std::string compact;
  for (char c : rf) {
    if (c != ' ') compact += c;  // printed in groups of 4
  }
  if (compact.size() < 5 || compact.size() > 4 + kRfMaxReference) {
    return fail(error("rf.length", "an RF creditor reference has 5 to 25 characters"));
  }
  if ((compact[0] != 'R' && compact[0] != 'r') || (compact[1] != 'F' && compact[1] != 'f') ||
      !isDigit(compact[2]) || !isDigit(compact[3])) {
    return fail(error("rf.format", "an RF creditor reference starts with \"RF\" and 2 check digits"));
  }
  for (std::size_t i = 4; i < compact.size(); ++i) {
    if (!isAlnum(compact[i])) return fail(error("rf.charset", "an RF reference has letters and digits only"));
  }
  if (mod97(compact.substr(4) + compact.substr(0, 4)) != 1) {
    return fail(error("rf.check", "RF check digits do not match the reference"));
  }
  return compact.substr(4);
}

std::string writeQr(const QrPayload& p) {
  // Unpadded, but at least 2 characters as the official field length asks ("05" for 5 cents).
  return "PAGOPA|002|" + p.notice_number + "|" + p.fiscal_code + "|" + zeroPadded(p.amount_cents, 2);
}

Result<QrPayload, CodeError> parseQr(std::string_view text) {
  std::array<std::string_view, 5> fields;
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t bar = text.find('|', start);
    if (count == fields.size()) return fail(error("qr.format", "a pagoPA QR payload has 5 fields"));
    fields[count++] =
        text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  if (count != fields.size()) return fail(error("qr.format", "a pagoPA QR payload has 5 fields"));
  if (fields[0] != "PAGOPA") return fail(error("qr.prefix", "a pagoPA QR payload starts with \"PAGOPA\""));
  if (fields[1] != "002") {
    return fail(error("qr.version", "unsupported QR payload version \"" + std::string(fields[1]) + "\""));
  }
  if (fields[2].size() != 18) return fail(error("notice.length", "the QR notice number must be 18 digits"));
  if (!allDigits(fields[2])) return fail(error("notice.digits", "a notice number has digits only"));
  auto notice = parseNoticeNumber(fields[2]);
  if (!notice) return fail(notice.error());
  if (auto cf = checkFiscalCode(fields[3]); !cf) return fail(cf.error());
  // The specification asks for 2 to 11 digits; pagoPA's own app also meets 1-digit amounts and
  // amounts zero-padded to 10 digits in the field, so every length from 1 to 11 is read.
  if (fields[4].empty() || fields[4].size() > 11 || !allDigits(fields[4])) {
    return fail(error("qr.amount", "the QR amount must be 1 to 11 digits (euro cents)"));
  }
  QrPayload p;
  p.notice_number = std::string(fields[2]);
  p.fiscal_code = std::string(fields[3]);
  p.amount_cents = toInt(fields[4]);  // at most 11 digits: 99999999999 is exactly the maximum amount
  return p;
}

// Layout, with offsets: "codfase=NBPA;" (0) "18" notice (15) "12" account (35) "10" cents (49)
// "3" "896" (59: the Poste document type, 3 characters long) "1P1" (63) EC fiscal code (66)
// debtor fiscal code (77) debtor name (93) remittance (133) 12-space filler (243) "A" (255).
namespace {
constexpr std::string_view kDmPrefix = "codfase=NBPA;";
constexpr std::size_t kDmLength = 256;
constexpr std::size_t kDmNotice = 15, kDmAccount = 35, kDmAmount = 49, kDmDocType = 59, kDmEcCf = 66,
                      kDmDebtorCf = 77, kDmName = 93, kDmRemittance = 133, kDmFiller = 243, kDmEnd = 255;
constexpr std::int64_t kDmMaxCents = 9'999'999'999;  // a 10-digit field
}  // namespace

Result<std::string, CodeError> writeDataMatrix(const DataMatrixPayload& p) {
  if (p.notice_number.size() != 18) {
    return fail(error("notice.length", "the Data Matrix notice number must be 18 digits"));
  }
  if (!allDigits(p.notice_number)) return fail(error("notice.digits", "a notice number has digits only"));
  if (auto notice = parseNoticeNumber(p.notice_number); !notice) return fail(notice.error());
  if (p.postal_account.empty() || p.postal_account.size() > 12 || !allDigits(p.postal_account)) {
    return fail(error("dm.account", "the postal account must be 1 to 12 digits"));
  }
  if (p.amount_cents < 0 || p.amount_cents > kDmMaxCents) {
    return fail(error("dm.amount", "the Data Matrix amount must be 0 to 9999999999 cents"));
  }
  if (auto cf = checkFiscalCode(p.ec_fiscal_code); !cf) return fail(cf.error());
  struct Text {
    const std::string& value;
    std::size_t width;
    const char* rule;
    const char* what;
  };
  const std::array<Text, 3> texts = {
      Text{p.debtor_fiscal_code, 16, "dm.debtor_fiscal_code", "debtor fiscal code"},
      Text{p.debtor_name, 40, "dm.debtor_name", "debtor name"},
      Text{p.remittance, 110, "dm.remittance", "remittance"}};
  for (const auto& t : texts) {
    if (t.value.size() > t.width) {
      return fail(
          error(t.rule, std::string(t.what) + " is longer than " + std::to_string(t.width) + " characters"));
    }
    // Fixed widths count bytes: anything beyond printable ASCII would shift the fields after it.
    if (!printableAscii(t.value)) {
      return fail(error("dm.charset", std::string(t.what) + " must be printable ASCII"));
    }
  }
  std::string out(kDmPrefix);
  out += "18" + p.notice_number;
  out += "12" + std::string(12 - p.postal_account.size(), '0') + p.postal_account;
  out += "10" + zeroPadded(p.amount_cents, 10);
  out += "3896";
  out += "1P1";
  out += p.ec_fiscal_code;
  for (const auto& t : texts) out += t.value + std::string(t.width - t.value.size(), ' ');
  out += std::string(12, ' ');
  out += 'A';
  return out;
}

Result<DataMatrixPayload, CodeError> parseDataMatrix(std::string_view text) {
  if (text.size() != kDmLength) {
    return fail(error("dm.length",
                      "a Poste Data Matrix payload has 256 characters, got " + std::to_string(text.size())));
  }
  if (text.substr(0, kDmPrefix.size()) != kDmPrefix || text.substr(kDmNotice - 2, 2) != "18" ||
      text.substr(kDmAccount - 2, 2) != "12" || text.substr(kDmAmount - 2, 2) != "10" ||
      text.substr(kDmDocType, 4) != "3896" || text.substr(kDmEcCf - 3, 3) != "1P1" ||
      text.substr(kDmFiller, 12) != std::string(12, ' ') || text[kDmEnd] != 'A') {
    return fail(error("dm.format", "not a Poste \"codfase=NBPA\" Data Matrix payload for document type 896"));
  }
  DataMatrixPayload p;
  p.notice_number = std::string(text.substr(kDmNotice, 18));
  if (!allDigits(p.notice_number)) return fail(error("notice.digits", "a notice number has digits only"));
  if (auto notice = parseNoticeNumber(p.notice_number); !notice) return fail(notice.error());
  p.postal_account = std::string(text.substr(kDmAccount, 12));
  if (!allDigits(p.postal_account)) return fail(error("dm.account", "the postal account must be 12 digits"));
  auto amount = text.substr(kDmAmount, 10);
  if (!allDigits(amount)) return fail(error("dm.amount", "the Data Matrix amount must be 10 digits"));
  p.amount_cents = toInt(amount);
  p.ec_fiscal_code = std::string(text.substr(kDmEcCf, 11));
  if (auto cf = checkFiscalCode(p.ec_fiscal_code); !cf) return fail(cf.error());
  if (!printableAscii(text.substr(kDmDebtorCf, kDmFiller - kDmDebtorCf))) {
    return fail(error("dm.charset", "Data Matrix text fields must be printable ASCII"));
  }
  p.debtor_fiscal_code = rightTrimmed(text.substr(kDmDebtorCf, 16));
  p.debtor_name = rightTrimmed(text.substr(kDmName, 40));
  p.remittance = rightTrimmed(text.substr(kDmRemittance, 110));
  return p;
}

std::string formatAmount(std::int64_t cents) {
  std::string sign;
  // Negative amounts are not pagoPA amounts; they are printed with a sign so that a caller's bug shows.
  std::uint64_t magnitude =
      cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  if (cents < 0) sign = "-";
  std::string units = std::to_string(magnitude / 100);
  std::uint64_t fraction = magnitude % 100;
  return sign + units + "." + static_cast<char>('0' + fraction / 10) + static_cast<char>('0' + fraction % 10);
}

Result<std::int64_t, CodeError> parseAmount(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || text.size() - dot - 1 != 2) {
    return fail(error("amount.format", "an amount is written as digits, '.', and 2 decimals (\"12.34\")"));
  }
  auto units = text.substr(0, dot);
  auto decimals = text.substr(dot + 1);
  if (!allDigits(units) || !allDigits(decimals)) {
    return fail(error("amount.format", "an amount is written as digits, '.', and 2 decimals (\"12.34\")"));
  }
  // Leading zeros are allowed, as in the XSD pattern \d+\.\d{2}; the bound is checked while reading,
  // so that no length of input can overflow.
  std::int64_t cents = 0;
  for (char c : std::string(units) + std::string(decimals)) {
    cents = cents * 10 + (c - '0');
    if (cents > kMaxAmountCents) {
      return fail(error("amount.range", "an amount is at most 999999999.99"));
    }
  }
  return cents;
}

}  // namespace sportello::pagopa
