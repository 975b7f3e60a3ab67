// The identity-aware reverse proxy: [[routes]] path prefixes forwarded to the comune's services.
//
// Per request: every incoming identity header (X-Sportello-*), Forwarded and X-Forwarded-* is removed
// first, whatever the route; on auth = "none" routes the identity is added when the browser happens to
// have a session; otherwise the route's authentication is enforced (no session, another profile or a
// lower level than min_level: a browser is sent to the login with the original path as `next`, an API
// client gets 401 JSON with the login URL); then the citizen's identity is added as headers (README,
// "Identity headers"), X-Forwarded-For/Proto/Host and X-Request-Id are set, and the gateway's own
// cookies are taken out of Cookie. Bodies stream both ways in 64 KiB pieces, never held whole; upstream
// connections are pooled (keep-alive) per I/O thread. Upstream refused or broken: 502; no answer in time
// (connect_timeout_ms, timeout_ms): 504; each as an Italian page for browsers and JSON for API clients,
// with the rule in the log line "proxy_error".
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/config/config.hpp"
#include "core/http/client.hpp"
#include "core/http/router.hpp"
#include "gateway/sessions.hpp"

namespace sportello::gateway {

class ServiceProvider;

// The identity headers, in one place (README "Identity headers" documents the same list).
namespace identity_header {
inline constexpr std::string_view prefix = "X-Sportello-";
inline constexpr std::string_view fiscal_number = "X-Sportello-Fiscal-Number";  // without "TINIT-"
inline constexpr std::string_view name = "X-Sportello-Name";
inline constexpr std::string_view family_name = "X-Sportello-Family-Name";
inline constexpr std::string_view level = "X-Sportello-Level";      // 1, 2 or 3
inline constexpr std::string_view auth = "X-Sportello-Auth";        // spid | cie
inline constexpr std::string_view idp = "X-Sportello-Idp";          // the IdP's entityID
inline constexpr std::string_view session = "X-Sportello-Session";  // an opaque id, not the cookie
inline constexpr std::string_view attribute = "X-Sportello-Attr-";  // + SPID attribute name
}  // namespace identity_header

// The identity headers for `s` (values percent-encoded UTF-8), appended to `headers`.
void addIdentityHeaders(const Session& s, http::Headers& headers);

class Proxy {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;
    ServiceProvider* sp = nullptr;  // sessions and login URLs
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
    std::string upstream_ca;  // to trust for https upstreams (the test CA)
    // Resolves "listener:<name>" upstreams to the listener's URL as bound ("http://127.0.0.1:40123").
    std::function<std::string(std::string_view name)> listener_url;
  };
  explicit Proxy(Options options);
  ~Proxy();

  void addRoutes(http::Router& router);
  http::Client::Stats upstreamStats() const;  // connections opened and reused

  struct Route;

 private:
  Options o_;
  std::unique_ptr<http::Client> client_;
  std::vector<std::shared_ptr<Route>> routes_;
};

}  // namespace sportello::gateway
