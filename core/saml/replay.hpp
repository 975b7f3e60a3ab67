// The IDs of Responses and Assertions an SP has accepted, remembered until they could no longer be
// accepted anyway (their NotOnOrAfter plus the clock skew), so that the same message is never accepted
// twice (spec/spid-cie.md: "The SP rejects replayed ... responses").
//
// Contract:
//  - time is the caller's (the component's injectable clock): an entry whose expiry is <= now is gone;
//  - bounded: at most `capacity` entries; expired entries are evicted first; when the cache is full of
//    unexpired entries it refuses to record more and check() answers `full`: the SP fails closed (refuses
//    the login) rather than forgetting an ID that could still be replayed;
//  - thread-safe; remember() checks and records atomically, so of two concurrent deliveries of one
//    message exactly one is recorded and the other sees `replayed`.
//  - Response and Assertion IDs share one namespace: an ID seen in either role is a replay in both.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/saml/time.hpp"

namespace sportello::saml {

class ReplayCache {
 public:
  enum class Seen { fresh, replayed, full };

  explicit ReplayCache(std::size_t capacity = 100'000);
  ReplayCache(const ReplayCache&) = delete;
  ReplayCache& operator=(const ReplayCache&) = delete;

  // Would remember(ids, ..., now) succeed? `replayed` when any ID is known and unexpired, `full` when
  // there is no room for them after evicting expired entries. Records nothing.
  Seen check(const std::vector<std::string>& ids, TimePoint now);
  // Records every ID until `expires` when none is known and there is room; otherwise records nothing.
  Seen remember(const std::vector<std::string>& ids, TimePoint expires, TimePoint now);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  void evictExpired(TimePoint now);  // mu_ held
  Seen judge(const std::vector<std::string>& ids, TimePoint now);

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, TimePoint> expiry_;
  std::multimap<TimePoint, std::string> by_expiry_;
};

std::string_view toString(ReplayCache::Seen s);

}  // namespace sportello::saml
