#include "mocks/pagopa/node_scenarios.hpp"

#include <array>
#include <boost/json.hpp>

namespace sportello::node {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 7> kOperations{
    "verifyPaymentNotice", "activatePaymentNotice", "activatePaymentNoticeV2",
    "sendPaymentOutcome",  "sendPaymentOutcomeV2",  "paSendRT",
    "paSendRTV2"};

bool known(std::string_view op) {
  for (auto k : kOperations) {
    if (k == op) return true;
  }
  return false;
}

bool covers(std::string_view scenarioOp, std::string_view op) {
  return scenarioOp == op ||
         (op.size() == scenarioOp.size() + 2 && op.starts_with(scenarioOp) && op.ends_with("V2"));
}

std::string_view toString(ScenarioAction a) {
  switch (a) {
    case ScenarioAction::fault:
      return "fault";
    case ScenarioAction::delay:
      return "delay";
    case ScenarioAction::timeout:
      return "timeout";
  }
  return "fault";
}

std::optional<std::int64_t> intOf(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= 1'000'000'000ULL) return static_cast<std::int64_t>(v.as_uint64());
  return std::nullopt;
}

}  // namespace

Result<Scenario, std::string> Scenarios::add(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return fail(std::string("the body must be a JSON object"));
  const auto& o = v.as_object();
  Scenario s;
  for (const auto& [key, value] : o) {
    if (key == "operation" && value.is_string()) {
      s.operation = std::string(value.as_string());
    } else if (key == "notice" && value.is_string()) {
      s.notice = std::string(value.as_string());
    } else if (key == "action" && value.is_string()) {
      std::string_view a = value.as_string();
      if (a == "fault") {
        s.action = ScenarioAction::fault;
      } else if (a == "delay") {
        s.action = ScenarioAction::delay;
      } else if (a == "timeout") {
        s.action = ScenarioAction::timeout;
      } else {
        return fail("action: expected fault, delay or timeout, got " + std::string(a));
      }
    } else if (key == "faultCode" && value.is_string()) {
      s.fault_code = std::string(value.as_string());
    } else if (key == "delay_ms" && intOf(value) && *intOf(value) >= 0) {
      s.delay = std::chrono::milliseconds(*intOf(value));
    } else if (key == "times" && intOf(value) && *intOf(value) >= 0) {
      s.times = static_cast<int>(*intOf(value));
    } else {
      return fail("unknown key or wrong type: " + std::string(key));
    }
  }
  if (!known(s.operation)) {
    return fail(
        "operation: expected verifyPaymentNotice, activatePaymentNotice(V2), sendPaymentOutcome(V2) or "
        "paSendRT(V2), got \"" +
        s.operation + "\"");
  }
  if (!s.notice.empty() &&
      (s.notice.size() != 18 || s.notice.find_first_not_of("0123456789") != std::string::npos)) {
    return fail("notice: expected 18 digits or \"\"");
  }
  if (s.action == ScenarioAction::fault && s.fault_code.empty()) s.fault_code = "PPT_SYSTEM_ERROR";
  if (s.action == ScenarioAction::timeout && s.delay.count() == 0 && !s.operation.starts_with("pa")) {
    s.delay = std::chrono::seconds(60);
  }
  std::lock_guard lock(mu_);
  s.id = next_id_++;
  list_.push_back(s);
  return s;
}

std::optional<Scenario> Scenarios::take(std::string_view operation, std::string_view notice) {
  std::lock_guard lock(mu_);
  for (auto it = list_.begin(); it != list_.end(); ++it) {
    if (!covers(it->operation, operation)) continue;
    if (!it->notice.empty() && it->notice != notice) continue;
    ++it->used;
    Scenario s = *it;
    if (it->times != 0 && it->used >= it->times) list_.erase(it);
    return s;
  }
  return std::nullopt;
}

void Scenarios::clear() {
  std::lock_guard lock(mu_);
  list_.clear();
}

bool Scenarios::remove(int id) {
  std::lock_guard lock(mu_);
  for (auto it = list_.begin(); it != list_.end(); ++it) {
    if (it->id == id) {
      list_.erase(it);
      return true;
    }
  }
  return false;
}

std::string Scenarios::json() const {
  std::lock_guard lock(mu_);
  json::array out;
  for (const auto& s : list_) {
    json::object o{{"id", s.id},         {"operation", s.operation},
                   {"notice", s.notice}, {"action", toString(s.action)},
                   {"times", s.times},   {"used", s.used}};
    if (s.action == ScenarioAction::fault) o["faultCode"] = s.fault_code;
    if (s.delay.count() != 0) o["delay_ms"] = s.delay.count();
    out.push_back(std::move(o));
  }
  return json::serialize(json::object{{"scenarios", std::move(out)}});
}

}  // namespace sportello::node
