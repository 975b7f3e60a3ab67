// Scenario hooks: make the node misbehave on purpose for one operation, so that a PSP, checkout or EC
// under test meets the cases that are hard to provoke (/_admin/pagopa/scenarios).
//
//   {"operation": "activatePaymentNotice", "notice": "" | "<18 digits>",
//    "action": "fault" | "delay" | "timeout", "faultCode": "PPT_...", "delay_ms": N, "times": N}
//
// operation: a nodeForPsp operation (verifyPaymentNotice, activatePaymentNotice(V2),
// sendPaymentOutcome(V2)) or paSendRT (the outbox's deliveries); a name without "V2" covers both versions.
// notice: "" for any notice. times: how many calls it applies to (default 1; 0 = until deleted).
//   fault    the node answers KO with faultCode (any code; PPT_SYSTEM_ERROR by default) and does nothing
//            else; for paSendRT the delivery fails with that code without calling the EC
//   delay    the node waits delay_ms, then handles the call normally
//   timeout  the node handles the call (its effects happen: token issued, outcome recorded), then holds
//            its answer for delay_ms (default 60 s), past the caller's patience: what idempotencyKey
//            retries exist for; for paSendRT the delivery fails as a timeout after delay_ms (default 0)
//            without calling the EC
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"

namespace sportello::node {

enum class ScenarioAction { fault, delay, timeout };

struct Scenario {
  int id = 0;
  std::string operation;
  std::string notice;  // "" = any
  ScenarioAction action = ScenarioAction::fault;
  std::string fault_code;
  std::chrono::milliseconds delay{0};
  int times = 1;  // 0 = until deleted
  int used = 0;
};

class Scenarios {
 public:
  // From the JSON body of POST /_admin/pagopa/scenarios; the error says what is wrong.
  Result<Scenario, std::string> add(std::string_view json);
  // The first scenario that applies to (operation, notice), counted as used once.
  std::optional<Scenario> take(std::string_view operation, std::string_view notice);
  void clear();
  bool remove(int id);
  std::string json() const;  // {"scenarios": [...]}

 private:
  mutable std::mutex mu_;
  std::vector<Scenario> list_;
  int next_id_ = 1;
};

}  // namespace sportello::node
