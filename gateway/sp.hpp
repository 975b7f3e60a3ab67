// The comune's SAML Service Provider for SPID and CIE (spec/spid-cie.md).
//
//   GET  /spid/metadata, /cie/metadata   signed SP metadata (Avviso SPID n.29 v3; CIE profile)
//   GET  /login                          discovery page: "Entra con SPID" (IdPs in random order), "Entra con
//   CIE" GET  /login?idp=<name|entityID>      starts a login there; &next=<relative path> &level=1..3 POST
//   /spid/acs, /cie/acs             the Response: every rule of saml::responsePolicy(), then a session
//   GET|POST /spid/slo, /cie/slo         LogoutResponse to our LogoutRequest, or an IdP-initiated
//   LogoutRequest GET  /logout                         asks local or global; POST /logout
//   (scope=local|global) does it GET  /sessione                       the citizen's session (HTML; JSON with
//   Accept: application/json)
//
// A login: the AuthnRequest (signed, on the configured binding, level and attribute service from the
// route or the defaults) gets a RelayState that is an opaque server-side token, and the browser gets a
// login cookie (SameSite=None, so that the IdP's cross-site POST carries it); the ACS accepts a Response
// only for a login in progress, in the browser that started it, answering that AuthnRequest's ID, from the
// IdP it was sent to. Accepted: a new session (cookie Secure, HttpOnly, SameSite=Lax) and a 200 page that
// moves on to `next`. Refused, or an IdP error nr19-nr30: an Italian error page with a 4xx status, the
// rule in the log line "acs_rejected", and no session.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "core/config/config.hpp"
#include "core/http/router.hpp"
#include "core/saml/policy.hpp"
#include "core/saml/replay.hpp"
#include "core/xml/signature.hpp"
#include "gateway/sessions.hpp"
#include "gateway/trust.hpp"

namespace sportello::gateway {

class ServiceProvider {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;
    xml::SigningKey key;  // the SP signing key (core/pki sp-signing)
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
    std::shared_ptr<IdpTrust> trust;
    std::shared_ptr<SessionStore> sessions;
  };
  // Builds and signs both metadata documents. Errors are start-up errors.
  static Result<std::unique_ptr<ServiceProvider>, std::string> create(Options options);

  void addRoutes(http::Router& router);

  const std::string& metadata(saml::Profile p) const;
  const std::string& entityId(saml::Profile p) const;

  // The live session of the request's cookie, or null.
  std::shared_ptr<const Session> sessionOf(const http::Request& req) const;
  // Where to send a browser that needs a login before `next` (a relative path): the discovery page
  // with what the route requires ("any", "spid", "cie") and its level.
  std::string loginUrl(std::string_view next, int level, std::string_view auth) const;

  // For GET /_admin/endpoints: {"spid":{...},"cie":{...},"login":{idp name: url}}
  std::string endpointsJson() const;

  saml::ReplayCache& replayCache() { return replay_; }
  SessionStore& sessions() { return *o_.sessions; }

  // A relative path safe to redirect to ("/x?y"), or "/" for anything else (absolute URLs,
  // scheme-relative "//host", backslashes, control characters): RelayState and next are never open redirects.
  static std::string safeNext(std::string_view next);

 private:
  explicit ServiceProvider(Options o);

  http::Response discoveryOrLogin(http::Request& req);
  http::Response startLogin(http::Request& req, const TrustedIdp& idp, int level, const std::string& next);
  http::Response acs(http::Request& req, saml::Profile profile);
  http::Response sessionInfo(http::Request& req);
  http::Response logoutPage(http::Request& req);
  http::Response logout(http::Request& req);
  http::Response slo(http::Request& req, saml::Profile profile);
  http::Response page(int status, std::string html) const;
  http::Response error(http::Request& req, int status, std::string title, std::string message,
                       std::string rule, const saml::Report* report = nullptr) const;

  Options o_;
  std::string url_;  // public URL, no trailing slash
  std::string spid_metadata_, cie_metadata_;
  std::string spid_entity_, cie_entity_;
  saml::ReplayCache replay_;
  mutable std::mutex mu_;
  struct PendingLogout {
    std::string idp_name;
    saml::Profile profile;
    Clock::time_point expires;
  };
  std::map<std::string, PendingLogout> logouts_;  // by LogoutRequest ID
};

}  // namespace sportello::gateway
