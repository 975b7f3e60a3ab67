// Scenario hooks of the comune's station (issue 5: "make the node or an EC answer a given fault, delay or
// time out for a notice or a station"): a list of rules that the station consults for every request it
// could read, before doing anything else with it.
//
// A rule matches an operation ("paGetPaymentV2", or "*" for all five paForNode operations) and a notice
// number ("" for any; for paSendRT(V2) the receipt's). Rules are tried in the order they were added; the
// first that matches is used once: its `used` count goes up, and when `times` is reached (0 = never) it
// is dropped. Actions (what the station then does, see station.hpp):
//   fault    answer KO with `fault_code` (and `description` when given), HTTP 200, nothing else done
//   delay    wait `delay`, then answer as usual
//   timeout  say nothing for `delay` (default 60 s; the station is cut sooner at server shutdown), then
//            drop the connection: nothing is done
//   garbage  answer HTTP 200 with bytes that are not XML
//   down     drop the connection without a usable answer: nothing is done
// Thread-safe: one mutex around the list; matching is a linear scan (lists are a handful of rules).
//
// Admin routes (guarded like every /_admin route), JSON:
//   GET    /_admin/comune/scenarios        200 {"scenarios": [rule...]}
//   POST   /_admin/comune/scenarios        one rule, an array of rules, or {"scenarios": [...]}:
//                                          201 {"scenarios": [the rules added, with ids]}; 400 listing
//                                          every problem {"field", "rule", "message"}, nothing added
//   DELETE /_admin/comune/scenarios        200 {"removed": n}: all of them
//   DELETE /_admin/comune/scenarios/{id}   200 {"removed": 1} | 404
// A rule in JSON: {"operation": "*", "noticeNumber": "", "action": "fault", "faultCode":
// "PAA_SYSTEM_ERROR", "description": "...", "delayMs": 0, "times": 0}; answers add "id" and "used".
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/log.hpp"
#include "core/base/result.hpp"
#include "core/http/admin.hpp"
#include "core/http/router.hpp"
#include "mocks/comune/position.hpp"

namespace sportello::comune {

enum class ScenarioAction { fault, delay, timeout, garbage, down };
std::string_view toString(ScenarioAction a);  // "fault", ...
std::optional<ScenarioAction> parseScenarioAction(std::string_view s);

// How long a timeout holds the request when the rule gives no delay.
inline constexpr std::chrono::milliseconds kDefaultTimeoutHold{60'000};
// The longest delay or hold a rule may ask for.
inline constexpr std::chrono::milliseconds kMaxScenarioDelay{600'000};

struct ScenarioRule {
  std::string operation = "*";  // a paForNode operation name, or "*"
  std::string notice_number;    // 18 digits, or "" for any
  ScenarioAction action = ScenarioAction::fault;
  std::string fault_code;                  // fault: required ("PAA_SYSTEM_ERROR", or any code to test with)
  std::optional<std::string> description;  // fault: the fault bean's description
  std::chrono::milliseconds delay{0};      // delay: required, > 0; timeout: the hold (0 = the default)
  int times = 0;                           // uses before the rule goes; 0 = until removed

  bool matches(std::string_view op, std::string_view notice) const;
};

struct ScenarioEntry {
  std::uint64_t id = 0;
  ScenarioRule rule;
  int used = 0;
};

class Scenarios {
 public:
  std::uint64_t add(ScenarioRule rule);
  // The first matching rule, counted as used (and dropped when spent); nullopt when none matches.
  std::optional<ScenarioEntry> take(std::string_view operation, std::string_view notice);
  std::vector<ScenarioEntry> list() const;
  bool remove(std::uint64_t id);
  std::size_t clear();  // returns how many were removed

 private:
  mutable std::mutex mu_;
  std::vector<ScenarioEntry> rules_;
  std::uint64_t next_id_ = 1;
};

// A rule from its JSON form; every problem at once (field, rule "scenario.*", message). Unknown members
// are refused: a typo ("notice") must not silently widen a rule to every notice.
Result<ScenarioRule, std::vector<Problem>> readScenarioRule(const boost::json::value& v,
                                                            const std::string& field = "");
boost::json::object toJson(const ScenarioEntry& e);

// Registers the admin routes above; changes are logged ("comune_scenario_added", "..._removed").
void addScenarioRoutes(http::Router& router, const http::Admin& admin, std::shared_ptr<Scenarios> scenarios,
                       std::shared_ptr<Logger> log);

}  // namespace sportello::comune
