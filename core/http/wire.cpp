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

bool serverOwned(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection") || iequals(name, "Date") || iequals(name, "Keep-Alive");
}

bool hopByHop(std::string_view name) {
  return iequals(name, "Connection") || iequals(name, "Keep-Alive") || iequals(name, "Proxy-Connection") ||
         iequals(name, "TE") || iequals(name, "Trailer") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Upgrade");
}

// Whether `name` is listed in a Connection header of `headers` ("Connection: close, X-Foo").
bool namedByConnection(const Headers& headers, std::string_view name) {
  for (auto value : headers.all("Connection")) {
    while (!value.empty()) {
      auto comma = value.find(',');
      auto item = value.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (iequals(item, name)) return true;
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return false;
}

void appendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out += ": ";
  out.append(value);
  out += "\r\n";
}

}  // namespace

bool validToken(std::string_view n) noexcept {
  if (n.empty()) return false;
  for (char c : n) {
    if (!isTokenChar(c)) return false;
  }
  return true;
}

bool validFieldValue(std::string_view v) noexcept {
  for (char c : v) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool validTarget(std::string_view t) noexcept {
  if (t.empty()) return false;
  for (char c : t) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

void appendChunkSize(std::string& out, std::size_t n) {
  static constexpr char hex[] = "0123456789abcdef";
  char buf[2 * sizeof n];
  std::size_t len = 0;
  do {
    buf[len++] = hex[n & 0xF];
    n >>= 4;
  } while (n != 0);
  while (len > 0) out.push_back(buf[--len]);
  out += "\r\n";
}

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
  using Framing = WireOptions::Framing;
  const bool streamed = o.framing != Framing::inline_body;
  bool hasRequestId = false, hasHsts = false;
  for (const auto& h : resp.headers.items()) {
    if (!validToken(h.name) || !validFieldValue(h.value)) {
      dropped.push_back(h.name);
      continue;
    }
    if (serverOwned(h.name)) continue;
    if (streamed && (hopByHop(h.name) || namedByConnection(resp.headers, h.name))) continue;
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
  if (!noBody) {
    switch (o.framing) {
      case Framing::inline_body:
        appendHeader(out, "Content-Length", std::to_string(resp.body.size()));
        break;
      case Framing::content_length:
        appendHeader(out, "Content-Length", std::to_string(o.content_length));
        break;
      case Framing::chunked:
        appendHeader(out, "Transfer-Encoding", "chunked");
        break;
      case Framing::until_close:
        break;
    }
  }
  if (o.version == 10) {
    if (!o.close) appendHeader(out, "Connection", "keep-alive");
  } else if (o.close) {
    appendHeader(out, "Connection", "close");
  }
  out += "\r\n";
  if (!noBody && !o.head && o.include_body && !streamed) out += resp.body;
  return dropped;
}

std::vector<std::string> serializeRequestHead(const Request& req, std::string_view host,
                                              RequestFraming framing, std::uint64_t content_length,
                                              std::string& out) {
  std::vector<std::string> dropped;
  out += req.method;
  out.push_back(' ');
  out += req.target;
  out += " HTTP/1.1\r\n";
  for (const auto& h : req.headers.items()) {
    if (!validToken(h.name) || !validFieldValue(h.value)) {
      dropped.push_back(h.name);
      continue;
    }
    if (iequals(h.name, "Host") || iequals(h.name, "Content-Length") || hopByHop(h.name) ||
        namedByConnection(req.headers, h.name)) {
      continue;
    }
    appendHeader(out, h.name, h.value);
  }
  appendHeader(out, "Host", host);
  if (framing == RequestFraming::content_length) {
    appendHeader(out, "Content-Length", std::to_string(content_length));
  } else if (framing == RequestFraming::chunked) {
    appendHeader(out, "Transfer-Encoding", "chunked");
  }
  out += "\r\n";
  return dropped;
}

}  // namespace sportello::http
