#include "core/http/wire.hpp"

namespace sportello::http {

namespace {

bool isTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool validName(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n) {
    if (!isTokenChar(c)) return false;
  }
  return true;
}

bool validValue(std::string_view v) {
  for (char c : v) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool serverOwned(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection") || iequals(name, "Date") || iequals(name, "Keep-Alive");
}

void appendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out += ": ";
  out.append(value);
  out += "\r\n";
}

}  // namespace

bool statusHasNoBody(int status) noexcept {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

std::vector<std::string> serializeResponse(const Response& resp, const WireOptions& o, std::string& out) {
  std::vector<std::string> dropped;
  out += o.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(resp.status);
  out.push_back(' ');
  out += reasonPhrase(resp.status);
  out += "\r\n";
  bool hasRequestId = false, hasHsts = false;
  for (const auto& h : resp.headers.items()) {
    if (!validName(h.name) || !validValue(h.value)) {
      dropped.push_back(h.name);
      continue;
    }
    if (serverOwned(h.name)) continue;
    hasRequestId = hasRequestId || iequals(h.name, "X-Request-Id");
    hasHsts = hasHsts || iequals(h.name, "Strict-Transport-Security");
    appendHeader(out, h.name, h.value);
  }
  appendHeader(out, "Date", o.date);
  if (!hasRequestId && !o.request_id.empty()) appendHeader(out, "X-Request-Id", o.request_id);
  if (!hasHsts && o.hsts_max_age > 0) {
    out += "Strict-Transport-Security: max-age=";
    out += std::to_string(o.hsts_max_age);
    out += "\r\n";
  }
  bool noBody = statusHasNoBody(resp.status);
  if (!noBody) appendHeader(out, "Content-Length", std::to_string(resp.body.size()));
  if (o.version == 10) {
    if (!o.close) appendHeader(out, "Connection", "keep-alive");
  } else if (o.close) {
    appendHeader(out, "Connection", "close");
  }
  out += "\r\n";
  if (!noBody && !o.head && o.include_body) out += resp.body;
  return dropped;
}

}  // namespace sportello::http
