// Streamed exchanges on pooled connections (ClientStream), and send() on top of them.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>

#include "core/http/client.hpp"
#include "core/http/detail/client_impl.hpp"
#include "core/http/wire.hpp"

namespace sportello::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using SteadyClock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// Body pieces up to this size are copied next to their framing (and to a pending head) so that they go
// out in one write, one TLS record; larger ones are written from the caller's memory.
constexpr std::size_t kCopyBelow = 16 * 1024;

bool carriesBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE";
}

bool peerClosed(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

}  // namespace

struct ClientStream::Impl {
  std::unique_ptr<detail::ClientConn> conn;
  detail::ClientPool* pool = nullptr;
  std::uint64_t client_id = 0;
  std::string origin_key;
  std::string peer;  // "host:port", for messages
  std::size_t max_idle = 0;
  bool reused = false;
  // For the one retry of an idempotent request without body whose pooled connection turns out closed.
  Client::Impl* client = nullptr;
  Origin origin;
  Millis connect_timeout{0};
  std::string retry_head;  // empty: no retry (send() does its own)
  Millis response_timeout{0}, idle_timeout{0};
  std::optional<SteadyClock::time_point> hard_deadline;  // send(): one deadline for the whole exchange
  std::optional<std::uint64_t> body_limit;               // send(): max_response_bytes
  bool head_request = false;

  RequestFraming framing = RequestFraming::none;
  std::uint64_t declared = 0, sent = 0;
  std::string pending;  // the request head until it goes out with the first write
  std::string scratch;
  bool request_ended = false;

  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser;
  bool head_read = false, response_done = false, keep_alive = false;
  bool answer_started = false;  // some byte of an answer arrived (send() retries only when none did)
  std::optional<ClientError> error;

  ~Impl() {
    if (!conn) return;
    bool clean = !error && request_ended && response_done && keep_alive && conn->buf.size() == 0;
    if (!clean || pool == nullptr) return;  // the connection closes with `conn`
    conn->idle_since = SteadyClock::now();
    conn->deadline->park();
    pool->put(client_id, origin_key, std::move(conn), max_idle);
  }

  void arm(Millis d) {
    if (hard_deadline) {
      auto left = *hard_deadline - SteadyClock::now();
      conn->deadline->arm(left > SteadyClock::duration::zero() ? left : SteadyClock::duration::zero());
    } else {
      conn->deadline->arm(d);
    }
  }

  Unexpected<ClientError> failWith(ClientErrc code, std::string detail) {
    error = ClientError{code, peer + ": " + std::move(detail)};
    return fail(*error);
  }

  // --- I/O on whichever stream the connection has (if/else, not ?:, around co_await: g++ 12) ---

  asio::awaitable<std::pair<boost::system::error_code, std::size_t>> writeRaw(
      std::array<asio::const_buffer, 3> bufs) {
    boost::system::error_code ec;
    std::size_t n = 0;
    if (conn->ssl) {
      std::tie(ec, n) = co_await asio::async_write(*conn->ssl, bufs, nothrow);
    } else {
      std::tie(ec, n) = co_await asio::async_write(*conn->plain, bufs, nothrow);
    }
    co_return std::make_pair(ec, n);
  }

  asio::awaitable<boost::system::error_code> readHeaderRaw() {
    boost::system::error_code ec;
    std::size_t n = 0;
    if (conn->ssl) {
      std::tie(ec, n) = co_await bhttp::async_read_header(*conn->ssl, conn->buf, *parser, nothrow);
    } else {
      std::tie(ec, n) = co_await bhttp::async_read_header(*conn->plain, conn->buf, *parser, nothrow);
    }
    co_return ec;
  }

  asio::awaitable<boost::system::error_code> readSomeRaw() {
    boost::system::error_code ec;
    std::size_t n = 0;
    if (conn->ssl) {
      std::tie(ec, n) = co_await bhttp::async_read_some(*conn->ssl, conn->buf, *parser, nothrow);
    } else {
      std::tie(ec, n) = co_await bhttp::async_read_some(*conn->plain, conn->buf, *parser, nothrow);
    }
    co_return ec;
  }

  // --- the exchange ---

  asio::awaitable<Result<void, ClientError>> write(std::string_view a, std::string_view b,
                                                   std::string_view c) {
    arm(idle_timeout);
    auto [ec, n] = co_await writeRaw({asio::buffer(a), asio::buffer(b), asio::buffer(c)});
    conn->deadline->disarm();
    if (ec) {
      if (conn->deadline->expired())
        co_return failWith(ClientErrc::read_timeout, "did not take the request in time");
      co_return failWith(ClientErrc::write_failed, ec.message());
    }
    co_return Result<void, ClientError>{};
  }

  asio::awaitable<Result<void, ClientError>> writeBody(std::string_view bytes) {
    if (error) co_return fail(*error);
    if (request_ended) co_return failWith(ClientErrc::write_failed, "request body after endRequest()");
    if (bytes.empty()) co_return Result<void, ClientError>{};
    if (framing == RequestFraming::none)
      co_return failWith(ClientErrc::write_failed, "this request has no body");
    if (framing == RequestFraming::content_length && bytes.size() > declared - sent) {
      co_return failWith(ClientErrc::write_failed, "request body longer than its Content-Length");
    }
    sent += bytes.size();
    scratch.clear();
    scratch.swap(pending);  // the head, if not sent yet
    if (framing == RequestFraming::chunked) appendChunkSize(scratch, bytes.size());
    std::string_view crlf = framing == RequestFraming::chunked ? "\r\n" : "";
    if (bytes.size() <= kCopyBelow) {
      scratch.append(bytes);
      scratch.append(crlf);
      co_return co_await write(scratch, {}, {});
    }
    co_return co_await write(scratch, bytes, crlf);
  }

  asio::awaitable<Result<void, ClientError>> endRequest() {
    if (error) co_return fail(*error);
    if (request_ended) co_return Result<void, ClientError>{};
    if (framing == RequestFraming::content_length && sent != declared) {
      co_return failWith(ClientErrc::write_failed, "request body shorter than its Content-Length");
    }
    if (framing == RequestFraming::chunked) pending += "0\r\n\r\n";
    request_ended = true;
    if (pending.empty()) co_return Result<void, ClientError>{};
    scratch.clear();
    scratch.swap(pending);
    co_return co_await write(scratch, {}, {});
  }

  Unexpected<ClientError> readFailure(const boost::system::error_code& ec, bool midBody) {
    if (conn->deadline->expired()) {
      return failWith(ClientErrc::read_timeout, midBody ? "response body stalled" : "did not answer in time");
    }
    if (ec == bhttp::error::body_limit) {
      return failWith(ClientErrc::too_large,
                      "answer over " + std::to_string(body_limit.value_or(0)) + " bytes");
    }
    if (peerClosed(ec) && !(parser && parser->got_some() && !midBody)) {
      return failWith(ClientErrc::closed,
                      midBody ? "closed the connection mid-body" : "closed the connection");
    }
    return failWith(ClientErrc::protocol, ec.message());
  }

  asio::awaitable<Result<Response, ClientError>> readHead() {
    auto r = co_await readHeadOnce();
    if (r || !reused || answer_started || retry_head.empty()) co_return std::move(r);
    auto code = r.error().code;
    if (code != ClientErrc::closed && code != ClientErrc::write_failed) co_return std::move(r);
    // The pooled connection was closed by the peer just before we used it, and nothing of an answer
    // came back: the request can go once more, on a new connection.
    auto c = co_await client->connect(origin, connect_timeout);
    if (!c) {
      error = c.error();
      co_return fail(std::move(c).error());
    }
    conn = std::move(*c);
    reused = false;
    error.reset();
    parser.reset();
    request_ended = false;
    pending = std::move(retry_head);
    retry_head.clear();
    co_return co_await readHeadOnce();
  }

  asio::awaitable<Result<Response, ClientError>> readHeadOnce() {
    if (error) co_return fail(*error);
    if (head_read) co_return failWith(ClientErrc::protocol, "readHead() called twice");
    if (framing == RequestFraming::none && !request_ended) {
      auto r = co_await endRequest();
      if (!r) co_return fail(std::move(r).error());
    } else if (!pending.empty()) {  // an early look at the answer before any body was written
      scratch.clear();
      scratch.swap(pending);
      auto r = co_await write(scratch, {}, {});
      if (!r) co_return fail(std::move(r).error());
    }
    for (;;) {
      parser.emplace();
      parser->header_limit(64 * 1024);
      parser->body_limit(body_limit ? boost::optional<std::uint64_t>(*body_limit) : boost::none);
      if (head_request) parser->skip(true);
      arm(response_timeout);
      auto ec = co_await readHeaderRaw();
      conn->deadline->disarm();
      answer_started = answer_started || parser->got_some();
      if (ec) co_return readFailure(ec, false);
      int status = static_cast<int>(parser->get().result_int());
      if (status == 101)
        co_return failWith(ClientErrc::protocol, "101 Switching Protocols was not asked for");
      if (status >= 200) break;
      // 1xx (100 Continue, 103 Early Hints): informational, the final answer follows.
    }
    head_read = true;
    keep_alive = parser->get().keep_alive() && !parser->need_eof();
    response_done = parser->is_done();
    Response r;
    r.status = static_cast<int>(parser->get().result_int());
    r.headers.reserve(16);
    for (const auto& f : parser->get()) r.headers.add(std::string(f.name_string()), std::string(f.value()));
    co_return r;
  }

  asio::awaitable<Result<std::size_t, ClientError>> readBody(std::span<char> out) {
    if (error) co_return fail(*error);
    if (!head_read) co_return failWith(ClientErrc::protocol, "readBody() before readHead()");
    if (response_done) co_return std::size_t{0};
    if (out.empty()) co_return failWith(ClientErrc::protocol, "readBody() needs a non-empty buffer");
    for (;;) {
      auto& body = parser->get().body();
      body.data = out.data();
      body.size = out.size();
      body.more = true;
      arm(idle_timeout);
      auto ec = co_await readSomeRaw();
      conn->deadline->disarm();
      std::size_t got = out.size() - parser->get().body().size;
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        auto failure = readFailure(ec, true);
        if (got > 0) co_return got;  // these bytes first; the error (kept in `error`) on the next call
        co_return failure;
      }
      response_done = parser->is_done();
      if (got > 0 || response_done) co_return got;
    }
  }

  std::optional<std::uint64_t> contentLength() const {
    if (!head_read || !parser || head_request) return std::nullopt;
    int status = static_cast<int>(parser->get().result_int());
    if (statusHasNoBody(status)) return std::nullopt;
    auto cl = parser->content_length();
    return cl ? std::optional<std::uint64_t>(*cl) : std::nullopt;
  }

  // send(): the whole body out, the whole answer in (bounded by body_limit).
  asio::awaitable<Result<Response, ClientError>> exchangeWhole(std::string_view body) {
    if (auto w = co_await writeBody(body); !w) co_return fail(std::move(w).error());
    if (auto e = co_await endRequest(); !e) co_return fail(std::move(e).error());
    auto head = co_await readHead();
    if (!head) co_return fail(std::move(head).error());
    Response resp = std::move(*head);
    if (auto cl = contentLength(); cl && !response_done) {
      resp.body.resize(*cl);  // within body_limit: the parser refused larger ones with the head
      std::size_t at = 0;
      while (!response_done && at < resp.body.size()) {
        auto n = co_await readBody(std::span<char>(resp.body.data() + at, resp.body.size() - at));
        if (!n) co_return fail(std::move(n).error());
        if (*n == 0) break;
        at += *n;
      }
    }
    static constexpr std::size_t kStep = 16 * 1024;
    while (!response_done) {
      std::size_t at = resp.body.size();
      resp.body.resize(at + kStep);
      auto n = co_await readBody(std::span<char>(resp.body.data() + at, kStep));
      if (!n) co_return fail(std::move(n).error());
      resp.body.resize(at + *n);
    }
    co_return resp;
  }
};

namespace {

// A connection (pooled or new) and the request head, ready for the exchange.
asio::awaitable<Result<std::unique_ptr<ClientStream::Impl>, ClientError>> openExchange(
    Client::Impl& client, const Origin& origin, const Request& head, std::optional<std::uint64_t> bodyLength,
    const CallOptions& call) {
  if (!validToken(head.method)) {
    co_return fail(ClientError{ClientErrc::bad_url, "invalid method '" + head.method + "'"});
  }
  if (!validTarget(head.target)) {
    co_return fail(ClientError{ClientErrc::bad_url, "invalid request target '" + head.target + "'"});
  }
  auto ex = co_await asio::this_coro::executor;
  auto& pool = asio::use_service<detail::ClientPool>(asio::query(ex, asio::execution::context));
  auto s = std::make_unique<ClientStream::Impl>();
  s->origin_key = origin.key();
  s->peer = origin.hostHeader();
  s->conn = pool.take(client.id, s->origin_key, client.options.idle_ttl);
  if (s->conn) {
    s->reused = true;
    client.reused.fetch_add(1, std::memory_order_relaxed);
  } else {
    const Millis connectTimeout = call.connect_timeout.value_or(client.options.connect_timeout);
    auto c = co_await client.connect(origin, connectTimeout);  // named arguments only (g++ 12)
    if (!c) co_return fail(std::move(c).error());
    s->conn = std::move(*c);
  }
  s->pool = &pool;
  s->client = &client;
  s->origin = origin;
  s->connect_timeout = call.connect_timeout.value_or(client.options.connect_timeout);
  s->client_id = client.id;
  s->max_idle = client.options.max_idle_per_origin;
  s->response_timeout = call.response_timeout.value_or(client.options.read_timeout);
  s->idle_timeout = call.idle_timeout.value_or(client.options.read_timeout);
  s->head_request = head.method == "HEAD";
  if (bodyLength && (*bodyLength > 0 || carriesBody(head.method))) {
    s->framing = RequestFraming::content_length;
    s->declared = *bodyLength;
  } else if (!bodyLength && carriesBody(head.method)) {
    s->framing = RequestFraming::chunked;
  }
  // Invalid header fields (CR, LF, NUL, bad names) are dropped rather than sent.
  (void)serializeRequestHead(head, s->peer, s->framing, s->declared, s->pending);
  if (s->framing == RequestFraming::none && idempotent(head.method)) s->retry_head = s->pending;
  co_return s;
}

}  // namespace

ClientStream::ClientStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClientStream::~ClientStream() = default;

asio::awaitable<Result<void, ClientError>> ClientStream::writeBody(std::string_view bytes) {
  return impl_->writeBody(bytes);
}
asio::awaitable<Result<void, ClientError>> ClientStream::endRequest() {
  return impl_->endRequest();
}
asio::awaitable<Result<Response, ClientError>> ClientStream::readHead() {
  return impl_->readHead();
}
asio::awaitable<Result<std::size_t, ClientError>> ClientStream::readBody(std::span<char> out) {
  return impl_->readBody(out);
}
std::optional<std::uint64_t> ClientStream::contentLength() const {
  return impl_->contentLength();
}
bool ClientStream::reusedConnection() const {
  return impl_->reused;
}

asio::awaitable<Result<std::unique_ptr<ClientStream>, ClientError>> Client::open(
    const Origin& origin, Request head, std::optional<std::uint64_t> request_body_length,
    CallOptions options) {
  auto s = co_await openExchange(*impl_, origin, head, request_body_length, options);
  if (!s) co_return fail(std::move(s).error());
  co_return std::make_unique<ClientStream>(std::move(*s));
}

asio::awaitable<Result<Response, ClientError>> Client::send(const Origin& origin, Request req) {
  CallOptions call;
  call.connect_timeout = impl_->options.connect_timeout;
  for (int attempt = 0;; ++attempt) {
    const std::optional<std::uint64_t> length = req.body.size();
    auto opened = co_await openExchange(*impl_, origin, req, length, call);
    if (!opened) co_return fail(std::move(opened).error());
    auto& exchange = **opened;
    exchange.hard_deadline = SteadyClock::now() + impl_->options.read_timeout;
    exchange.body_limit = impl_->options.max_response_bytes;
    exchange.retry_head.clear();  // retried below, body included
    auto result = co_await exchange.exchangeWhole(req.body);
    if (result) co_return std::move(result);
    // A pooled connection the peer closed just before we used it: safe to retry only if nothing of an
    // answer came back and repeating the request cannot do anything twice.
    auto code = result.error().code;
    bool stale = exchange.reused && !exchange.answer_started &&
                 (code == ClientErrc::closed || code == ClientErrc::write_failed);
    if (attempt == 0 && stale && idempotent(req.method)) continue;
    co_return std::move(result);
  }
}

}  // namespace sportello::http
