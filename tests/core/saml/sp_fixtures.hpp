// What the SP-side Response tests share: one request (its ID and instant), the valid Response for it,
// the ACS context that should accept that Response, and the pinned and unregistered IdP keys.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/saml/response.hpp"
#include "core/saml/response_rules.hpp"
#include "tests/core/saml/saml_fixtures.hpp"

namespace sportello::test {

using namespace std::chrono_literals;

inline const saml::TimePoint kRequestAt =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + 10h + 40min;
inline const saml::TimePoint kAnsweredAt = kRequestAt + 30s;  // the IdP's now
inline const saml::TimePoint kReceivedAt = kAnsweredAt + 2s;  // the SP's now
inline const std::string kRequestId = "_5f1c0d9e8a7b6c5d4e3f2a1b0c9d8e7f";

// Loaded once: every case signs with them.
inline const xml::SigningKey& pinnedIdpKey() {
  static const xml::SigningKey k = idpKey("aurora-id");
  return k;
}
inline const xml::SigningKey& unregisteredKey() {
  static const xml::SigningKey k = idpKey("cie-test");
  return k;
}
inline std::vector<xml::Certificate> pinnedCerts() {
  return {pinnedIdpKey().certificate()};
}

inline saml::ResponseSpec validSpec() {
  saml::ResponseSpec s;
  s.idp_entity_id = kIdpEntity;
  s.sp_entity_id = kSpEntity;
  s.acs_url = kAcs0;
  s.in_response_to = kRequestId;
  s.now = kAnsweredAt;
  s.level = saml::Level::L2;
  s.attributes = {{"fiscalNumber", "TINIT-RSSMRA85T10A562S"}, {"name", "Mario"}, {"familyName", "Rossi"}};
  return s;
}

inline saml::ResponseContext acsContext() {
  saml::ResponseContext c;
  c.now = kReceivedAt;
  c.idp_entity_id = kIdpEntity;
  c.sp_entity_id = kSpEntity;
  c.acs_url = kAcs0;
  c.expected_in_response_to = kRequestId;
  c.request_issue_instant = kRequestAt;
  c.requested_level = saml::Level::L2;
  c.comparison = saml::Comparison::minimum;
  c.requested_attributes = std::vector<std::string>{"fiscalNumber", "name", "familyName"};
  return c;
}

inline std::vector<std::string> failedRules(const saml::Report& r) {
  std::vector<std::string> out;
  for (const auto& v : r.verdicts) {
    if (v.outcome == saml::Outcome::fail) out.push_back(v.rule);
  }
  return out;
}

inline const saml::Verdict* verdictOf(const saml::Report& r, std::string_view rule) {
  for (const auto& v : r.verdicts) {
    if (v.rule == rule) return &v;
  }
  return nullptr;
}

}  // namespace sportello::test
