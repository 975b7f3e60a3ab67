#include "core/saml/replay.hpp"

#include <algorithm>

namespace sportello::saml {

ReplayCache::ReplayCache(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void ReplayCache::evictExpired(TimePoint now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    auto it = by_expiry_.begin();
    auto e = expiry_.find(it->second);
    // A later entry for the same ID cannot exist (remember() refuses known IDs), but be exact anyway.
    if (e != expiry_.end() && e->second == it->first) expiry_.erase(e);
    by_expiry_.erase(it);
  }
}

ReplayCache::Seen ReplayCache::judge(const std::vector<std::string>& ids, TimePoint now) {
  evictExpired(now);
  for (const auto& id : ids) {
    if (expiry_.contains(id)) return Seen::replayed;
  }
  // Distinct new IDs (a message whose Response and Assertion share an ID fails elsewhere).
  std::vector<std::string_view> fresh(ids.begin(), ids.end());
  std::sort(fresh.begin(), fresh.end());
  fresh.erase(std::unique(fresh.begin(), fresh.end()), fresh.end());
  if (expiry_.size() + fresh.size() > capacity_) return Seen::full;
  return Seen::fresh;
}

ReplayCache::Seen ReplayCache::check(const std::vector<std::string>& ids, TimePoint now) {
  std::lock_guard lock(mu_);
  return judge(ids, now);
}

ReplayCache::Seen ReplayCache::remember(const std::vector<std::string>& ids, TimePoint expires,
                                        TimePoint now) {
  std::lock_guard lock(mu_);
  Seen s = judge(ids, now);
  if (s != Seen::fresh) return s;
  for (const auto& id : ids) {
    if (expiry_.emplace(id, expires).second) by_expiry_.emplace(expires, id);
  }
  return s;
}

std::size_t ReplayCache::size() const {
  std::lock_guard lock(mu_);
  return expiry_.size();
}

std::string_view toString(ReplayCache::Seen s) {
  switch (s) {
    case ReplayCache::Seen::fresh:
      return "fresh";
    case ReplayCache::Seen::replayed:
      return "replayed";
    case ReplayCache::Seen::full:
      return "full";
  }
  return "full";
}

}  // namespace sportello::saml
