#include "gateway/sessions.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <stdexcept>

namespace sportello::gateway {

std::string Identity::attribute(std::string_view name) const {
  for (const auto& [n, v] : attributes) {
    if (n == name) return v;
  }
  return {};
}

std::string Identity::fiscalCode() const {
  std::string v = attribute("fiscalNumber");
  if (v.starts_with("TINIT-")) v.erase(0, 6);
  return v;
}

std::string randomToken() {
  unsigned char bytes[32];
  // Without entropy no token may be issued: this is an impossible state on a working system.
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve(43);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 0x3F]);
  return out;
}

namespace {

std::string referenceOf(const std::string& id) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(id.data()), id.size(), d);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i) {
    out += hex[d[i] >> 4];
    out += hex[d[i] & 0xF];
  }
  return out;
}

}  // namespace

SessionStore::SessionStore(config::Sessions options, std::shared_ptr<Clock> clock)
    : options_(std::move(options)), clock_(std::move(clock)) {}

std::string SessionStore::beginLogin(PendingLogin login) {
  const auto now = clock_->now();
  login.relay_state = randomToken();
  login.expires = now + options_.login_timeout;
  std::string token = login.relay_state;
  std::lock_guard lock(mu_);
  // Abandoned logins are dropped as new ones arrive; a flood is bounded like sessions are.
  if (logins_.size() >= options_.max_sessions) {
    std::erase_if(logins_, [now](const auto& kv) { return kv.second.expires <= now; });
    if (logins_.size() >= options_.max_sessions) logins_.erase(logins_.begin());
  }
  logins_.emplace(token, std::move(login));
  return token;
}

std::optional<PendingLogin> SessionStore::takeLogin(const std::string& relay_state) {
  std::lock_guard lock(mu_);
  auto it = logins_.find(relay_state);
  if (it == logins_.end()) return std::nullopt;
  PendingLogin login = std::move(it->second);
  logins_.erase(it);
  if (login.expires <= clock_->now()) return std::nullopt;
  return login;
}

bool SessionStore::expired(const Entry& e, Clock::time_point now) const {
  return now - e.last_seen >= options_.idle_timeout || now - e.session->created >= options_.absolute_timeout;
}

void SessionStore::evictLocked(Clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& kv) { return expired(kv.second, now); });
  while (sessions_.size() >= options_.max_sessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_seen < b.second.last_seen;
    });
    sessions_.erase(oldest);
  }
}

std::shared_ptr<const Session> SessionStore::create(Identity identity) {
  auto s = std::make_shared<Session>();
  s->id = randomToken();
  s->ref = referenceOf(s->id);
  s->identity = std::move(identity);
  s->created = clock_->now();
  std::lock_guard lock(mu_);
  if (sessions_.size() >= options_.max_sessions) evictLocked(s->created);
  sessions_.emplace(s->id, Entry{s, s->created});
  return s;
}

std::shared_ptr<const Session> SessionStore::find(const std::string& id) {
  const auto now = clock_->now();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.last_seen = now;
  return it->second.session;
}

bool SessionStore::end(const std::string& id) {
  std::lock_guard lock(mu_);
  return sessions_.erase(id) > 0;
}

std::vector<std::shared_ptr<const Session>> SessionStore::byNameId(const std::string& idp_entity_id,
                                                                   const std::string& name_id,
                                                                   const std::string& session_index) const {
  std::vector<std::shared_ptr<const Session>> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, e] : sessions_) {
    const Identity& i = e.session->identity;
    if (i.idp_entity_id != idp_entity_id || i.name_id != name_id) continue;
    if (!session_index.empty() && i.session_index != session_index) continue;
    out.push_back(e.session);
  }
  return out;
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::size_t SessionStore::pendingLogins() const {
  std::lock_guard lock(mu_);
  return logins_.size();
}

void SessionStore::clear() {
  std::lock_guard lock(mu_);
  sessions_.clear();
  logins_.clear();
}

}  // namespace sportello::gateway
