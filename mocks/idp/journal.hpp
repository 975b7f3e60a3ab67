// The last N SAML exchanges of the mock IdPs, decoded, with the verdict of every rule: what a developer
// opens when their SP "does not work". Thread-safe ring buffer; newest first when read.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "core/base/clock.hpp"

namespace sportello::idp {

struct JournalEntry {
  std::uint64_t seq = 0;
  std::string time;       // simulated clock, UTC
  std::string idp;        // IdP name
  std::string direction;  // "in" (from the SP) or "out" (to the SP)
  std::string kind;       // "AuthnRequest", "Response", "LogoutRequest", "LogoutResponse", "metadata"
  std::string binding;    // "HTTP-Redirect", "HTTP-POST", "admin"
  std::string sp;         // entityID when known
  std::string outcome;    // "ok", "rejected", "error nrNN", ...
  std::string xml;        // decoded message
  std::string verdicts_json = "[]";
  std::string request_id;  // the HTTP request's id, to find the access log line
};

class Journal {
 public:
  explicit Journal(std::size_t capacity) : capacity_(capacity) {}
  void add(JournalEntry e);
  // {"entries":[...]} newest first, at most `limit`.
  std::string toJson(std::size_t limit) const;
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::deque<JournalEntry> entries_;
  std::size_t capacity_;
  std::uint64_t next_ = 1;
};

}  // namespace sportello::idp
