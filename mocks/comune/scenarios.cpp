#include "mocks/comune/scenarios.hpp"

#include <boost/json.hpp>

#include "core/pagopa/messages.hpp"

namespace sportello::comune {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::pair<ScenarioAction, std::string_view> kActions[] = {{ScenarioAction::fault, "fault"},
                                                                    {ScenarioAction::delay, "delay"},
                                                                    {ScenarioAction::timeout, "timeout"},
                                                                    {ScenarioAction::garbage, "garbage"},
                                                                    {ScenarioAction::down, "down"}};

constexpr std::size_t kMaxFaultCode = 64;
constexpr std::size_t kMaxDescription = 1024;
constexpr std::int64_t kMaxTimes = 1'000'000;

bool isPaForNode(std::string_view op) {
  auto o = pagopa::operationForSoapAction(op);
  return o && pagopa::info(*o).ns == pagopa::ns::pa_for_node && pagopa::info(*o).soap_action == op;
}

bool allDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Fault codes are written into XML and logs: upper-case letters, digits and '_' only.
bool validFaultCode(std::string_view s) {
  if (s.empty() || s.size() > kMaxFaultCode) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string dot(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

Response errorResponse(int status, std::string_view rule, std::string_view message,
                       const std::vector<Problem>& problems = {}) {
  json::object body{{"error", rule}, {"message", message}};
  if (!problems.empty()) {
    json::array list;
    for (const auto& p : problems)
      list.push_back({{"field", p.field}, {"rule", p.rule}, {"message", p.message}});
    body["problems"] = std::move(list);
  }
  return Response::json(status, json::serialize(body));
}

}  // namespace

std::string_view toString(ScenarioAction a) {
  for (const auto& [v, name] : kActions) {
    if (v == a) return name;
  }
  return "?";
}

std::optional<ScenarioAction> parseScenarioAction(std::string_view s) {
  for (const auto& [v, name] : kActions) {
    if (name == s) return v;
  }
  return std::nullopt;
}

bool ScenarioRule::matches(std::string_view op, std::string_view notice) const {
  return (operation == "*" || operation == op) && (notice_number.empty() || notice_number == notice);
}

std::uint64_t Scenarios::add(ScenarioRule rule) {
  std::lock_guard lock(mu_);
  std::uint64_t id = next_id_++;
  rules_.push_back(ScenarioEntry{id, std::move(rule), 0});
  return id;
}

std::optional<ScenarioEntry> Scenarios::take(std::string_view operation, std::string_view notice) {
  std::lock_guard lock(mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!it->rule.matches(operation, notice)) continue;
    ++it->used;
    ScenarioEntry taken = *it;
    if (it->rule.times > 0 && it->used >= it->rule.times) rules_.erase(it);
    return taken;
  }
  return std::nullopt;
}

std::vector<ScenarioEntry> Scenarios::list() const {
  std::lock_guard lock(mu_);
  return rules_;
}

bool Scenarios::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  return std::erase_if(rules_, [id](const ScenarioEntry& e) { return e.id == id; }) > 0;
}

std::size_t Scenarios::clear() {
  std::lock_guard lock(mu_);
  std::size_t n = rules_.size();
  rules_.clear();
  return n;
}

Result<ScenarioRule, std::vector<Problem>> readScenarioRule(const json::value& v, const std::string& field) {
  std::vector<Problem> problems;
  auto problem = [&](std::string_view key, std::string rule, std::string message) {
    problems.push_back({key.empty() ? field : dot(field, key), std::move(rule), std::move(message)});
  };
  if (!v.is_object()) {
    problem("", "scenario.shape", "a scenario rule is a JSON object");
    return fail(std::move(problems));
  }
  const json::object& o = v.as_object();
  ScenarioRule r;
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* x = o.if_contains(key);
    if (x == nullptr) return std::nullopt;
    if (!x->is_string()) {
      problem(key, "scenario.type", "expected a string");
      return std::nullopt;
    }
    return std::string(x->as_string());
  };
  auto number = [&](std::string_view key, std::int64_t max) -> std::optional<std::int64_t> {
    const json::value* x = o.if_contains(key);
    if (x == nullptr) return std::nullopt;
    if (!x->is_int64() && !x->is_uint64()) {
      problem(key, "scenario.type", "expected a whole number");
      return std::nullopt;
    }
    std::int64_t n = x->is_int64() ? x->as_int64() : -1;
    if (n < 0 || n > max) {
      problem(key, "scenario.range", "from 0 to " + std::to_string(max));
      return std::nullopt;
    }
    return n;
  };

  for (const auto& member : o) {
    static constexpr std::string_view kKnown[] = {
        "operation", "noticeNumber", "action", "faultCode", "description", "delayMs", "times", "id", "used"};
    bool known = false;
    for (auto k : kKnown) known = known || member.key() == k;
    if (!known) problem(member.key(), "scenario.unknown_member", "not a member of a scenario rule");
  }
  if (auto op = text("operation")) {
    if (*op != "*" && !isPaForNode(*op)) {
      problem("operation", "scenario.operation",
              "\"*\" or one of paVerifyPaymentNotice, paGetPayment, paGetPaymentV2, paSendRT, paSendRTV2");
    }
    r.operation = *op;
  }
  if (auto n = text("noticeNumber")) {
    if (!n->empty() && (n->size() != 18 || !allDigits(*n))) {
      problem("noticeNumber", "scenario.notice_number", "18 digits, or \"\" for any notice");
    }
    r.notice_number = *n;
  }
  auto action = text("action");
  if (!o.contains("action"))
    problem("action", "scenario.action", "required: fault, delay, timeout, garbage or down");
  if (action) {
    if (auto a = parseScenarioAction(*action)) {
      r.action = *a;
    } else {
      problem("action", "scenario.action", "one of fault, delay, timeout, garbage, down");
    }
  }
  if (auto code = text("faultCode")) r.fault_code = *code;
  if (auto d = text("description")) {
    if (d->empty() || d->size() > kMaxDescription) {
      problem("description", "scenario.description", "1 to 1024 characters");
    }
    r.description = *d;
  }
  if (auto ms = number("delayMs", kMaxScenarioDelay.count())) r.delay = std::chrono::milliseconds(*ms);
  if (auto t = number("times", kMaxTimes)) r.times = static_cast<int>(*t);

  if (action && parseScenarioAction(*action)) {
    if (r.action == ScenarioAction::fault && !validFaultCode(r.fault_code)) {
      problem("faultCode", "scenario.fault_code",
              "required for a fault: upper-case letters, digits and '_' (\"PAA_SYSTEM_ERROR\")");
    }
    if (r.action != ScenarioAction::fault && (o.contains("faultCode") || o.contains("description"))) {
      problem(o.contains("faultCode") ? "faultCode" : "description", "scenario.fault_code",
              "only a fault has a fault code and description");
    }
    if (r.action == ScenarioAction::delay && r.delay.count() == 0) {
      problem("delayMs", "scenario.delay", "required for a delay: more than 0 ms");
    }
    if (r.action != ScenarioAction::delay && r.action != ScenarioAction::timeout && o.contains("delayMs")) {
      problem("delayMs", "scenario.delay", "only a delay or a timeout waits");
    }
  }
  if (!problems.empty()) return fail(std::move(problems));
  return r;
}

json::object toJson(const ScenarioEntry& e) {
  const ScenarioRule& r = e.rule;
  json::object o{{"id", e.id},
                 {"operation", r.operation},
                 {"noticeNumber", r.notice_number},
                 {"action", toString(r.action)}};
  if (r.action == ScenarioAction::fault) {
    o["faultCode"] = r.fault_code;
    if (r.description) o["description"] = *r.description;
  }
  if (r.action == ScenarioAction::delay || r.action == ScenarioAction::timeout) {
    std::chrono::milliseconds d = r.delay;
    if (r.action == ScenarioAction::timeout && d.count() == 0) d = kDefaultTimeoutHold;
    o["delayMs"] = d.count();
  }
  o["times"] = r.times;
  o["used"] = e.used;
  return o;
}

void addScenarioRoutes(http::Router& router, const http::Admin& admin, std::shared_ptr<Scenarios> scenarios,
                       std::shared_ptr<Logger> log) {
  if (!log) log = Logger::null();
  const std::string path = "/_admin/comune/scenarios";

  router.get(path, admin.guard([scenarios](Request&) {
    json::array list;
    for (const auto& e : scenarios->list()) list.push_back(toJson(e));
    return Response::json(200, json::serialize(json::object{{"scenarios", std::move(list)}}));
  }));

  router.post(path, admin.guard([scenarios, log](Request& req) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec) return errorResponse(400, "scenario.json", "the body is not JSON: " + ec.message());
    // One rule, an array of them, or {"scenarios": [...]}: all are checked before any is added.
    json::array items;
    const bool wrapped = body.is_object() && body.as_object().contains("scenarios");
    const bool single = !wrapped && !body.is_array();
    if (wrapped) {
      const json::value& list = body.as_object().at("scenarios");
      if (!list.is_array()) return errorResponse(400, "scenario.shape", "\"scenarios\" must be an array");
      items = list.as_array();
    } else if (body.is_array()) {
      items = body.as_array();
    } else {
      items.push_back(body);
    }
    if (items.empty()) return errorResponse(400, "scenario.shape", "no scenario rule given");
    std::vector<ScenarioRule> rules;
    std::vector<Problem> problems;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string field = single ? std::string() : "[" + std::to_string(i) + "]";
      auto r = readScenarioRule(items[i], field);
      if (!r) {
        problems.insert(problems.end(), r.error().begin(), r.error().end());
      } else {
        rules.push_back(std::move(*r));
      }
    }
    if (!problems.empty()) {
      return errorResponse(400, problems.front().rule, "invalid scenario rule", problems);
    }
    json::array added;
    for (auto& r : rules) {
      ScenarioEntry e{0, std::move(r), 0};
      e.id = scenarios->add(e.rule);
      log->info("comune_scenario_added", {{"request_id", req.request_id},
                                          {"id", e.id},
                                          {"operation", e.rule.operation},
                                          {"notice", e.rule.notice_number},
                                          {"action", toString(e.rule.action)},
                                          {"fault_code", e.rule.fault_code},
                                          {"times", e.rule.times}});
      added.push_back(toJson(e));
    }
    return Response::json(201, json::serialize(json::object{{"scenarios", std::move(added)}}));
  }));

  router.add("DELETE", path, admin.guard([scenarios, log](Request& req) {
    std::size_t n = scenarios->clear();
    log->info("comune_scenario_removed", {{"request_id", req.request_id}, {"removed", std::uint64_t{n}}});
    return Response::json(200, json::serialize(json::object{{"removed", n}}));
  }));

  router.add("DELETE", path + "/{id}", admin.guard([scenarios, log](Request& req) {
    std::string_view id = req.param("id").value_or("");
    std::uint64_t n = 0;
    bool number = !id.empty() && id.size() <= 18 && allDigits(id);
    for (char c : id) n = number ? n * 10 + static_cast<std::uint64_t>(c - '0') : 0;
    if (!number || !scenarios->remove(n)) {
      return errorResponse(404, "scenario.not_found", "no scenario rule " + std::string(id));
    }
    log->info("comune_scenario_removed", {{"request_id", req.request_id}, {"id", n}, {"removed", 1}});
    return Response::json(200, json::serialize(json::object{{"removed", 1}}));
  }));
}

}  // namespace sportello::comune
