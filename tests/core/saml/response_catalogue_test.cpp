// THE test of the SP side: every case of the SP response test catalogue, built by buildCase() and judged by
// checkResponse(), gets the verdict the spec expects, and each rejection names the rule one expects.
#include "core/saml/response_catalogue.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/saml/response_rules.hpp"
#include "tests/core/saml/sp_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;
using namespace std::chrono_literals;

namespace sportello::saml {
void PrintTo(const CatalogueCase& c, std::ostream* os) {
  *os << c.id << " (" << c.title << ")";
}
}  // namespace sportello::saml

namespace {

CaseInputs inputs(Level requested = Level::L2, Comparison cmp = Comparison::minimum) {
  xml::initialise();
  return CaseInputs{
      test::validSpec(), test::pinnedIdpKey(), test::unregisteredKey(), test::kRequestAt, requested, cmp};
}

ResponseContext context(Level requested = Level::L2, Comparison cmp = Comparison::minimum) {
  auto c = test::acsContext();
  c.requested_level = requested;
  c.comparison = cmp;
  return c;
}

// The rule whose failure each rejected case must show (others may fail too).
const std::map<std::string, std::string>& expectedRule() {
  static const std::map<std::string, std::string> m = [] {
    std::map<std::string, std::string> t = {
        {"2", "assertion.signature"},    {"3", "assertion.signature"},   {"4", "assertion.signature"},
        {"5", "assertion.signature"},    {"xsw1", "response.signature"}, {"xsw2", "response.signature"},
        {"xsw3", "assertion.present"},   {"xsw4", "assertion.present"},  {"xsw5", "assertion.present"},
        {"xsw6", "assertion.present"},   {"xsw7", "assertion.present"},  {"xsw8", "assertion.present"},
        {"xslt", "assertion.signature"}, {"8", "response.id"},           {"9", "response.id"},
        {"10", "response.version"},      {"32", "assertion.present"},    {"33", "assertion.id"},
        {"34", "assertion.id"},          {"35", "assertion.version"},    {"94", "assertion.level"},
        {"97", "assertion.level"},       {"98", "assertion.attributes"}, {"99", "assertion.attributes"},
        {"100", "assertion.signature"},  {"112", "assertion.present"},   {"113", "assertion.present"},
    };
    auto range = [&](int from, int to, const char* rule) {
      for (int i = from; i <= to; ++i) t[std::to_string(i)] = rule;
    };
    range(11, 15, "response.issue_instant");
    range(16, 18, "response.in_response_to");
    range(19, 21, "response.destination");
    range(22, 26, "response.status");
    range(27, 30, "response.issuer");
    range(36, 40, "assertion.issue_instant");
    range(41, 42, "assertion.subject");
    range(43, 49, "assertion.name_id");
    range(51, 56, "assertion.subject_confirmation");
    range(57, 59, "assertion.recipient");
    range(60, 62, "assertion.in_response_to");
    range(63, 66, "assertion.not_on_or_after");
    range(67, 72, "assertion.issuer");
    range(73, 82, "assertion.conditions");
    range(83, 87, "assertion.audience");
    range(88, 93, "assertion.authn_context");
    range(104, 108, "response.status");
    t["111"] = "response.status";
    return t;
  }();
  return m;
}

std::string failures(const AcsOutcome& o) {
  std::string s;
  for (const auto& v : o.report.verdicts) {
    if (v.outcome == Outcome::fail) s += "  " + v.rule + ": " + v.detail + "\n";
  }
  return s.empty() ? "  (none)\n" : s;
}

AcsOutcome run(const std::string& id, Level requested = Level::L2, Comparison cmp = Comparison::minimum) {
  auto x = buildCase(id, inputs(requested, cmp));
  EXPECT_TRUE(x) << id << ": " << (x ? "" : x.error());
  if (!x) return {};
  ReplayCache cache;
  auto c = context(requested, cmp);
  c.replay = &cache;
  return checkResponse(*x, c, test::pinnedCerts());
}

class Catalogue : public ::testing::TestWithParam<CatalogueCase> {};

}  // namespace

TEST(ResponseCatalogue, ListsEveryCaseOfTheSpecInOrder) {
  std::vector<std::string> expected = {"1", "1-NS", "2", "3", "4", "5"};
  for (int i = 1; i <= 8; ++i) expected.push_back("xsw" + std::to_string(i));
  expected.push_back("xslt");
  for (int i = 8; i <= 100; ++i) {
    if (i != 50) expected.push_back(std::to_string(i));
  }
  for (int i = 103; i <= 113; ++i) expected.push_back(std::to_string(i));
  std::vector<std::string> ids;
  for (const auto& c : responseCatalogue()) {
    ids.push_back(c.id);
    EXPECT_FALSE(c.title.empty()) << c.id;
    EXPECT_EQ(findCase(c.id), &c);
  }
  EXPECT_EQ(ids, expected);
  const std::map<std::string, int> errors = {{"104", 19}, {"105", 20}, {"106", 21},
                                             {"107", 22}, {"108", 23}, {"111", 25}};
  for (const auto& c : responseCatalogue()) {
    auto it = errors.find(c.id);
    EXPECT_EQ(c.spid_error, it == errors.end() ? 0 : it->second) << c.id;
  }
  EXPECT_EQ(findCase("103")->expect, Expect::report);
  EXPECT_EQ(findCase("nope"), nullptr);
  EXPECT_FALSE(buildCase("nope", inputs()));
}

TEST_P(Catalogue, TheSpVerdictIsTheExpectedOne) {
  const CatalogueCase& c = GetParam();
  AcsOutcome o = run(c.id);
  const Expect expect = expectFor(c, Level::L2, Comparison::minimum);
  EXPECT_EQ(expect, c.expect) << "the catalogue's own verdict is for SpidL2/minimum";
  switch (expect) {
    case Expect::accept:
      EXPECT_TRUE(o.accepted) << c.id << " " << c.title << " was refused:\n" << failures(o);
      EXPECT_FALSE(o.identity.name_id.empty());
      EXPECT_FALSE(o.identity.attributes.empty());
      break;
    case Expect::reject: {
      EXPECT_FALSE(o.accepted) << c.id << " " << c.title << " was accepted";
      EXPECT_TRUE(o.identity.name_id.empty()) << "identity leaked from a refused Response";
      auto it = expectedRule().find(c.id);
      ASSERT_NE(it, expectedRule().end()) << "no expected rule for case " << c.id;
      auto failed = test::failedRules(o.report);
      EXPECT_NE(std::find(failed.begin(), failed.end(), it->second), failed.end())
          << c.id << " " << c.title << ": expected " << it->second << " to fail; failures:\n"
          << failures(o);
      break;
    }
    case Expect::report: {
      const Verdict* v = test::verdictOf(o.report, "assertion.attribute_set");
      ASSERT_NE(v, nullptr);
      EXPECT_EQ(v->outcome, Outcome::pass);
      EXPECT_NE(v->detail.find("differs"), std::string::npos) << v->detail;
      break;
    }
  }
  EXPECT_EQ(o.spid_error, c.spid_error) << c.id;
  // Whatever the verdict, a forged identity never comes out.
  EXPECT_NE(o.identity.name_id, "_attacker") << c.id;
}

INSTANTIATE_TEST_SUITE_P(Cases, Catalogue, ::testing::ValuesIn(responseCatalogue()),
                         [](const auto& param_info) {
                           std::string name = "case_" + param_info.param.id;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(ResponseCatalogue, SignatureAttacksNeverVerifyTheAssertion) {
  for (const char* id : {"2", "3", "4", "5", "xsw1", "xsw2", "xsw3", "xsw4", "xsw5", "xsw6", "xsw7", "xsw8",
                         "xslt", "100", "112", "113"}) {
    AcsOutcome o = run(id);
    const Verdict* v = test::verdictOf(o.report, "assertion.signature");
    ASSERT_NE(v, nullptr) << id;
    EXPECT_EQ(v->outcome, Outcome::fail) << id << ": " << v->detail;
  }
}

TEST(ResponseCatalogue, LevelCasesUnderL2MinimumAndL2Exact) {
  struct Row {
    const char* id;
    Comparison cmp;
    bool accepted;
  };
  const Row rows[] = {
      {"94", Comparison::minimum, false}, {"95", Comparison::minimum, true},
      {"96", Comparison::minimum, true},  {"94", Comparison::exact, false},
      {"95", Comparison::exact, true},    {"96", Comparison::exact, true},
  };
  for (const auto& r : rows) {
    const CatalogueCase* c = findCase(r.id);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(expectFor(*c, Level::L2, r.cmp), r.accepted ? Expect::accept : Expect::reject) << r.id;
    AcsOutcome o = run(r.id, Level::L2, r.cmp);
    EXPECT_EQ(o.accepted, r.accepted) << r.id << " under SpidL2/" << toString(r.cmp) << ":\n" << failures(o);
    if (!r.accepted) {
      auto failed = test::failedRules(o.report);
      EXPECT_EQ(failed, std::vector<std::string>{"assertion.level"}) << failures(o);
    } else {
      EXPECT_EQ(o.identity.level, *c->returned_level);
    }
  }
  // And the other Comparisons, for the record: better refuses the equal level, maximum accepts the lower.
  EXPECT_EQ(expectFor(*findCase("95"), Level::L2, Comparison::better), Expect::reject);
  EXPECT_FALSE(run("95", Level::L2, Comparison::better).accepted);
  EXPECT_EQ(expectFor(*findCase("94"), Level::L2, Comparison::maximum), Expect::accept);
  EXPECT_TRUE(run("94", Level::L2, Comparison::maximum).accepted);
}

TEST(ResponseCatalogue, CaseOneIsAcceptableWhateverTheRequestedLevel) {
  // buildCase picks a level the request accepts for every case but 94-96.
  EXPECT_TRUE(run("1", Level::L3, Comparison::exact).accepted);
  EXPECT_TRUE(run("1", Level::L1, Comparison::better).accepted);
  EXPECT_TRUE(run("1", Level::L1, Comparison::maximum).accepted);
}

TEST(ResponseCatalogue, ACommentSplitNameIdIsRefusedNeverTruncated) {
  auto in = inputs();
  in.base.name_id = "abcdef";
  auto x = buildCase("1", in);
  ASSERT_TRUE(x);
  const std::string whole = "abcdef</saml:NameID>";
  auto at = x->find(whole);
  ASSERT_NE(at, std::string::npos);
  std::string split = *x;
  split.replace(at, whole.size(), "abc<!---->def</saml:NameID>");
  AcsOutcome o = checkResponse(split, context(), test::pinnedCerts());
  // Comments are outside exclusive c14n: the signatures still verify, so the reader is what refuses.
  EXPECT_EQ(test::verdictOf(o.report, "assertion.signature")->outcome, Outcome::pass);
  EXPECT_FALSE(o.accepted);
  auto failed = test::failedRules(o.report);
  EXPECT_NE(std::find(failed.begin(), failed.end(), "assertion.name_id"), failed.end()) << failures(o);
  EXPECT_NE(o.identity.name_id, "abc");
  EXPECT_TRUE(o.identity.name_id.empty());
}

TEST(ResponseCatalogue, CasesAreSignedAsTheyClaim) {
  // Content cases carry two valid signatures; the unsigned case none; error cases one (the Response).
  auto count = [](const std::string& x) {
    std::size_t n = 0;
    for (auto p = x.find("<ds:Signature "); p != std::string::npos; p = x.find("<ds:Signature ", p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(*buildCase("1", inputs())), 2u);
  EXPECT_EQ(count(*buildCase("47", inputs())), 2u);
  EXPECT_EQ(count(*buildCase("2", inputs())), 0u);
  EXPECT_EQ(count(*buildCase("3", inputs())), 1u);
  EXPECT_EQ(count(*buildCase("104", inputs())), 1u);
  EXPECT_EQ(count(*buildCase("9", inputs())), 1u);  // no Response ID: only the Assertion can be signed
  auto o = run("47");
  EXPECT_EQ(test::verdictOf(o.report, "response.signature")->outcome, Outcome::pass);
  EXPECT_EQ(test::verdictOf(o.report, "assertion.signature")->outcome, Outcome::pass);
}

TEST(ResponseCatalogue, SignatureCasesFailForTheirOwnReasonOnly) {
  auto detail = [](const AcsOutcome& o, const char* rule) { return test::verdictOf(o.report, rule)->detail; };
  // 4: the registered certificate shown in KeyInfo, another key used: the signature value is what fails.
  auto four = run("4");
  for (const char* rule : {"response.signature", "assertion.signature"}) {
    EXPECT_NE(detail(four, rule).find("ds:SignatureValue"), std::string::npos) << detail(four, rule);
    EXPECT_NE(detail(four, rule).find("KeyInfo carries that same certificate"), std::string::npos);
  }
  // 5: the other certificate in KeyInfo is named and ignored.
  auto five = run("5");
  EXPECT_NE(detail(five, "assertion.signature").find("which is ignored"), std::string::npos)
      << detail(five, "assertion.signature");
  // XSLT: refused before any transform runs.
  auto xslt = run("xslt");
  EXPECT_EQ(test::failedRules(xslt.report), std::vector<std::string>{"assertion.signature"});
  EXPECT_EQ(detail(xslt, "assertion.signature").rfind("sig.transform", 0), 0u)
      << detail(xslt, "assertion.signature");
  // 100: the Response's signature is good; the Assertion's is not.
  auto hundred = run("100");
  EXPECT_EQ(test::failedRules(hundred.report), std::vector<std::string>{"assertion.signature"});
  // 112: the Response signature covers both Assertions and verifies; the structure rule refuses.
  auto second = run("112");
  EXPECT_EQ(test::verdictOf(second.report, "response.signature")->outcome, Outcome::pass);
}
