// Scenario hooks: the rule list on its own (parsing, matching, uses), and each action through the
// station on a real server, set up through the admin API as a CI pipeline would.
#include <boost/json.hpp>

#include "mocks/comune/scenarios.hpp"
#include "tests/mocks/comune/station_fixture.hpp"

using namespace sportello;
using namespace sportello::comune;
using namespace sportello::test;
namespace f = pagopa::fault;

namespace {

std::vector<std::string> problemFields(const json::value& v) {
  auto r = readScenarioRule(v);
  std::vector<std::string> out;
  if (!r) {
    for (const auto& p : r.error()) out.push_back(p.field + " " + p.rule);
  }
  return out;
}

TEST(ScenarioRules, ReadFromJson) {
  auto r = readScenarioRule(json::parse(
      R"({"operation": "paGetPaymentV2", "noticeNumber": "347000000000000117", "action": "fault",
          "faultCode": "PAA_SYSTEM_ERROR", "description": "down for maintenance", "times": 2})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->operation, "paGetPaymentV2");
  EXPECT_EQ(r->notice_number, "347000000000000117");
  EXPECT_EQ(r->action, ScenarioAction::fault);
  EXPECT_EQ(r->fault_code, "PAA_SYSTEM_ERROR");
  EXPECT_EQ(r->description, "down for maintenance");
  EXPECT_EQ(r->times, 2);

  auto d = readScenarioRule(json::parse(R"({"action": "delay", "delayMs": 250})"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->operation, "*");
  EXPECT_EQ(d->notice_number, "");
  EXPECT_EQ(d->delay, std::chrono::milliseconds(250));
  EXPECT_EQ(d->times, 0);
  EXPECT_TRUE(readScenarioRule(json::parse(R"({"action": "timeout"})")));
  EXPECT_TRUE(readScenarioRule(json::parse(R"({"action": "down", "operation": "paSendRTV2"})")));
}

TEST(ScenarioRules, EveryProblemIsNamed) {
  using V = std::vector<std::string>;
  EXPECT_EQ(problemFields(json::parse("[]")), V{" scenario.shape"});
  EXPECT_EQ(problemFields(json::parse("{}")), V{"action scenario.action"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "explode"})")), V{"action scenario.action"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "fault"})")), V{"faultCode scenario.fault_code"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "fault", "faultCode": "paa<x>"})")),
            V{"faultCode scenario.fault_code"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "delay"})")), V{"delayMs scenario.delay"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "garbage", "delayMs": 10})")),
            V{"delayMs scenario.delay"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "down", "faultCode": "PAA_X"})")),
            V{"faultCode scenario.fault_code"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "down", "operation": "activatePaymentNotice"})")),
            V{"operation scenario.operation"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "down", "noticeNumber": "12345"})")),
            V{"noticeNumber scenario.notice_number"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "down", "notice": "347000000000000117"})")),
            V{"notice scenario.unknown_member"});
  EXPECT_EQ(problemFields(json::parse(R"({"action": "delay", "delayMs": -5, "times": "2"})")),
            (V{"delayMs scenario.range", "times scenario.type", "delayMs scenario.delay"}));
  EXPECT_EQ(problemFields(json::parse(R"({"action": "timeout", "delayMs": 600001})")),
            V{"delayMs scenario.range"});
}

TEST(ScenarioRules, FirstMatchWinsAndSpentRulesGo) {
  Scenarios s;
  ScenarioRule forNotice;
  forNotice.notice_number = "347000000000000117";
  forNotice.action = ScenarioAction::garbage;
  forNotice.times = 1;
  ScenarioRule forSendRt;
  forSendRt.operation = "paSendRT";
  forSendRt.action = ScenarioAction::down;
  std::uint64_t a = s.add(forNotice);
  std::uint64_t b = s.add(forSendRt);
  EXPECT_FALSE(s.take("paVerifyPaymentNotice", "347000000000000999"));
  auto first = s.take("paSendRT", "347000000000000117");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, a);
  EXPECT_EQ(first->used, 1);
  auto second = s.take("paSendRT", "347000000000000117");  // the first is spent
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, b);
  EXPECT_EQ(s.list().size(), 1u);
  EXPECT_TRUE(s.take("paSendRT", ""));  // times 0: stays
  EXPECT_EQ(s.list().front().used, 2);
  EXPECT_TRUE(s.remove(b));
  EXPECT_FALSE(s.remove(b));
  EXPECT_FALSE(s.take("paSendRT", ""));
  s.add(forSendRt);
  s.add(forSendRt);
  EXPECT_EQ(s.clear(), 2u);
}

class StationScenarios : public StationHttp {
 protected:
  std::uint64_t addRule(const std::string& json) {
    http::Response r = admin("POST", json);
    EXPECT_EQ(r.status, 201) << r.body;
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return 0;
    return v.at("scenarios").at(0).at("id").to_number<std::uint64_t>();
  }
  pagopa::PaVerifyPaymentNoticeRes verify(const std::string& notice) {
    return call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(notice));
  }
};

TEST_F(StationScenarios, AFaultForOneNoticeLeavesTheOthersAlone) {
  std::string target = addPosition("VGT-SC-1");
  std::string other = addPosition("VGT-SC-2");
  addRule(R"({"operation": "paVerifyPaymentNotice", "noticeNumber": ")" + target +
          R"(", "action": "fault", "faultCode": "PAA_SYSTEM_ERROR", "description": "scenario"})");
  auto res = verify(target);
  expectFault(res, f::paa_system_error, "scenario");
  EXPECT_EQ(res.fault->id, kVigata);
  EXPECT_EQ(verify(other).outcome, pagopa::Outcome::ok);
  // Other operations on the same notice are not affected either.
  EXPECT_EQ(
      call<pagopa::PaGetPaymentV2Response>(getPaymentRequest<pagopa::PaGetPaymentV2Request>(target)).outcome,
      pagopa::Outcome::ok);
  EXPECT_GE(log.waitFor({"station_operation", target, "PAA_SYSTEM_ERROR", "\"scenario\":1"}), 1u);
}

TEST_F(StationScenarios, AnyFaultCodeAndAFaultedReceiptBooksNothing) {
  std::string notice = addPosition("VGT-SC-RT");
  addRule(R"({"operation": "paSendRT", "action": "fault", "faultCode": "PAA_PAGAMENTO_IN_CORSO"})");
  auto res = call<pagopa::PaSendRTRes>(sendRtRequest(notice, "rcpt-sc"));
  expectFault(res, f::paa_pagamento_in_corso);
  EXPECT_EQ(receiptsBooked(), 0u);
  EXPECT_EQ(positions->get(kVigata, "VGT-SC-RT")->status, PositionStatus::valid);
}

TEST_F(StationScenarios, TimesOneThenNormal) {
  std::string notice = addPosition("VGT-SC-ONCE");
  addRule(R"({"action": "fault", "faultCode": "PAA_SYSTEM_ERROR", "times": 1})");
  expectFault(verify(notice), f::paa_system_error);
  EXPECT_EQ(verify(notice).outcome, pagopa::Outcome::ok);
  http::Response list = admin("GET", "");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body).at("scenarios").as_array().size(), 0u);
}

TEST_F(StationScenarios, DelayThenAnswer) {
  std::string notice = addPosition("VGT-SC-DELAY");
  addRule(R"({"action": "delay", "delayMs": 300, "times": 1})");
  auto started = std::chrono::steady_clock::now();
  auto res = verify(notice);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(res.outcome, pagopa::Outcome::ok);
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));  // a lower bound only: never shorter than asked
}

TEST_F(StationScenarios, ADelayHoldsNoThread) {
  // Two I/O threads and four requests delayed at once: were a delay to hold its thread, the fifth request
  // could only be answered after two of them.
  std::string notice = addPosition("VGT-SC-PAR");
  std::string quick = addPosition("VGT-SC-QUICK");
  addRule(R"({"noticeNumber": ")" + notice + R"(", "action": "delay", "delayMs": 4000})");
  const std::string body = pagopa::write(verifyRequest(notice));
  std::vector<std::thread> held;
  for (int i = 0; i < 4; ++i) {
    held.emplace_back([&] {
      http::Client own(clientOptions(false));
      auto r = send(body, "paVerifyPaymentNotice", "plain", &own);
      EXPECT_TRUE(r && r->status == 200);
    });
  }
  EXPECT_EQ(log.waitFor({"station_scenario", notice, "delay"}, 4), 4u);  // all four are waiting now
  auto answered = verify(quick);
  EXPECT_EQ(answered.outcome, pagopa::Outcome::ok);
  EXPECT_EQ(log.count({"station_operation", notice}), 0u) << "the delayed requests were answered first";
  for (auto& t : held) t.join();
  EXPECT_EQ(log.waitFor({"station_operation", notice}, 4), 4u);
}

TEST_F(StationScenarios, TimeoutIsSeenAsAReadTimeout) {
  std::string notice = addPosition("VGT-SC-TIMEOUT");
  addRule(R"({"operation": "*", "action": "timeout"})");
  http::Client impatient(clientOptions(false, std::chrono::milliseconds(400)));
  auto r = send(pagopa::write(verifyRequest(notice)), "paVerifyPaymentNotice", "plain", &impatient);
  ASSERT_FALSE(r) << r->status << " " << r->body;
  EXPECT_EQ(r.error().code, http::ClientErrc::read_timeout) << r.error().message();
  EXPECT_GE(log.waitFor({"station_operation", notice, "\"outcome\":\"timeout\""}), 1u);
  // At shutdown the held request is cut when the grace runs out, quietly.
  stop();
  EXPECT_EQ(log.count({"connection_cut", "shutdown grace expired"}), 1u);
  EXPECT_EQ(log.count({"\"level\":\"error\""}), 0u);
}

TEST_F(StationScenarios, GarbageIsNotXml) {
  std::string notice = addPosition("VGT-SC-GARBAGE");
  addRule(R"({"action": "garbage", "times": 1})");
  http::Response r = post(pagopa::write(verifyRequest(notice)), "paVerifyPaymentNotice");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.body.empty());
  auto env = pagopa::readEnvelope(r.body);
  ASSERT_FALSE(env);
  EXPECT_EQ(verify(notice).outcome, pagopa::Outcome::ok);
}

TEST_F(StationScenarios, DownDropsTheConnection) {
  std::string notice = addPosition("VGT-SC-DOWN");
  addRule(R"({"action": "down", "times": 1})");
  auto r = send(pagopa::write(verifyRequest(notice)), "paVerifyPaymentNotice");
  ASSERT_FALSE(r) << r->status << " " << r->body;
  EXPECT_EQ(r.error().code, http::ClientErrc::closed) << r.error().message();
  EXPECT_EQ(verify(notice).outcome, pagopa::Outcome::ok);
  EXPECT_GE(log.waitFor({"station_operation", notice, "\"outcome\":\"down\""}), 1u);
  EXPECT_EQ(log.count({"\"level\":\"error\""}), 0u);
}

TEST_F(StationScenarios, TheAdminApiListsAddsAndRemoves) {
  http::Response bad = admin("POST", R"([{"action": "fault"}, {"action": "garbage", "notice": "x"}])");
  EXPECT_EQ(bad.status, 400) << bad.body;
  json::value b = json::parse(bad.body);
  ASSERT_EQ(b.at("problems").as_array().size(), 2u) << bad.body;
  EXPECT_EQ(b.at("problems").at(0).at("field"), "[0].faultCode");
  EXPECT_EQ(b.at("problems").at(1).at("field"), "[1].notice");
  EXPECT_EQ(admin("POST", "not json").status, 400);
  EXPECT_EQ(json::parse(admin("GET", "").body).at("scenarios").as_array().size(), 0u) << "nothing added";

  http::Response added = admin(
      "POST",
      R"({"scenarios": [{"action": "timeout"}, {"action": "delay", "delayMs": 5, "operation": "paSendRT"}]})");
  ASSERT_EQ(added.status, 201) << added.body;
  json::value a = json::parse(added.body);
  ASSERT_EQ(a.at("scenarios").as_array().size(), 2u);
  EXPECT_EQ(a.at("scenarios").at(0).at("delayMs"), 60000);  // the default hold, shown
  std::uint64_t second = a.at("scenarios").at(1).at("id").to_number<std::uint64_t>();

  json::value listed = json::parse(admin("GET", "").body);
  ASSERT_EQ(listed.at("scenarios").as_array().size(), 2u);
  EXPECT_EQ(listed.at("scenarios").at(1).at("operation"), "paSendRT");
  EXPECT_EQ(listed.at("scenarios").at(1).at("used"), 0);

  EXPECT_EQ(admin("DELETE", "", "/" + std::to_string(second)).status, 200);
  EXPECT_EQ(admin("DELETE", "", "/" + std::to_string(second)).status, 404);
  EXPECT_EQ(admin("DELETE", "", "/abc").status, 404);
  http::Response cleared = admin("DELETE", "");
  EXPECT_EQ(cleared.status, 200);
  EXPECT_EQ(json::parse(cleared.body).at("removed"), 1);
  EXPECT_EQ(station->scenarios().list().size(), 0u);
}

}  // namespace
