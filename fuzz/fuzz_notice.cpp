// pagoPA notice numbers and printed payloads (core/pagopa/notice.hpp): every parser on every input, and
// whatever parses survives a round trip through the matching writer.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/pagopa/notice.hpp"
#include "fuzz/check.hpp"

using namespace sportello::pagopa;
using sportello::fuzz::require;

namespace {

constexpr std::int64_t kMaxAmountCents = 99'999'999'999;

bool allDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void noticeNumber(std::string_view text) {
  auto n = parseNoticeNumber(text);
  if (!n) {
    require(!n.error().rule.empty(), "a refusal names its rule");
    return;
  }
  require(n->digits.size() == 18 && allDigits(n->digits), "a notice is 18 digits");
  require(n->aux >= 0 && n->aux <= 3 && n->digits[0] == '0' + n->aux, "aux is the first digit");
  require(n->digits.size() >= n->iuv.size() &&
              n->digits.compare(n->digits.size() - n->iuv.size(), n->iuv.size(), n->iuv) == 0,
          "the IUV ends the notice");
  require(n->iuv.size() == (n->aux == 0 ? 15u : 17u), "IUV length follows aux");
  require(n->application_code.has_value() == (n->aux == 0), "an application code for aux 0 only");
  require(n->segregation_code.has_value() == (n->aux == 3), "a segregation code for aux 3 only");

  std::string printed = n->printed();
  require(printed.size() == 22, "printed in 22 characters");
  auto again = parseNoticeNumber(printed);
  require(again && again->digits == n->digits && again->iuv == n->iuv, "the printed form parses back");

  if (n->aux != 1) {
    require(noticeCheckDigits(std::string_view(n->digits).substr(0, 16)) == n->digits.substr(16),
            "check digits are the first 16 mod 93");
    int code = n->aux == 0 ? *n->application_code : n->aux == 3 ? *n->segregation_code : 0;
    auto made = makeNoticeNumber(
        n->aux, code, std::string_view(n->digits).substr(n->aux == 2 ? 1 : 3, n->aux == 2 ? 15 : 13));
    require(made && made->digits == n->digits, "making it from its parts gives the same digits");
  }
}

void qr(std::string_view text) {
  auto p = parseQr(text);
  if (!p) return;
  require(p->amount_cents >= 0 && p->amount_cents <= kMaxAmountCents, "QR amount in range");
  std::string written = writeQr(*p);
  auto again = parseQr(written);
  require(again && again->notice_number == p->notice_number && again->fiscal_code == p->fiscal_code &&
              again->amount_cents == p->amount_cents,
          "a QR payload written from parsed fields parses to the same fields");
}

void dataMatrix(std::string_view text) {
  auto p = parseDataMatrix(text);
  if (!p) return;
  auto written = writeDataMatrix(*p);
  require(written.has_value(), "parsed Data Matrix fields can be written");
  require(*written == text, "a Data Matrix payload is written back byte for byte");
}

void amount(std::string_view text) {
  auto cents = parseAmount(text);
  if (!cents) return;
  require(*cents >= 0 && *cents <= kMaxAmountCents, "amount in range");
  auto again = parseAmount(formatAmount(*cents));
  require(again && *again == *cents, "a formatted amount parses back");
}

void rf(std::string_view text) {
  if (auto reference = validateRf(text)) {
    auto made = makeRf(*reference);
    require(made.has_value(), "a valid RF's reference makes an RF");
    auto back = validateRf(*made);
    require(back && *back == *reference, "a made RF validates to its reference");
  }
  if (auto made = makeRf(text)) {
    auto back = validateRf(*made);
    require(back && *back == text, "makeRf's output validates");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(bytes), size);
  noticeNumber(text);
  qr(text);
  dataMatrix(text);
  amount(text);
  rf(text);
  // Any 64-bit value, as a caller's bug might pass: formatting never fails.
  if (size >= 8) {
    std::int64_t v = 0;
    std::memcpy(&v, bytes, sizeof v);
    require(!formatAmount(v).empty(), "any amount formats");
  }
  return 0;
}
