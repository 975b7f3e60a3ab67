// The comune's front door: the SPID/CIE Service Provider, the sessions, and the identity-aware reverse
// proxy, wired from the configuration.
//
// Trust: every enabled [[idps]] entry (the mock IdPs, pinned to their test PKI certificates) and every
// [[external_idps]] entry (metadata from a file, or fetched from a URL at start). Admin API (guarded):
//   GET    /_admin/idps            the trusted IdPs: name, profile, entityID, endpoints, source, warnings
//   POST   /_admin/idps            trust one more at run time: the metadata XML as the body with
//                                  ?name=&profile=spid|cie[&display_name=], or JSON
//                                  {"name","profile","display_name","metadata_url"}; 201, or 400 saying why
//   DELETE /_admin/idps/{name}     stop trusting it (logins in progress with it are refused at the ACS)
//   GET    /_admin/sessions        {"sessions": n, "pending_logins": n}
//   POST   /_admin/sessions/reset  ends every session and login in progress (between CI tests)
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
#include "core/pki/pki.hpp"
#include "gateway/proxy.hpp"
#include "gateway/sessions.hpp"
#include "gateway/sp.hpp"
#include "gateway/trust.hpp"

namespace sportello::gateway {

class Gateway {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;
    pki::Materials materials;
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
    // For [[routes]] with upstream = "listener:<name>": the URL that listener got at bind time.
    std::function<std::string(std::string_view name)> listener_url;
  };
  // Loads the SP key, builds the trust list (fetching metadata URLs) and the metadata. Start-up errors
  // name the IdP and the file or URL.
  static Result<std::unique_ptr<Gateway>, std::string> create(Options options);
  ~Gateway();

  void addRoutes(http::Router& router, const http::Admin& admin);

  ServiceProvider& sp() { return *sp_; }
  IdpTrust& trust() { return *trust_; }
  SessionStore& sessions() { return *sessions_; }
  Proxy& proxy() { return *proxy_; }
  std::string endpointsJson() const { return sp_->endpointsJson(); }

 private:
  Gateway() = default;
  http::Response addIdp(http::Request& req);
  http::Response listIdps(http::Request& req) const;

  Options o_;
  std::shared_ptr<IdpTrust> trust_;
  std::shared_ptr<SessionStore> sessions_;
  std::unique_ptr<ServiceProvider> sp_;
  std::unique_ptr<Proxy> proxy_;
};

// Fetches `url` (http or https; https trusted with `ca_file`, or the test CA when empty) and returns the
// body of a 200. Blocking: for start-up and the admin API.
Result<std::string, std::string> fetchMetadata(const std::string& url, const std::string& ca_file);

}  // namespace sportello::gateway
