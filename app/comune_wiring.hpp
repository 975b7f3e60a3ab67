// The comune's back office and pagoPA, wired from the configuration for `serve`: the EC (debt positions
// in SQLite, GPD REST, its paForNode station), the comune's online services (portal, certificates,
// tributi) and the mock pagoPA node with checkout.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "core/config/config.hpp"
#include "core/http/admin.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "core/pki/pki.hpp"

namespace sportello::app {

class ComuneComponents {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;
    pki::Materials materials;
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
  };
  // Opens the databases (under data_dir), seeds the demo when asked, registers every route.
  static Result<std::unique_ptr<ComuneComponents>, std::string> create(Options options, http::Router& router,
                                                                       const http::Admin& admin);
  ~ComuneComponents();
  // Background work (the receipts outbox) on the server's threads; stop() before the server stops.
  void start(http::Server& server);
  void stop();
  std::string endpointsJson() const;

  struct Impl;

 private:
  explicit ComuneComponents(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sportello::app
