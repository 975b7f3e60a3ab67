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
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <map>
#include <mutex>
#include <vector>

#include "core/http/detail/deadline.hpp"

namespace sportello::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

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

struct Conn {
  std::unique_ptr<tcp::socket> plain;
  std::unique_ptr<asio::ssl::stream<tcp::socket>> ssl;
  beast::flat_buffer buf;
  SteadyClock::time_point idle_since;
  std::shared_ptr<detail::Deadline> deadline;

  tcp::socket& socket() { return ssl ? ssl->next_layer() : *plain; }
  ~Conn() {
    if (deadline) deadline->release();
  }
};

// Whether a pooled connection still looks usable: not closed by the peer, nothing unexpected pending.
bool looksAlive(Conn& c) {
  if (!c.socket().is_open()) return false;
  char byte;
  ssize_t n = ::recv(c.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;  // orderly close by the peer
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  // Bytes waiting before we asked anything: on TLS, post-handshake messages (session tickets) are
  // normal and the TLS layer consumes them; on plain HTTP they are garbage and the connection is unusable.
  return c.ssl != nullptr;
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE";
}

// The idle connections of one io_context, kept in a service of that context: when the context is
// destroyed its services shut down first, so pooled sockets never outlive the reactor they are
// registered with, whichever of client and context goes first. Entries of a destroyed Client are
// never taken again (ids are not reused) and go with the context; they are bounded by
// max_idle_per_origin and clients live as long as the components that own them.
class PoolService : public asio::execution_context::service {
 public:
  using key_type = PoolService;
  static inline asio::execution_context::id id;

  explicit PoolService(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}

  std::unique_ptr<Conn> take(std::uint64_t client, const std::string& origin, std::chrono::milliseconds ttl) {
    std::lock_guard lock(mu_);
    auto it = pool_.find({client, origin});
    if (it == pool_.end()) return nullptr;
    auto& v = it->second;
    while (!v.empty()) {
      auto c = std::move(v.back());
      v.pop_back();
      if (SteadyClock::now() - c->idle_since < ttl && looksAlive(*c)) return c;
    }
    return nullptr;
  }

  void put(std::uint64_t client, const std::string& origin, std::unique_ptr<Conn> c, std::size_t max) {
    std::lock_guard lock(mu_);
    auto& v = pool_[{client, origin}];
    if (v.size() < max) v.push_back(std::move(c));
  }

 private:
  void shutdown() override {
    std::lock_guard lock(mu_);
    pool_.clear();
  }

  std::mutex mu_;
  std::map<std::pair<std::uint64_t, std::string>, std::vector<std::unique_ptr<Conn>>> pool_;
};

std::atomic<std::uint64_t> nextClientId{1};

}  // namespace

struct Client::Impl {
  ClientOptions options;
  std::unique_ptr<asio::ssl::context> tls;
  std::string tls_error;  // set when the TLS context could not be built; every https request reports it
  std::uint64_t id = nextClientId.fetch_add(1);
  std::atomic<std::uint64_t> connects{0}, reused{0};

  asio::awaitable<Result<std::unique_ptr<Conn>, ClientError>> connect(const Origin& o) {
    auto ex = co_await asio::this_coro::executor;
    auto c = std::make_unique<Conn>();
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
    c->deadline->arm(options.connect_timeout);
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

  struct Failure {
    ClientError error;
    bool got_answer_bytes = false;
  };

  template <class Stream>
  asio::awaitable<Result<std::pair<Response, bool>, Failure>> exchange(Conn& c, Stream& stream,
                                                                       const Origin& o, const Request& req) {
    bhttp::request<bhttp::string_body> out;
    out.version(11);
    out.method_string(req.method);
    out.target(req.target);
    for (const auto& h : req.headers.items()) {
      if (iequals(h.name, "Host") || iequals(h.name, "Content-Length") ||
          iequals(h.name, "Transfer-Encoding") || iequals(h.name, "Connection")) {
        continue;
      }
      out.insert(h.name, h.value);
    }
    out.set(bhttp::field::host, o.hostHeader());
    out.body() = req.body;
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
      out.content_length(req.body.size());
    }
    out.keep_alive(true);

    c.deadline->arm(options.read_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, out, nothrow);
    if (wec) {
      co_return fail(
          Failure{ClientError{ClientErrc::write_failed, o.hostHeader() + ": " + wec.message()}, false});
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    parser.header_limit(64 * 1024);
    if (req.method == "HEAD") parser.skip(true);
    auto [rec, rn] = co_await bhttp::async_read(stream, c.buf, parser, nothrow);
    c.deadline->disarm();
    if (rec) {
      bool some = parser.got_some();
      if (c.deadline->expired()) {
        co_return fail(
            Failure{ClientError{ClientErrc::read_timeout, o.hostHeader() + " did not answer in time"}, some});
      }
      if (rec == bhttp::error::body_limit) {
        co_return fail(
            Failure{ClientError{ClientErrc::too_large,
                                "answer over " + std::to_string(options.max_response_bytes) + " bytes"},
                    some});
      }
      if (!some && (rec == asio::error::eof || rec == bhttp::error::end_of_stream ||
                    rec == asio::error::connection_reset || rec == asio::ssl::error::stream_truncated)) {
        co_return fail(
            Failure{ClientError{ClientErrc::closed, o.hostHeader() + " closed the connection"}, false});
      }
      co_return fail(Failure{ClientError{ClientErrc::protocol, o.hostHeader() + ": " + rec.message()}, some});
    }
    auto msg = parser.release();
    Response r;
    r.status = static_cast<int>(msg.result_int());
    r.headers.reserve(16);
    for (const auto& f : msg) r.headers.add(std::string(f.name_string()), std::string(f.value()));
    r.body = std::move(msg.body());
    co_return std::make_pair(std::move(r), msg.keep_alive());
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
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

asio::awaitable<Result<Response, ClientError>> Client::send(const Origin& origin, Request req) {
  auto ex = co_await asio::this_coro::executor;
  auto& pool = asio::use_service<PoolService>(asio::query(ex, asio::execution::context));
  const std::string originKey = origin.key();
  for (int attempt = 0;; ++attempt) {
    auto conn = pool.take(impl_->id, originKey, impl_->options.idle_ttl);
    bool reused = conn != nullptr;
    if (!conn) {
      auto c = co_await impl_->connect(origin);
      if (!c) co_return fail(std::move(c).error());
      conn = std::move(*c);
    } else {
      impl_->reused.fetch_add(1, std::memory_order_relaxed);
    }
    // Two statements, not `ssl ? co_await a : co_await b`: g++ 12 miscompiles co_await inside the
    // conditional operator (the result is copied bitwise out of a frame that is then freed).
    Result<std::pair<Response, bool>, Impl::Failure> result =
        fail(Impl::Failure{ClientError{ClientErrc::closed, ""}});
    if (conn->ssl) {
      result = co_await impl_->exchange(*conn, *conn->ssl, origin, req);
    } else {
      result = co_await impl_->exchange(*conn, *conn->plain, origin, req);
    }
    if (result) {
      auto [resp, keepAlive] = std::move(*result);
      if (keepAlive) {
        conn->idle_since = SteadyClock::now();
        conn->deadline->park();
        pool.put(impl_->id, originKey, std::move(conn), impl_->options.max_idle_per_origin);
      }
      co_return std::move(resp);
    }
    auto failure = std::move(result).error();
    // A pooled connection the peer closed just before we used it: safe to retry only if nothing of an
    // answer came back and repeating the request cannot do anything twice.
    bool stale = reused && !failure.got_answer_bytes &&
                 (failure.error.code == ClientErrc::closed || failure.error.code == ClientErrc::write_failed);
    if (attempt == 0 && stale && idempotent(req.method)) continue;
    co_return fail(std::move(failure.error));
  }
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
  io.run();  // its pooled connections die with `io` (PoolService::shutdown)
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
