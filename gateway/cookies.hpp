// Cookies as the gateway reads and writes them (RFC 6265): values are opaque tokens, never data.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.hpp"

namespace sportello::gateway {

// The value of the first cookie named `name` in the request's Cookie headers; nullopt when absent.
std::optional<std::string_view> cookie(const http::Request& req, std::string_view name);

// "name=value; Path=/; Secure; HttpOnly; SameSite=<same_site>[; Max-Age=<n>]"
std::string setCookie(std::string_view name, std::string_view value, std::string_view same_site,
                      std::optional<std::chrono::seconds> max_age = std::nullopt);
// Expires the cookie at once.
std::string clearCookie(std::string_view name, std::string_view same_site);

}  // namespace sportello::gateway
