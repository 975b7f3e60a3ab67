#include "core/pagopa/notice.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace sportello::pagopa {
namespace {

template <class T>
std::string ruleOf(const Result<T, CodeError>& r) {
  return r ? "ok" : r.error().rule;
}

// Check digits computed independently of the implementation: digit by digit, never as one integer.
std::string referenceCheck(const std::string& first16) {
  int r = 0;
  for (char c : first16) r = (r * 10 + (c - '0')) % 93;
  return std::string{static_cast<char>('0' + r / 10), static_cast<char>('0' + r % 10)};
}

// --- notice numbers ------------------------------------------------------------------------------------

TEST(NoticeNumber, SpecWorkedExamples) {
  EXPECT_EQ(noticeCheckDigits("3007157000000000"), "32");
  auto a = parseNoticeNumber("300715700000000032");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->aux, 3);
  EXPECT_EQ(a->segregation_code, 0);
  EXPECT_EQ(a->iuv, "00715700000000032");

  auto b = makeNoticeNumber(3, 1, "0000000000001");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->digits, "301000000000000144");
  EXPECT_EQ(b->iuv, "01000000000000144");
  EXPECT_EQ(b->aux, 3);
  EXPECT_EQ(b->segregation_code, 1);
  EXPECT_FALSE(b->application_code);
  EXPECT_EQ(b->printed(), "3010 0000 0000 0001 44");
  EXPECT_EQ(b->printed().size(), 22u);
}

TEST(NoticeNumber, PrintedFormParsesBack) {
  auto n = parseNoticeNumber("3010 0000 0000 0001 44");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->digits, "301000000000000144");
}

TEST(NoticeNumber, AuxZeroHasApplicationCodeAndFifteenDigitIuv) {
  // The official QR example's notice: all zeros, and 0 mod 93 is "00".
  auto n = parseNoticeNumber("000000000000000000");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->aux, 0);
  EXPECT_EQ(n->application_code, 0);
  EXPECT_FALSE(n->segregation_code);
  EXPECT_EQ(n->iuv, "000000000000000");

  auto m = makeNoticeNumber(0, 42, "1234567890123");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->digits.substr(0, 16), "0421234567890123");
  EXPECT_EQ(m->digits.substr(16), referenceCheck("0421234567890123"));
  EXPECT_EQ(m->application_code, 42);
  EXPECT_EQ(m->iuv, "1234567890123" + referenceCheck("0421234567890123"));
}

TEST(NoticeNumber, AuxTwoHasSeventeenDigitIuv) {
  auto m = makeNoticeNumber(2, 0, "123456789012345");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->digits, "2123456789012345" + referenceCheck("2123456789012345"));
  EXPECT_EQ(m->iuv, m->digits.substr(1));
  EXPECT_FALSE(m->application_code);
  EXPECT_FALSE(m->segregation_code);
}

TEST(NoticeNumber, AuxOneIsParsedWithoutCheckDigits) {
  auto n = parseNoticeNumber("112345678901234599");
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(n->aux, 1);
  EXPECT_EQ(n->iuv, "12345678901234599");
  EXPECT_EQ(ruleOf(makeNoticeNumber(1, 0, "12345678901234599")), "notice.aux");
}

TEST(NoticeNumber, RandomRoundTrips) {
  std::mt19937_64 rng(20240501);
  std::uniform_int_distribution<int> digit(0, 9), code(0, 99);
  for (int aux : {0, 2, 3}) {
    for (int i = 0; i < 1000; ++i) {
      int c = aux == 2 ? 0 : code(rng);
      std::string base;
      for (int k = 0; k < (aux == 2 ? 15 : 13); ++k) base += static_cast<char>('0' + digit(rng));
      auto made = makeNoticeNumber(aux, c, base);
      ASSERT_TRUE(made) << made.error().message;
      std::string first16 = made->digits.substr(0, 16);
      ASSERT_EQ(made->digits.substr(16), referenceCheck(first16)) << made->digits;
      ASSERT_EQ(noticeCheckDigits(first16), referenceCheck(first16));

      for (const std::string& text : {made->digits, made->printed()}) {
        auto parsed = parseNoticeNumber(text);
        ASSERT_TRUE(parsed) << text;
        EXPECT_EQ(parsed->aux, aux);
        EXPECT_EQ(parsed->digits, made->digits);
        EXPECT_EQ(parsed->iuv, made->iuv);
        EXPECT_EQ(parsed->application_code, aux == 0 ? std::optional<int>(c) : std::nullopt);
        EXPECT_EQ(parsed->segregation_code, aux == 3 ? std::optional<int>(c) : std::nullopt);
      }
      EXPECT_EQ(made->iuv.size(), aux == 0 ? 15u : 17u);
      // Any other pair of check digits is refused.
      std::string wrong = made->digits;
      wrong[17] = wrong[17] == '9' ? '0' : static_cast<char>(wrong[17] + 1);
      EXPECT_EQ(ruleOf(parseNoticeNumber(wrong)), "notice.check");
    }
  }
}

TEST(NoticeNumber, EveryRuleHasAFailingCase) {
  EXPECT_EQ(ruleOf(parseNoticeNumber("")), "notice.length");
  EXPECT_EQ(ruleOf(parseNoticeNumber("30100000000000014")), "notice.length");
  EXPECT_EQ(ruleOf(parseNoticeNumber("3010000000000001440")), "notice.length");
  EXPECT_EQ(ruleOf(parseNoticeNumber("30100000000000014A")), "notice.digits");
  EXPECT_EQ(ruleOf(parseNoticeNumber("-01000000000000144")), "notice.digits");
  for (char aux = '4'; aux <= '9'; ++aux) {
    std::string digits = std::string(1, aux) + "01000000000000144";
    EXPECT_EQ(ruleOf(parseNoticeNumber(digits)), "notice.aux") << digits;
  }
  EXPECT_EQ(ruleOf(parseNoticeNumber("301000000000000145")), "notice.check");
  EXPECT_EQ(ruleOf(parseNoticeNumber("300715700000000023")), "notice.check");
  EXPECT_EQ(ruleOf(parseNoticeNumber("001000000000000144")), "notice.check");
  auto r = parseNoticeNumber("301000000000000145");
  EXPECT_EQ(r.error().message, "check digits should be 44, got 45");
}

TEST(NoticeNumber, MakeRejectsBadParts) {
  EXPECT_EQ(ruleOf(makeNoticeNumber(4, 0, "0000000000001")), "notice.aux");
  EXPECT_EQ(ruleOf(makeNoticeNumber(-1, 0, "0000000000001")), "notice.aux");
  EXPECT_EQ(ruleOf(makeNoticeNumber(3, 100, "0000000000001")), "notice.code");
  EXPECT_EQ(ruleOf(makeNoticeNumber(0, -1, "0000000000001")), "notice.code");
  EXPECT_EQ(ruleOf(makeNoticeNumber(3, 1, "000000000001")), "notice.base");
  EXPECT_EQ(ruleOf(makeNoticeNumber(3, 1, "00000000000001")), "notice.base");
  EXPECT_EQ(ruleOf(makeNoticeNumber(3, 1, "000000000000x")), "notice.base");
  EXPECT_EQ(ruleOf(makeNoticeNumber(2, 0, "0000000000001")), "notice.base");
  EXPECT_EQ(noticeCheckDigits("300715700000000"), "");
  EXPECT_EQ(noticeCheckDigits("300715700000000x"), "");
}

// --- RF creditor references ----------------------------------------------------------------------------

TEST(Rf, SpecExample) {
  auto rf = makeRf("w9");
  ASSERT_TRUE(rf);
  EXPECT_EQ(*rf, "RF45w9");
  auto ref = validateRf("RF45w9");
  ASSERT_TRUE(ref);
  EXPECT_EQ(*ref, "w9");
}

TEST(Rf, Iso11649ExampleValidatesPrintedInGroups) {
  auto ref = validateRf("RF18 5390 0754 7034");
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_EQ(*ref, "539007547034");
  EXPECT_EQ(*makeRf("539007547034"), "RF18539007547034");
}

TEST(Rf, SaciPrintedExampleHasWrongCheckDigits) {
  // The SACI's causale example "/RFS/RF23 5674 8393 7849 4505 5087 5/45.56" does not satisfy
  // ISO 7064 MOD 97-10: the check digits for that reference are 78.
  EXPECT_EQ(ruleOf(validateRf("RF23 5674 8393 7849 4505 5087 5")), "rf.check");
  EXPECT_EQ(*makeRf("567483937849450550875"), "RF78567483937849450550875");
}

TEST(Rf, RandomRoundTrips) {
  std::mt19937_64 rng(11649);
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(1, 21);
  for (int i = 0; i < 1000; ++i) {
    std::string reference;
    for (std::size_t k = length(rng); k > 0; --k) reference += alphabet[pick(rng)];
    auto rf = makeRf(reference);
    ASSERT_TRUE(rf) << reference;
    auto back = validateRf(*rf);
    ASSERT_TRUE(back) << *rf;
    EXPECT_EQ(*back, reference);
    std::string wrong = *rf;
    wrong[3] = wrong[3] == '9' ? '0' : static_cast<char>(wrong[3] + 1);
    EXPECT_EQ(ruleOf(validateRf(wrong)), "rf.check") << wrong;
  }
}

TEST(Rf, EveryRuleHasAFailingCase) {
  EXPECT_EQ(ruleOf(makeRf("")), "rf.length");
  EXPECT_EQ(ruleOf(makeRf(std::string(22, '1'))), "rf.length");
  EXPECT_EQ(ruleOf(makeRf("w-9")), "rf.charset");
  EXPECT_EQ(ruleOf(validateRf("RF45")), "rf.length");
  EXPECT_EQ(ruleOf(validateRf("RF45" + std::string(22, '1'))), "rf.length");
  EXPECT_EQ(ruleOf(validateRf("RX45w9")), "rf.format");
  EXPECT_EQ(ruleOf(validateRf("RF4Aw9")), "rf.format");
  EXPECT_EQ(ruleOf(validateRf("RF45w_")), "rf.charset");
  EXPECT_EQ(ruleOf(validateRf("RF46w9")), "rf.check");
  EXPECT_EQ(ruleOf(validateRf("RF45W9")), "ok");  // letters convert the same in either case
  EXPECT_EQ(ruleOf(validateRf("rf45w9")), "ok");
}

// --- QR code -------------------------------------------------------------------------------------------

TEST(Qr, WriteIsUnpaddedWithAtLeastTwoDigits) {
  QrPayload p{"301000000000000144", "00743110157", 12345};
  EXPECT_EQ(writeQr(p), "PAGOPA|002|301000000000000144|00743110157|12345");
  p.amount_cents = 5;
  EXPECT_EQ(writeQr(p), "PAGOPA|002|301000000000000144|00743110157|05");
  p.amount_cents = 0;
  EXPECT_EQ(writeQr(p), "PAGOPA|002|301000000000000144|00743110157|00");
  p.amount_cents = 99999999999;
  EXPECT_EQ(writeQr(p), "PAGOPA|002|301000000000000144|00743110157|99999999999");
}

TEST(Qr, RoundTrip) {
  for (std::int64_t cents : {0LL, 1LL, 5LL, 99LL, 100LL, 12345LL, 9999999999LL, 99999999999LL}) {
    QrPayload p{"301000000000000144", "00743110157", cents};
    auto back = parseQr(writeQr(p));
    ASSERT_TRUE(back) << writeQr(p) << " " << back.error().message;
    EXPECT_EQ(back->notice_number, p.notice_number);
    EXPECT_EQ(back->fiscal_code, p.fiscal_code);
    EXPECT_EQ(back->amount_cents, cents);
  }
}

TEST(Qr, OfficialExampleAndPaddedAmountsParse) {
  auto official = parseQr("PAGOPA|002|000000000000000000|00000000000|9999");
  ASSERT_TRUE(official) << official.error().message;
  EXPECT_EQ(official->amount_cents, 9999);
  auto padded = parseQr("PAGOPA|002|301000000000000144|00743110157|0000012345");
  ASSERT_TRUE(padded);
  EXPECT_EQ(padded->amount_cents, 12345);
  auto single = parseQr("PAGOPA|002|301000000000000144|00743110157|7");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->amount_cents, 7);
}

TEST(Qr, EveryRuleHasAFailingCase) {
  const std::string notice = "301000000000000144", cf = "00743110157";
  auto rule = [](const std::string& text) { return ruleOf(parseQr(text)); };
  EXPECT_EQ(rule(""), "qr.format");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|" + cf), "qr.format");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|" + cf + "|100|"), "qr.format");
  EXPECT_EQ(rule("PAGOPX|002|" + notice + "|" + cf + "|100"), "qr.prefix");
  EXPECT_EQ(rule("pagopa|002|" + notice + "|" + cf + "|100"), "qr.prefix");
  EXPECT_EQ(rule("PAGOPA|001|" + notice + "|" + cf + "|100"), "qr.version");
  EXPECT_EQ(rule("PAGOPA|2|" + notice + "|" + cf + "|100"), "qr.version");
  EXPECT_EQ(rule("PAGOPA|002|301000000000000145|" + cf + "|100"), "notice.check");
  EXPECT_EQ(rule("PAGOPA|002|3010 0000 0000 0001 44|" + cf + "|100"), "notice.length");
  EXPECT_EQ(rule("PAGOPA|002|30100000000000014x|" + cf + "|100"), "notice.digits");
  EXPECT_EQ(rule("PAGOPA|002|901000000000000144|" + cf + "|100"), "notice.aux");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|00743110158|100"), "piva.check");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|0074311015|100"), "piva.length");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|RSSMRA85T10A562S|100"), "piva.length");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|" + cf + "|"), "qr.amount");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|" + cf + "|1.00"), "qr.amount");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|" + cf + "|-100"), "qr.amount");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|" + cf + "|100000000000"), "qr.amount");
  EXPECT_EQ(rule("PAGOPA|002|" + notice + "|" + cf + "|100\n"), "qr.amount");
}

// --- Poste Data Matrix ---------------------------------------------------------------------------------

DataMatrixPayload sampleDataMatrix() {
  DataMatrixPayload p;
  p.notice_number = "301000000000000144";
  p.postal_account = "16302093";
  p.amount_cents = 12345;
  p.ec_fiscal_code = "00743110157";
  p.debtor_fiscal_code = "RSSMRA85T10A562S";
  p.debtor_name = "Mario Rossi";
  p.remittance = "TARI 2024 rata unica";
  return p;
}

TEST(DataMatrix, WritesTheFixedWidthLayout) {
  auto dm = writeDataMatrix(sampleDataMatrix());
  ASSERT_TRUE(dm) << dm.error().message;
  const std::string expected = std::string("codfase=NBPA;") +  // 13
                               "18" + "301000000000000144" +   // 20: notice
                               "12" + "000016302093" +         // 14: postal account, zero-padded
                               "10" + "0000012345" +           // 12: cents, zero-padded
                               "3" + "896" +                   // 4: document type 896
                               "1P1" +                         // 3
                               "00743110157" +                 // 11: EC fiscal code
                               "RSSMRA85T10A562S" +            // 16: debtor fiscal code
                               "Mario Rossi" + std::string(40 - 11, ' ') + "TARI 2024 rata unica" +
                               std::string(110 - 20, ' ') + std::string(12, ' ') + "A";
  EXPECT_EQ(expected.size(), 256u);
  EXPECT_EQ(dm->size(), 256u);
  EXPECT_EQ(*dm, expected);
  // The offsets pagoPA's app reads.
  EXPECT_EQ(dm->substr(15, 18), "301000000000000144");
  EXPECT_EQ(dm->substr(49, 10), "0000012345");
  EXPECT_EQ(dm->substr(66, 11), "00743110157");
}

TEST(DataMatrix, RoundTrip) {
  auto p = sampleDataMatrix();
  p.postal_account = "000016302093";  // parsing returns the 12-digit form
  auto dm = writeDataMatrix(p);
  ASSERT_TRUE(dm);
  auto back = parseDataMatrix(*dm);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->notice_number, p.notice_number);
  EXPECT_EQ(back->postal_account, p.postal_account);
  EXPECT_EQ(back->amount_cents, p.amount_cents);
  EXPECT_EQ(back->ec_fiscal_code, p.ec_fiscal_code);
  EXPECT_EQ(back->debtor_fiscal_code, p.debtor_fiscal_code);
  EXPECT_EQ(back->debtor_name, p.debtor_name);
  EXPECT_EQ(back->remittance, p.remittance);

  // Fields filled to their width, and empty ones, come back too.
  p.debtor_fiscal_code = "";
  p.debtor_name = std::string(40, 'N');
  p.remittance = std::string(110, 'r');
  p.amount_cents = 9999999999;
  back = parseDataMatrix(*writeDataMatrix(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->debtor_fiscal_code, "");
  EXPECT_EQ(back->debtor_name, p.debtor_name);
  EXPECT_EQ(back->remittance, p.remittance);
  EXPECT_EQ(back->amount_cents, 9999999999);
}

TEST(DataMatrix, WriteRejectsOverlongAndInvalidFields) {
  auto rule = [](void (*change)(DataMatrixPayload&)) {
    auto p = sampleDataMatrix();
    change(p);
    return ruleOf(writeDataMatrix(p));
  };
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.debtor_fiscal_code = std::string(17, 'A'); }),
            "dm.debtor_fiscal_code");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.debtor_name = std::string(41, 'a'); }), "dm.debtor_name");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.remittance = std::string(111, 'a'); }), "dm.remittance");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.postal_account = "1234567890123"; }), "dm.account");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.postal_account = ""; }), "dm.account");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.postal_account = "1630-2093"; }), "dm.account");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.amount_cents = 10000000000; }), "dm.amount");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.amount_cents = -1; }), "dm.amount");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.debtor_name = "Niccolò Rossi"; }), "dm.charset");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.remittance = "line\nbreak"; }), "dm.charset");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.notice_number = "301000000000000145"; }), "notice.check");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.notice_number = "30100000000000014"; }), "notice.length");
  EXPECT_EQ(rule([](DataMatrixPayload& p) { p.ec_fiscal_code = "00743110158"; }), "piva.check");
}

TEST(DataMatrix, ParseRejectsMalformedPayloads) {
  const std::string good = *writeDataMatrix(sampleDataMatrix());
  auto changed = [&](std::size_t at, std::string_view with) {
    std::string s = good;
    s.replace(at, with.size(), with);
    return ruleOf(parseDataMatrix(s));
  };
  EXPECT_EQ(ruleOf(parseDataMatrix(good.substr(0, 255))), "dm.length");
  EXPECT_EQ(ruleOf(parseDataMatrix(good + " ")), "dm.length");
  EXPECT_EQ(changed(0, "codfase=NBPB;"), "dm.format");
  EXPECT_EQ(changed(13, "19"), "dm.format");
  EXPECT_EQ(changed(59, "3674"), "dm.format");  // another document type
  EXPECT_EQ(changed(63, "1P2"), "dm.format");
  EXPECT_EQ(changed(250, "x"), "dm.format");  // filler
  EXPECT_EQ(changed(255, "B"), "dm.format");
  EXPECT_EQ(changed(32, "5"), "notice.check");
  EXPECT_EQ(changed(20, "x"), "notice.digits");
  EXPECT_EQ(changed(40, "x"), "dm.account");
  EXPECT_EQ(changed(50, " "), "dm.amount");
  EXPECT_EQ(changed(76, "8"), "piva.check");
  EXPECT_EQ(changed(100, "\x01"), "dm.charset");
}

// --- amounts -------------------------------------------------------------------------------------------

TEST(Amount, Format) {
  EXPECT_EQ(formatAmount(12345), "123.45");
  EXPECT_EQ(formatAmount(5), "0.05");
  EXPECT_EQ(formatAmount(0), "0.00");
  EXPECT_EQ(formatAmount(100), "1.00");
  EXPECT_EQ(formatAmount(99999999999), "999999999.99");
}

TEST(Amount, ParseEdgeCases) {
  EXPECT_EQ(*parseAmount("0.00"), 0);
  EXPECT_EQ(*parseAmount("0.05"), 5);
  EXPECT_EQ(*parseAmount("123.45"), 12345);
  EXPECT_EQ(*parseAmount("999999999.99"), 99999999999);
  // Leading zeros: the XSD pattern \d+\.\d{2} admits them, so they are read.
  EXPECT_EQ(*parseAmount("01.50"), 150);
  EXPECT_EQ(*parseAmount("0000000000000000000001.00"), 100);
  EXPECT_EQ(ruleOf(parseAmount("1000000000.00")), "amount.range");
  EXPECT_EQ(ruleOf(parseAmount("99999999999999999999999999.00")), "amount.range");
  for (const char* bad : {"", "1", "1.5", "1.", ".50", "1.000", "-1.00", "+1.00", "1,00", " 1.00", "1.00 ",
                          "1.0a", "1e2.00", "1.2.3", "1 000.00"}) {
    EXPECT_EQ(ruleOf(parseAmount(bad)), "amount.format") << '"' << bad << '"';
  }
}

TEST(Amount, RoundTrip) {
  std::mt19937_64 rng(93);
  std::uniform_int_distribution<std::int64_t> cents(0, 99999999999);
  for (int i = 0; i < 1000; ++i) {
    std::int64_t c = cents(rng);
    auto back = parseAmount(formatAmount(c));
    ASSERT_TRUE(back) << formatAmount(c);
    EXPECT_EQ(*back, c);
  }
}

}  // namespace
}  // namespace sportello::pagopa
