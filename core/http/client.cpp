#include "core/http/client.hpp"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <vector>

#include "core/http/detail/client_impl.hpp"

namespace sportello::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

bool isIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}
}  // namespace

std::string_view ClientError::name() const {
  switch (code) {
    case ClientErrc::bad_url:
      return "bad_url";
    case ClientErrc::resolve:
      return "resolve";
    case ClientErrc::connect_refused:
      return "connect_refused";
    case ClientErrc::connect_timeout:
      return "connect_timeout";
    case ClientErrc::tls_handshake:
      return "tls_handshake";
    case ClientErrc::write_failed:
      return "write_failed";
    case ClientErrc::read_timeout:
      return "read_timeout";
    case ClientErrc::protocol:
      return "protocol";
    case ClientErrc::too_large:
      return "too_large";
    case ClientErrc::closed:
      return "closed";
  }
  return "unknown";
}

std::string ClientError::message() const {
  return std::string(name()) + ": " + detail;
}

std::string Origin::hostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool defaultPort = (tls && port == 443) || (!tls && port == 80);
  return defaultPort ? h : h + ":" + std::to_string(port);
}

std::string Origin::key() const {
  return std::string(tls ? "https://" : "http://") + hostHeader();
}

Result<Url, ClientError> parseUrl(std::string_view url) {
  Url out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.origin.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return fail(ClientError{ClientErrc::bad_url, std::string(url) + ": not an http(s) URL"});
  }
  auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view target = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return fail(
        ClientError{ClientErrc::bad_url, std::string(url) + ": credentials in URLs are not supported"});
  }
  std::string_view host = authority, port;
  if (authority.starts_with("[")) {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return fail(ClientError{ClientErrc::bad_url, std::string(url) + ": bad IPv6"});
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        return fail(ClientError{ClientErrc::bad_url, std::string(url) + ": bad port"});
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return fail(ClientError{ClientErrc::bad_url, std::string(url) + ": no host"});
  out.origin.host = std::string(host);
  out.origin.port = out.origin.tls ? 443 : 80;
  if (!port.empty()) {
    unsigned long p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535)
        return fail(ClientError{ClientErrc::bad_url, std::string(url) + ": bad port"});
      p = p * 10 + static_cast<unsigned long>(c - '0');
    }
    if (p == 0 || p > 65535) return fail(ClientError{ClientErrc::bad_url, std::string(url) + ": bad port"});
    out.origin.port = static_cast<std::uint16_t>(p);
  }
  if (target.front() != '/') target = std::string_view("/");  // "?q" or "#f" without a path
  out.target = std::string(target.substr(0, target.find('#')));
  if (out.target.empty() || out.target.front() != '/') out.target = "/" + out.target;
  return out;
}

namespace {
std::atomic<std::uint64_t> nextClientId{1};
}  // namespace

bool detail::looksAlive(detail::ClientConn& c) {
  if (!c.socket().is_open()) return false;
  char byte;
  ssize_t n = ::recv(c.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;  // orderly close by the peer
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  // Bytes waiting before we asked anything: on TLS, post-handshake messages (session tickets) are
  // normal and the TLS layer consumes them; on plain HTTP they are garbage and the connection is unusable.
  return c.ssl != nullptr;
}

asio::awaitable<Result<std::unique_ptr<detail::ClientConn>, ClientError>> Client::Impl::connect(
    const Origin& o, std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  auto c = std::make_unique<detail::ClientConn>();
  // Room for a typical answer in one read: an empty flat_buffer makes Beast read 512 bytes at a time.
  c->buf.reserve(16 * 1024);
  if (o.tls) {
    if (!tls) co_return fail(ClientError{ClientErrc::tls_handshake, "TLS client context: " + tls_error});
    c->ssl = std::make_unique<asio::ssl::stream<tcp::socket>>(ex, *tls);
  } else {
    c->plain = std::make_unique<tcp::socket>(ex);
  }
  c->deadline = std::make_shared<detail::Deadline>(ex, &c->socket());

  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(o.host, ec);
  if (!ec) {
    endpoints.emplace_back(addr, o.port);
  } else {
    tcp::resolver resolver(ex);
    const std::string service = std::to_string(o.port);  // named: no temporaries inside co_await (g++ 12)
    auto [rec, results] = co_await resolver.async_resolve(o.host, service, nothrow);
    if (rec || results.empty())
      co_return fail(ClientError{ClientErrc::resolve, o.host + ": " + rec.message()});
    for (const auto& r : results) endpoints.push_back(r.endpoint());
  }
  c->deadline->arm(timeout);
  auto [cec, ep] = co_await asio::async_connect(c->socket(), endpoints, nothrow);
  if (cec) {
    auto code = c->deadline->expired() ? ClientErrc::connect_timeout : ClientErrc::connect_refused;
    co_return fail(
        ClientError{code, o.hostHeader() + ": " + (c->deadline->expired() ? "timed out" : cec.message())});
  }
  c->socket().set_option(tcp::no_delay(true), ec);
  if (c->ssl) {
    if (!isIpLiteral(o.host)) SSL_set_tlsext_host_name(c->ssl->native_handle(), o.host.c_str());
    c->ssl->set_verify_mode(asio::ssl::verify_peer);
    c->ssl->set_verify_callback(asio::ssl::host_name_verification(o.host));
    auto [hec] = co_await c->ssl->async_handshake(asio::ssl::stream_base::client, nothrow);
    if (hec) {
      std::string why = c->deadline->expired() ? std::string("timed out") : hec.message();
      co_return fail(ClientError{ClientErrc::tls_handshake, o.hostHeader() + ": " + why});
    }
  }
  c->deadline->disarm();
  connects.fetch_add(1, std::memory_order_relaxed);
  co_return c;
}

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->id = nextClientId.fetch_add(1);
  impl_->options = std::move(options);
  impl_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  if (auto r = configureClientContext(*impl_->tls, impl_->options.tls); !r) {
    impl_->tls_error = r.error();
    impl_->tls.reset();
  }
}

Client::~Client() = default;

Client::Stats Client::stats() const {
  return {impl_->connects.load(), impl_->reused.load()};
}

Result<Response, ClientError> Client::sendSync(const Origin& origin, Request req) {
  asio::io_context io;
  std::optional<Result<Response, ClientError>> out;
  // co_spawn needs a default-constructible result for its exception path, so the coroutine stores it.
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await send(origin, std::move(req))); },
      [&](const std::exception_ptr& e) {
        if (e) out.emplace(fail(ClientError{ClientErrc::protocol, "internal error in the client"}));
      });
  io.run();  // its pooled connections die with `io` (ClientPool::shutdown)
  return std::move(*out);
}

Result<Response, ClientError> Client::getSync(std::string_view url) {
  auto u = parseUrl(url);
  if (!u) return fail(std::move(u).error());
  Request req;
  req.method = "GET";
  req.target = u->target;
  return sendSync(u->origin, std::move(req));
}

}  // namespace sportello::http
