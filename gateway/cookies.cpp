#include "gateway/cookies.hpp"

namespace sportello::gateway {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string_view> cookie(const http::Request& req, std::string_view name) {
  for (std::string_view header : req.headers.all("Cookie")) {
    while (!header.empty()) {
      auto semi = header.find(';');
      std::string_view pair = trim(header.substr(0, semi));
      header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (trim(pair.substr(0, eq)) != name) continue;
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return value;
    }
  }
  return std::nullopt;
}

std::string setCookie(std::string_view name, std::string_view value, std::string_view same_site,
                      std::optional<std::chrono::seconds> max_age) {
  std::string c;
  c.reserve(name.size() + value.size() + 64);
  c.append(name).append("=").append(value).append("; Path=/; Secure; HttpOnly; SameSite=").append(same_site);
  if (max_age) c.append("; Max-Age=").append(std::to_string(max_age->count()));
  return c;
}

std::string clearCookie(std::string_view name, std::string_view same_site) {
  return setCookie(name, "", same_site, std::chrono::seconds(0));
}

}  // namespace sportello::gateway
