// The mock SPID and CIE identity providers: every [[idps]] entry of the configuration served under
// /idp/<name>/ on the shared router.
//
//   GET  /idp/<name>/metadata   signed IdP metadata
//   GET  /idp/<name>/sso        AuthnRequest, HTTP-Redirect binding
//   POST /idp/<name>/sso        AuthnRequest, HTTP-POST binding
//   POST /idp/<name>/login      the login form (credentials, or a chosen SPID error ending)
//   POST /idp/<name>/consent    the consent form
//   GET  /idp/<name>/slo        LogoutRequest or LogoutResponse from an SP, HTTP-Redirect binding
//   POST /idp/<name>/slo        the same, HTTP-POST binding
//   GET  /idp/<name>/logout     the open sessions; POST (session=...) starts an IdP-initiated logout
// Admin (guarded like every /_admin route):
//   GET  /_admin/sps            registered SPs with their metadata verdicts
//   POST /_admin/sps            register an SP: body = its metadata XML; 201 with the verdicts
//   GET  /_admin/users          test users (no passwords)
//   GET  /_admin/journal        last SAML exchanges, decoded, with every rule's verdict (?limit=N)
//   POST /_admin/idp/<name>/login   headless login for CI (only with [mock_idp] headless_login = true):
//        {"request": "<SSO query string or form body>", "binding": "HTTP-Redirect"|"HTTP-POST",
//         "user": "mario.rossi", "consent": true} -> {"acs_url", "SAMLResponse", "RelayState", "verdicts"}
//
// Every AuthnRequest goes through saml::authnRequestPolicy(); the verdicts are shown on the login page
// (collapsed, for developers) and kept in the journal. A request that breaks a rule gets the SPID error
// Response the rules prescribe, or an error page where no SAML answer may be sent.
#pragma once

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
#include "mocks/idp/journal.hpp"
#include "mocks/idp/registry.hpp"
#include "mocks/idp/users.hpp"

namespace sportello::idp {

class IdentityProviders {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;
    pki::Materials materials;
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
  };
  // Loads users and signing keys and registers the configured SP metadata. Errors name the file.
  static Result<std::unique_ptr<IdentityProviders>, std::string> create(Options options);
  ~IdentityProviders();

  void addRoutes(http::Router& router, const http::Admin& admin);

  // For GET /_admin/endpoints: [{"name","profile","display_name","entity_id","metadata","sso":{...},...}]
  std::string endpointsJson() const;

  SpRegistry& registry();
  Journal& journal();
  const UserDirectory& users() const;

  struct Impl;

 private:
  explicit IdentityProviders(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sportello::idp
