// The gateway's server-side state of browsers: logins in progress and sessions.
//
// - A login in progress (PendingLogin) is keyed by its RelayState, an opaque random token that is the
//   only thing the IdP sees; it remembers the AuthnRequest ID (the only InResponseTo the ACS accepts for
//   it), the IdP, the level asked for and where to go afterwards. It is bound to the browser that started
//   it by a random nonce in a cookie: a Response replayed into another browser finds no match. Taken once.
// - A session holds the identity the ACS accepted. Its id (256 random bits, base64url) is all the cookie
//   carries; a new id at every login (no fixation). Sessions end after idle_timeout without requests or
//   absolute_timeout after login, on the simulated clock; past max_sessions the least recently seen go.
// Thread-safe: one mutex, held only for map operations.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/base/clock.hpp"
#include "core/config/config.hpp"
#include "core/saml/names.hpp"
#include "core/saml/time.hpp"

namespace sportello::gateway {

// Who the citizen is, as the accepted Assertion said.
struct Identity {
  saml::Profile profile = saml::Profile::spid;
  std::string idp_name;  // configuration name of the IdP
  std::string idp_entity_id;
  std::string name_id, name_qualifier, session_index;
  std::string assertion_id;
  saml::Level level = saml::Level::L1;
  std::vector<std::pair<std::string, std::string>> attributes;  // name -> value, as received

  // The value of an attribute, or "" when absent.
  std::string attribute(std::string_view name) const;
  // fiscalNumber without its "TINIT-" prefix.
  std::string fiscalCode() const;
};

struct Session {
  std::string id;
  std::string ref;  // an opaque reference for upstreams and logs (a hash of the id, never the id itself)
  Identity identity;
  Clock::time_point created;
};

struct PendingLogin {
  std::string relay_state;    // set by beginLogin()
  std::string browser_nonce;  // the login cookie of the browser that started it
  std::string request_id;     // AuthnRequest ID
  Clock::time_point request_issue_instant;
  std::string idp_name;
  saml::Profile profile = saml::Profile::spid;
  saml::Level level = saml::Level::L2;
  saml::Comparison comparison = saml::Comparison::minimum;
  int attribute_service = 0;
  std::string return_to = "/";  // a relative path, checked before it gets here
  Clock::time_point expires;    // set by beginLogin()
};

// A fresh 256-bit random token, base64url without padding (43 characters).
std::string randomToken();

class SessionStore {
 public:
  SessionStore(config::Sessions options, std::shared_ptr<Clock> clock);

  // Stores the login and returns its RelayState.
  std::string beginLogin(PendingLogin login);
  // The login for that RelayState, removed; nullopt when unknown, taken already or expired.
  std::optional<PendingLogin> takeLogin(const std::string& relay_state);

  // A new session with a new id.
  std::shared_ptr<const Session> create(Identity identity);
  // The live session with that id (and marks it seen), or null when unknown or expired (then removed).
  std::shared_ptr<const Session> find(const std::string& id);
  // Ends one session; false when there was none.
  bool end(const std::string& id);
  // Sessions of one NameID at one IdP (IdP-initiated Single Logout); with `session_index` non-empty,
  // only the one with that SessionIndex.
  std::vector<std::shared_ptr<const Session>> byNameId(const std::string& idp_entity_id,
                                                       const std::string& name_id,
                                                       const std::string& session_index) const;
  std::size_t size() const;
  std::size_t pendingLogins() const;
  void clear();  // /_admin/reset

  const config::Sessions& options() const { return options_; }

 private:
  struct Entry {
    std::shared_ptr<const Session> session;
    Clock::time_point last_seen;  // only under mu_: sessions themselves are immutable once created
  };
  bool expired(const Entry& e, Clock::time_point now) const;
  void evictLocked(Clock::time_point now);

  config::Sessions options_;
  std::shared_ptr<Clock> clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> sessions_;
  std::unordered_map<std::string, PendingLogin> logins_;
};

}  // namespace sportello::gateway
