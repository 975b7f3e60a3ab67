// The built-in /_admin endpoints every Sportello process serves, and the guard that protects them.
//   GET /_admin/health   200 {"status":"ok"} while the process serves requests at all
//   GET /_admin/ready    200 when every component reports ready, else 503 with the ones that are not
//   GET /_admin/metrics  Prometheus text format 0.0.4
// Access (config [admin]): loopback peers only when loopback_only, and "Authorization: Bearer <token>"
// when a token is set; otherwise 403 (wrong peer) or 401 (missing/wrong token). Later components add
// their own /_admin routes through guard().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/metrics.hpp"
#include "core/config/config.hpp"
#include "core/http/router.hpp"

namespace sportello::http {

struct ReadinessCheck {
  std::string component;
  std::function<bool()> ready;
};

// Handlers registered by an Admin (its routes and guard()-wrapped ones) share its state, so they stay
// valid whatever the lifetime of the Admin object itself.
class Admin {
 public:
  Admin(config::Admin settings, std::shared_ptr<Metrics> metrics);

  // Readiness checks may be added after addRoutes() (the server's own check exists only once it does);
  // not thread-safe against requests: add them before the server starts.
  void addReadiness(ReadinessCheck check) { state_->checks.push_back(std::move(check)); }
  // Registers health, ready and metrics on `router`.
  void addRoutes(Router& router) const;
  // Wraps a handler with the access rules above.
  Handler guard(Handler h) const;
  // nullopt when `req` may use the admin API; otherwise the refusal to send.
  std::optional<Response> refuse(const Request& req) const;

 private:
  struct State {
    config::Admin settings;
    std::shared_ptr<Metrics> metrics;
    std::vector<ReadinessCheck> checks;
  };
  static std::optional<Response> refuse(const State& s, const Request& req);
  std::shared_ptr<State> state_;
};

}  // namespace sportello::http
