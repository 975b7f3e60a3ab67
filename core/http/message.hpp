// Plain HTTP request and response values. Handlers see only these: no sockets, no Beast types
// (style.md: "the request handler is a plain function from request to response").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sportello::http {

struct Header {
  std::string name;
  std::string value;
};

// Ordered header list with case-insensitive lookup (as on the wire; duplicates preserved).
class Headers {
 public:
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void add(std::string name, std::string value) { items_.push_back({std::move(name), std::move(value)}); }
  // Replaces every field of that name with one.
  void set(std::string_view name, std::string value);
  // Removes every field of that name; returns how many were removed.
  std::size_t remove(std::string_view name);
  // Removes every field whose name starts with `prefix` (case-insensitive).
  std::size_t removePrefix(std::string_view prefix);

  const std::vector<Header>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  void reserve(std::size_t n) { items_.reserve(n); }

 private:
  std::vector<Header> items_;
};

bool iequals(std::string_view a, std::string_view b) noexcept;

struct Request {
  std::string method;  // as received, e.g. "GET"
  std::string target;  // as received, e.g. "/idp/aurora/sso?SAMLRequest=..."
  unsigned version = 11;
  Headers headers;
  std::string body;

  // Connection facts, set by the server.
  std::string remote_ip;
  std::uint16_t remote_port = 0;
  bool tls = false;
  std::string listener;    // name of the listener it arrived on
  std::string request_id;  // X-Request-Id kept or generated

  // Set by the router.
  std::string route;  // the matched pattern, "GET /idp/{name}/sso"; empty when unmatched
  std::vector<std::pair<std::string, std::string>> params;

  std::string_view path() const;   // target up to '?', not decoded
  std::string_view query() const;  // after '?', not decoded; empty if none
  std::optional<std::string_view> param(std::string_view name) const;
  // First query parameter of that name, percent-decoded ('+' as space); nullopt if absent or malformed.
  std::optional<std::string> queryParam(std::string_view name) const;
  bool isLoopback() const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  bool close = false;  // ask the server to close the connection after this response

  static Response text(int status, std::string body);
  static Response json(int status, std::string body);
  static Response html(int status, std::string body);
  static Response redirect(int status, std::string location);
  // A JSON error body {"error": code, "message": message, "request_id": ...} filled in by the server.
  static Response error(int status, std::string_view code, std::string_view message);
};

std::string_view reasonPhrase(int status) noexcept;

// Percent-decodes `s` ('+' as space when form=true); nullopt on a bad escape.
std::optional<std::string> percentDecode(std::string_view s, bool form = true);
// Encodes everything outside unreserved (RFC 3986) characters.
std::string percentEncode(std::string_view s);
// Query or form string "a=1&b=2" into decoded pairs; malformed pairs are skipped.
std::vector<std::pair<std::string, std::string>> parseForm(std::string_view s);

}  // namespace sportello::http
