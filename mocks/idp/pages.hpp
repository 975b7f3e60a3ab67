// The mock IdPs' pages, in Italian: login (test users, password form, SPID error endings), consent
// (exactly the attributes of the requested AttributeConsumingService), error. Each page shows the
// AuthnRequest verdicts collapsed, for developers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/saml/policy.hpp"
#include "mocks/idp/users.hpp"

namespace sportello::idp {

struct PageIdp {
  std::string name;
  std::string display_name;
  bool cie = false;
};

struct LoginPageData {
  PageIdp idp;
  std::string tx;
  std::string sp_name;
  std::string level_uri;
  std::vector<const TestUser*> users;
  std::string error;  // shown with role="alert" when not empty
  const saml::Report* report = nullptr;
  bool development = false;
};
std::string renderLogin(const LoginPageData& d);

struct ConsentPageData {
  PageIdp idp;
  std::string tx;
  std::string sp_name;
  std::string user_name;
  std::vector<std::pair<std::string, std::string>> attributes;  // released, in order
  std::vector<std::string> missing;                             // requested but the user has none
};
std::string renderConsent(const ConsentPageData& d);

std::string renderError(const PageIdp& idp, const std::string& title, const std::string& message,
                        const saml::Report* report, const std::string& request_id);

struct SessionRow {
  std::string session_index;
  std::string user_name;
  std::string sp;
};
// The IdP's open sessions, each with a button that starts an IdP-initiated logout.
std::string renderSessions(const PageIdp& idp, const std::vector<SessionRow>& sessions);
// A plain information page (e.g. "Disconnessione completata").
std::string renderInfo(const PageIdp& idp, const std::string& title, const std::string& message);

}  // namespace sportello::idp
