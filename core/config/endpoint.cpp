#include <algorithm>
#include <string>

#include "core/config/config.hpp"

namespace sportello::config {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isHex(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Host names and IPv4 literals; what getaddrinfo would accept without surprises.
bool isHostName(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '.' || c == '-' || c == '_';
  });
}

// An IPv6 literal, optionally with a zone ("fe80::1%eth0"); the socket layer does the exact parse.
bool isIpv6Literal(std::string_view host) {
  const std::size_t percent = host.find('%');
  const std::string_view address = host.substr(0, percent);
  if (address.find(':') == std::string_view::npos) return false;
  if (!std::all_of(address.begin(), address.end(), [](char c) { return isHex(c) || c == ':' || c == '.'; })) {
    return false;
  }
  return percent == std::string_view::npos ||
         (percent + 1 < host.size() && isHostName(host.substr(percent + 1)));
}

}  // namespace

std::string Endpoint::toString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<Endpoint, std::string> parseEndpoint(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return fail("invalid host:port \"" + std::string(text) + "\": " + std::string(why));
  };
  if (text.empty()) return invalid("empty");
  if (text.find("://") != std::string_view::npos) return invalid("a URL, not host:port");
  std::string_view host;
  std::string_view rest;  // ":port" or nothing
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return invalid("missing ']' after IPv6 address");
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    if (host.empty()) return invalid("empty host");
    if (!isIpv6Literal(host)) return invalid("brackets are only for IPv6 addresses");
  } else {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return invalid("missing port");
    if (text.find(':', colon + 1) != std::string_view::npos) {
      return invalid("IPv6 addresses need brackets, as in [::1]:8443");
    }
    host = text.substr(0, colon);
    rest = text.substr(colon);
    if (host.empty()) return invalid("empty host");
    if (!isHostName(host)) return invalid("host has characters not allowed in a host name");
  }
  if (rest.empty() || rest == ":") return invalid("missing port");
  if (rest.front() != ':') return invalid("expected ':' before the port");
  const std::string_view digits = rest.substr(1);
  if (!std::all_of(digits.begin(), digits.end(), isDigit)) return invalid("port is not a number");
  // Five digits at most keeps the conversion from overflowing before the range check.
  const auto port = digits.size() <= 5 ? std::stoul(std::string(digits)) : 65536UL;
  if (port > 65535) return invalid("port out of range (0-65535)");
  return Endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace sportello::config
