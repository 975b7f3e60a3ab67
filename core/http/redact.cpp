#include "core/http/redact.hpp"

#include <array>

#include "core/http/message.hpp"

namespace sportello::http {

bool isSensitiveParam(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 18> kNames = {
      "SAMLRequest",   "SAMLResponse", "SAMLart", "Signature", "password",     "passwd",
      "pwd",           "pin",          "otp",     "token",     "access_token", "id_token",
      "refresh_token", "code",         "ticket",  "secret",    "api_key",      "client_secret"};
  for (auto n : kNames) {
    if (iequals(n, name)) return true;
  }
  return false;
}

namespace {

std::string redactPairs(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool first = true;
  while (true) {
    auto amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    auto decoded = percentDecode(key);
    if (eq != std::string_view::npos && decoded && isSensitiveParam(*decoded)) {
      out.append(key);
      out += "=[redacted:";
      out += std::to_string(pair.size() - eq - 1);
      out += "]";
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    s.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

std::string redactTarget(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  out += redactPairs(target.substr(q + 1));
  return out;
}

std::string redactForm(std::string_view body) {
  return redactPairs(body);
}

std::string redactHeader(std::string_view name, std::string_view value) {
  if (iequals(name, "Cookie")) {
    std::string out;
    while (!value.empty()) {
      auto semi = value.find(';');
      std::string_view c = value.substr(0, semi);
      while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
      if (!out.empty()) out += "; ";
      out.append(c.substr(0, c.find('=')));
      out += "=[redacted]";
      if (semi == std::string_view::npos) break;
      value.remove_prefix(semi + 1);
    }
    return out;
  }
  if (iequals(name, "Set-Cookie")) {
    auto eq = value.find('=');
    auto semi = value.find(';');
    std::string out(value.substr(0, eq));
    out += "=[redacted]";
    if (semi != std::string_view::npos) out.append(value.substr(semi));
    return out;
  }
  if (iequals(name, "Authorization") || iequals(name, "Proxy-Authorization")) {
    auto sp = value.find(' ');
    return std::string(value.substr(0, sp)) + " [redacted]";
  }
  return std::string(value);
}

}  // namespace sportello::http
