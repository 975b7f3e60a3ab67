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

class Admin {
 public:
  Admin(config::Admin settings, std::shared_ptr<Metrics> metrics);

  void addReadiness(ReadinessCheck check) { checks_.push_back(std::move(check)); }
  // Registers health, ready and metrics on `router`.
  void addRoutes(Router& router) const;
  // Wraps a handler with the access rules above.
  Handler guard(Handler h) const;
  // nullopt when `req` may use the admin API; otherwise the refusal to send.
  std::optional<Response> refuse(const Request& req) const;

 private:
  config::Admin settings_;
  std::shared_ptr<Metrics> metrics_;
  std::vector<ReadinessCheck> checks_;
};

}  // namespace sportello::http
