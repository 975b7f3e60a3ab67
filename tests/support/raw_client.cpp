#include "tests/support/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace sportello::test {

using Steady = std::chrono::steady_clock;

std::optional<std::string> RawResponse::header(std::string_view name) const {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    std::size_t start = pos + 2;
    std::size_t end = head.find("\r\n", start);
    std::string_view line(head.data() + start, (end == std::string::npos ? head.size() : end) - start);
    auto colon = line.find(':');
    if (colon != std::string_view::npos && colon == name.size() &&
        strncasecmp(line.data(), name.data(), name.size()) == 0) {
      auto v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return std::string(v);
    }
    pos = end;
  }
  return std::nullopt;
}

namespace {
int connectLoopback(std::uint16_t port, std::string* error) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    if (error) *error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}
}  // namespace

std::unique_ptr<RawConn> RawConn::plain(std::uint16_t port, std::string* error) {
  int fd = connectLoopback(port, error);
  if (fd < 0) return nullptr;
  std::unique_ptr<RawConn> c(new RawConn());
  c->fd_ = fd;
  return c;
}

std::unique_ptr<RawConn> RawConn::tls(std::uint16_t port, const std::string& caFile, int minVersion,
                                      int maxVersion, std::string* error) {
  int fd = connectLoopback(port, error);
  if (fd < 0) return nullptr;
  std::unique_ptr<RawConn> c(new RawConn());
  c->fd_ = fd;
  c->ctx_ = SSL_CTX_new(TLS_client_method());
  // Level 0 lets this client offer TLS 1.0/1.1, which Debian's defaults would forbid before the server
  // could be asked: the test is about the server refusing them.
  SSL_CTX_set_security_level(c->ctx_, 0);
  if (minVersion) SSL_CTX_set_min_proto_version(c->ctx_, minVersion);
  if (maxVersion) SSL_CTX_set_max_proto_version(c->ctx_, maxVersion);
  if (maxVersion && maxVersion < TLS1_2_VERSION) SSL_CTX_set_cipher_list(c->ctx_, "DEFAULT:@SECLEVEL=0");
  SSL_CTX_load_verify_locations(c->ctx_, caFile.c_str(), nullptr);
  SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_PEER, nullptr);
  c->ssl_ = SSL_new(c->ctx_);
  SSL_set_fd(c->ssl_, fd);
  SSL_set1_host(c->ssl_, "127.0.0.1");
  if (SSL_connect(c->ssl_) != 1) {
    if (error) {
      char buf[256];
      ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
      *error = buf;
    }
    return nullptr;
  }
  return c;
}

RawConn::~RawConn() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

std::string RawConn::negotiatedVersion() const {
  return ssl_ ? SSL_get_version(ssl_) : "plain";
}

bool RawConn::send(std::string_view bytes) {
  while (!bytes.empty()) {
    long n = ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                  : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

long RawConn::fill(std::chrono::milliseconds timeout) {
  char tmp[16384];
  if (!(ssl_ && SSL_pending(ssl_) > 0)) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r <= 0) return -1;
  }
  long n = ssl_ ? SSL_read(ssl_, tmp, sizeof tmp) : ::recv(fd_, tmp, sizeof tmp, 0);
  if (n > 0) buf_.append(tmp, static_cast<std::size_t>(n));
  if (n < 0 && !ssl_ && errno == ECONNRESET) return 0;
  return n < 0 ? 0 : n;  // SSL_read <= 0 after a handshake: the peer is gone for our purposes
}

std::optional<RawResponse> RawConn::readResponse(std::chrono::milliseconds timeout, bool toHead) {
  auto deadline = Steady::now() + timeout;
  auto left = [&] {
    return std::max<std::chrono::milliseconds>(
        std::chrono::milliseconds(0),
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()));
  };
  std::size_t headEnd;
  while ((headEnd = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (fill(left()) <= 0) return std::nullopt;
  }
  RawResponse r;
  r.head = buf_.substr(0, headEnd);
  if (r.head.size() < 12) return std::nullopt;
  r.status = std::atoi(r.head.c_str() + 9);
  std::size_t pos = headEnd + 4;
  bool noBody = toHead || r.status == 204 || r.status == 304 || r.status / 100 == 1;
  if (auto cl = r.header("Content-Length"); cl && !noBody) {
    std::size_t n = std::stoul(*cl);
    while (buf_.size() < pos + n) {
      if (fill(left()) <= 0) return std::nullopt;
    }
    r.body = buf_.substr(pos, n);
    pos += n;
  } else if (auto te = r.header("Transfer-Encoding"); te && !noBody) {
    for (;;) {
      std::size_t eol;
      while ((eol = buf_.find("\r\n", pos)) == std::string::npos) {
        if (fill(left()) <= 0) return std::nullopt;
      }
      std::size_t size = std::stoul(buf_.substr(pos, eol - pos), nullptr, 16);
      while (buf_.size() < eol + 2 + size + 2) {
        if (fill(left()) <= 0) return std::nullopt;
      }
      r.body += buf_.substr(eol + 2, size);
      pos = eol + 2 + size + 2;
      if (size == 0) break;
    }
  } else if (!noBody) {
    while (fill(left()) > 0) {
    }
    r.body = buf_.substr(pos);
    pos = buf_.size();
  }
  buf_.erase(0, pos);
  return r;
}

bool RawConn::closedByPeer(std::chrono::milliseconds timeout) {
  auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    auto before = buf_.size();
    long n = fill(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()));
    if (n == 0) return buf_.size() == before;
    if (n < 0) return false;
    return false;  // data arrived instead of a close
  }
  return false;
}

std::string RawConn::readAll(std::chrono::milliseconds timeout) {
  auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    if (fill(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now())) <= 0) break;
  }
  return std::exchange(buf_, {});
}

std::string get(std::string_view target, std::string_view extra) {
  std::string s = "GET ";
  s.append(target);
  s += " HTTP/1.1\r\nHost: localhost\r\n";
  s.append(extra);
  s += "\r\n";
  return s;
}

}  // namespace sportello::test
