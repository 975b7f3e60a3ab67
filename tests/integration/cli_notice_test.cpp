// `sportello notice`, run as a user would: the spec's worked examples, every subcommand's JSON form,
// round trips through the printed payloads, and exit status 2 with the rule name on invalid input.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/pagopa/notice.hpp"
#include "tests/integration/cli_support.hpp"
#include "tests/support/test_env.hpp"

using namespace sportello;
using namespace sportello::test::cli;

namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// Runs `sportello notice ...` in a fresh directory.
Run notice(std::vector<std::string> args) {
  test::TempDir dir;
  args.insert(args.begin(), "notice");
  return run(args, dir.path());
}

// The one JSON object a --json run prints.
boost::json::object json(const Run& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.out, ec);
  EXPECT_FALSE(ec) << r.out;
  EXPECT_TRUE(v.is_object()) << r.out;
  return v.is_object() ? v.as_object() : boost::json::object{};
}

std::string str(const boost::json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string())
                             : std::string("<missing " + std::string(key) + ">");
}

const std::string kCf = "00743110157";  // a valid partita IVA (the one the core tests use)

}  // namespace

TEST(CliNotice, NewSpecWorkedExample) {
  auto r = notice({"new", "--aux", "3", "--code", "01", "--base", "0000000000001"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, "301000000000000144")) << r.out;
  EXPECT_TRUE(has(r.out, "3010 0000 0000 0001 44")) << r.out;
  EXPECT_TRUE(has(r.out, "01000000000000144")) << r.out;  // the IUV
  EXPECT_FALSE(has(r.out, "PAGOPA")) << "no QR payload without --amount and --fiscal-code";

  auto j = notice({"new", "--aux", "3", "--code", "01", "--base", "0000000000001", "--json"});
  ASSERT_EQ(j.status, 0) << j.err;
  auto o = json(j);
  EXPECT_EQ(str(o, "notice_number"), "301000000000000144");
  EXPECT_EQ(str(o, "printed"), "3010 0000 0000 0001 44");
  EXPECT_EQ(str(o, "iuv"), "01000000000000144");
  EXPECT_EQ(str(o, "segregation_code"), "01");
  EXPECT_EQ(str(o, "check_digits"), "44");
  EXPECT_EQ(o.at("aux").as_int64(), 3);
  EXPECT_FALSE(o.contains("qr"));
}

TEST(CliNotice, NewWithAmountAndFiscalCodeWritesTheQrPayload) {
  auto r = notice({"new", "--aux", "3", "--code", "01", "--base", "0000000000001", "--amount", "123.45",
                   "--fiscal-code", "00000000000", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto o = json(r);
  EXPECT_EQ(str(o, "qr"), "PAGOPA|002|301000000000000144|00000000000|12345");
  EXPECT_EQ(str(o, "amount"), "123.45");
  EXPECT_EQ(o.at("amount_cents").as_int64(), 12345);

  auto text = notice({"new", "--code", "01", "--base", "0000000000001", "--amount", "123.45", "--fiscal-code",
                      "00000000000"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(has(text.out, "PAGOPA|002|301000000000000144|00000000000|12345")) << text.out;

  EXPECT_EQ(notice({"new", "--code", "01", "--amount", "1.00"}).status, 2);  // needs --fiscal-code too
  auto badCf = notice({"new", "--code", "01", "--amount", "1.00", "--fiscal-code", "00743110158"});
  EXPECT_EQ(badCf.status, 2);
  EXPECT_TRUE(has(badCf.err, "piva.check")) << badCf.err;
  auto badAmount = notice({"new", "--code", "01", "--amount", "1.5", "--fiscal-code", kCf});
  EXPECT_EQ(badAmount.status, 2);
  EXPECT_TRUE(has(badAmount.err, "amount.format")) << badAmount.err;
}

TEST(CliNotice, NewAuxZeroAndTwo) {
  auto zero = notice({"new", "--aux", "0", "--code", "42", "--base", "1234567890123", "--json"});
  ASSERT_EQ(zero.status, 0) << zero.err;
  auto o = json(zero);
  EXPECT_EQ(str(o, "notice_number").substr(0, 16), "0421234567890123");
  EXPECT_EQ(str(o, "application_code"), "42");
  EXPECT_FALSE(o.contains("segregation_code"));
  EXPECT_EQ(str(o, "iuv").size(), 15u);

  auto two = notice({"new", "--aux", "2", "--base", "123456789012345", "--json"});
  ASSERT_EQ(two.status, 0) << two.err;
  auto t = json(two);
  EXPECT_EQ(str(t, "notice_number").substr(0, 16), "2123456789012345");
  EXPECT_EQ(str(t, "iuv").size(), 17u);

  EXPECT_EQ(notice({"new", "--aux", "2", "--code", "01"}).status, 2);  // aux 2 has no code
  EXPECT_EQ(notice({"new", "--aux", "3"}).status, 2);                  // aux 3 needs one
  auto legacy = notice({"new", "--aux", "1", "--base", "0000000000001"});
  EXPECT_EQ(legacy.status, 2);
  EXPECT_TRUE(has(legacy.err, "notice.aux")) << legacy.err;
  auto shortBase = notice({"new", "--code", "01", "--base", "123"});
  EXPECT_EQ(shortBase.status, 2);
  EXPECT_TRUE(has(shortBase.err, "notice.base")) << shortBase.err;
  EXPECT_EQ(notice({"new", "--code", "100", "--base", "0000000000001"}).status, 2);
}

TEST(CliNotice, NewWithoutBaseDrawsAValidRandomOne) {
  std::vector<std::string> seen;
  for (const char* aux : {"0", "2", "3"}) {
    std::vector<std::string> args = {"new", "--aux", aux, "--json"};
    if (std::string(aux) != "2") args.insert(args.end(), {"--code", "07"});
    auto r = notice(args);
    ASSERT_EQ(r.status, 0) << r.err;
    std::string digits = str(json(r), "notice_number");
    auto parsed = pagopa::parseNoticeNumber(digits);  // checked by the library, not by the CLI again
    ASSERT_TRUE(parsed) << digits << ": " << parsed.error().message;
    EXPECT_EQ(parsed->aux, std::stoi(aux));
    seen.push_back(digits);
  }
  auto again = notice({"new", "--code", "07", "--json"});
  EXPECT_NE(str(json(again), "notice_number"), seen.back()) << "13 random digits twice the same";
}

TEST(CliNotice, CheckSpecWorkedExample) {
  auto r = notice({"check", "300715700000000032"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, "00715700000000032")) << r.out;
  EXPECT_TRUE(has(r.out, "32 ok")) << r.out;

  // As printed, quoted or not.
  EXPECT_EQ(notice({"check", "3010 0000 0000 0001 44"}).status, 0);
  EXPECT_EQ(notice({"check", "3010", "0000", "0000", "0001", "44"}).status, 0);

  auto j = notice({"check", "300715700000000032", "--json"});
  ASSERT_EQ(j.status, 0) << j.err;
  auto o = json(j);
  EXPECT_TRUE(o.at("valid").as_bool());
  EXPECT_EQ(o.at("aux").as_int64(), 3);
  EXPECT_EQ(str(o, "segregation_code"), "00");
  EXPECT_EQ(str(o, "iuv"), "00715700000000032");
  EXPECT_EQ(str(o, "check_digits"), "32");

  auto legacy = notice({"check", "112345678901234599", "--json"});
  ASSERT_EQ(legacy.status, 0) << legacy.err;
  EXPECT_TRUE(json(legacy).at("check_digits").is_null());
}

TEST(CliNotice, CheckRefusesAWrongCheckDigitWithExitCode2) {
  auto r = notice({"check", "300715700000000033"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(has(r.err, "notice.check: ")) << r.err;
  EXPECT_TRUE(has(r.err, "32")) << "says what the check digits should be: " << r.err;

  auto j = notice({"check", "300715700000000033", "--json"});
  EXPECT_EQ(j.status, 2);
  auto o = json(j);
  EXPECT_FALSE(o.at("valid").as_bool());
  EXPECT_EQ(str(o, "rule"), "notice.check");

  auto length = notice({"check", "30071570000000003"});
  EXPECT_EQ(length.status, 2);
  EXPECT_TRUE(has(length.err, "notice.length")) << length.err;
  auto aux = notice({"check", "901000000000000144"});
  EXPECT_TRUE(has(aux.err, "notice.aux")) << aux.err;
  EXPECT_EQ(notice({"check"}).status, 2);
}

TEST(CliNotice, QrRoundTrip) {
  auto w = notice({"qr", "--notice", "3010 0000 0000 0001 44", "--fiscal-code", kCf, "--amount", "123.45"});
  ASSERT_EQ(w.status, 0) << w.err;
  const std::string payload = "PAGOPA|002|301000000000000144|" + kCf + "|12345";
  EXPECT_EQ(w.out, payload + "\n");

  auto r = notice({"qr", payload, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto o = json(r);
  EXPECT_EQ(str(o, "notice_number"), "301000000000000144");
  EXPECT_EQ(str(o, "fiscal_code"), kCf);
  EXPECT_EQ(str(o, "amount"), "123.45");
  EXPECT_EQ(o.at("amount_cents").as_int64(), 12345);

  auto text = notice({"qr", payload});
  ASSERT_EQ(text.status, 0);
  EXPECT_TRUE(has(text.out, "123.45")) << text.out;
  EXPECT_TRUE(has(text.out, "01000000000000144")) << text.out;

  auto wj =
      notice({"qr", "--notice", "301000000000000144", "--fiscal-code", kCf, "--amount", "0.05", "--json"});
  ASSERT_EQ(wj.status, 0) << wj.err;
  EXPECT_EQ(str(json(wj), "payload"), "PAGOPA|002|301000000000000144|" + kCf + "|05");
}

TEST(CliNotice, QrRefusals) {
  auto check = notice({"qr", "PAGOPA|002|301000000000000145|" + kCf + "|100"});
  EXPECT_EQ(check.status, 2);
  EXPECT_TRUE(has(check.err, "notice.check")) << check.err;
  auto version = notice({"qr", "PAGOPA|001|301000000000000144|" + kCf + "|100"});
  EXPECT_TRUE(has(version.err, "qr.version")) << version.err;
  auto cf =
      notice({"qr", "--notice", "301000000000000144", "--fiscal-code", "00743110158", "--amount", "1.00"});
  EXPECT_EQ(cf.status, 2);
  EXPECT_TRUE(has(cf.err, "piva.check")) << cf.err;
  // Usage: both a payload and fields, or only some of the fields.
  EXPECT_EQ(notice({"qr", "PAGOPA|002|301000000000000144|" + kCf + "|100", "--amount", "1.00"}).status, 2);
  EXPECT_EQ(notice({"qr", "--notice", "301000000000000144"}).status, 2);
  EXPECT_EQ(notice({"qr"}).status, 2);
}

TEST(CliNotice, DataMatrixRoundTrip) {
  auto w = notice({"datamatrix", "--notice", "301000000000000144", "--postal-account", "16302093", "--amount",
                   "123.45", "--fiscal-code", kCf, "--debtor-fiscal-code", "RSSMRA85T10A562S",
                   "--debtor-name", "Mario Rossi", "--remittance", "TARI 2024"});
  ASSERT_EQ(w.status, 0) << w.err;
  ASSERT_EQ(w.out.size(), 257u) << w.out;  // 256 and the newline
  std::string payload = w.out.substr(0, 256);
  EXPECT_EQ(payload.rfind("codfase=NBPA;18301000000000000144", 0), 0u) << payload;

  auto r = notice({"datamatrix", payload, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto o = json(r);
  EXPECT_EQ(str(o, "notice_number"), "301000000000000144");
  EXPECT_EQ(str(o, "postal_account"), "000016302093");
  EXPECT_EQ(o.at("amount_cents").as_int64(), 12345);
  EXPECT_EQ(str(o, "fiscal_code"), kCf);
  EXPECT_EQ(str(o, "debtor_fiscal_code"), "RSSMRA85T10A562S");
  EXPECT_EQ(str(o, "debtor_name"), "Mario Rossi");
  EXPECT_EQ(str(o, "remittance"), "TARI 2024");

  auto bad = notice({"datamatrix", payload.substr(0, 255)});
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(has(bad.err, "dm.length")) << bad.err;
  EXPECT_EQ(notice({"datamatrix", "--notice", "301000000000000144"}).status, 2);
}

TEST(CliNotice, HelpAndUsage) {
  auto top = notice({"--help"});
  EXPECT_EQ(top.status, 0);
  EXPECT_TRUE(has(top.out, "Usage: sportello notice")) << top.out;
  for (std::string sub : {"new", "check", "qr", "datamatrix"}) {
    auto h = notice({sub, "--help"});
    EXPECT_EQ(h.status, 0) << sub;
    EXPECT_TRUE(has(h.out, "Usage: sportello notice " + sub)) << h.out;
    EXPECT_TRUE(has(h.out, "--json")) << h.out;
  }
  EXPECT_EQ(notice({}).status, 2);
  EXPECT_EQ(notice({"frobnicate"}).status, 2);
  EXPECT_EQ(notice({"check", "--no-such-option", "300715700000000032"}).status, 2);
  EXPECT_EQ(notice({"new", "--code", "01", "surplus"}).status, 2);
  test::TempDir dir;
  EXPECT_TRUE(has(run({"--help"}, dir.path()).out, "notice")) << "listed in the top-level usage";
}
