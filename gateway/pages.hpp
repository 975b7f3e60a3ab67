// The gateway's pages, in Italian: the discovery page ("Entra con SPID" / "Entra con CIE"), the page
// after a login, the citizen's session, logout, and error pages that say what happened. Pure functions
// from data to HTML (core/web/page.hpp gives the skeleton).
#pragma once

#include <string>
#include <vector>

#include "core/saml/policy.hpp"
#include "gateway/sessions.hpp"

namespace sportello::gateway {

struct IdpChoice {
  std::string display_name;
  std::string login_url;  // "/login?idp=...&next=..."
};

struct DiscoveryData {
  std::string administration;
  std::vector<IdpChoice> spid;  // shown in random order, as the official SPID button does
  std::vector<IdpChoice> cie;
  std::string notice;  // e.g. "Per continuare è necessario autenticarsi" (empty: none)
  int level = 2;
};
std::string discoveryPage(const DiscoveryData& d);

// After the ACS accepted a Response: a 200 page that moves on to `next` (meta refresh and a link).
std::string loggedInPage(const std::string& administration, const Identity& who, const std::string& next);

std::string sessionPage(const std::string& administration, const Session& s);

// GET /logout: the confirmation form; after logout: the outcome.
std::string logoutConfirmPage(const std::string& administration, const Identity& who);
std::string loggedOutPage(const std::string& administration, bool everywhere, const std::string& note);

struct ErrorData {
  std::string administration;
  std::string title;    // "Accesso non riuscito"
  std::string message;  // what happened, for the citizen
  std::string rule;     // the rule that failed, for developers ("" when none)
  std::string request_id;
  const saml::Report* report = nullptr;  // every verdict, collapsed for developers
  std::string retry_url = "/login";
};
std::string errorPage(const ErrorData& d);

}  // namespace sportello::gateway
