// One connection's life: TLS detection and handshake, then requests read, checked, routed and answered
// in order until the peer, a limit or shutdown ends it.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>

#include "core/http/detail/server_impl.hpp"
#include "core/http/detail/stream_io.hpp"
#include "core/http/redact.hpp"
#include "core/http/request_head.hpp"
#include "core/http/wire.hpp"

namespace sportello::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using detail::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;

bool saneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string newRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[static_cast<std::size_t>(i)] = hex[v & 0xF];
    v >>= 4;
  }
  return id;
}

// RFC 9110 IMF-fixdate, formatted once per second per thread.
std::string_view httpDate() {
  thread_local std::time_t last = 0;
  thread_local char buf[32];
  std::time_t now = std::time(nullptr);
  if (now != last) {
    last = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return buf;
}

boost::optional<std::uint64_t> toBoost(std::optional<std::uint64_t> v) {
  return v ? boost::optional<std::uint64_t>(*v) : boost::none;
}

std::string remoteIp(const tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string();
}

}  // namespace

namespace {

// The HTTP loop over a plain or TLS stream. `sock` is the TCP socket underneath (for deadlines and
// half-closes).
template <class Stream>
class HttpLoop {
 public:
  HttpLoop(Server::Impl& s, detail::ListenerState& ls, detail::ConnectionState& cs, Stream& stream,
           tcp::socket& sock, beast::flat_buffer& buf, bool tls)
      : s_(s), ls_(ls), cs_(cs), stream_(stream), sock_(sock), buf_(buf), tls_(tls), remote_(remoteIp(sock)) {
    boost::system::error_code ec;
    auto ep = sock.remote_endpoint(ec);
    if (!ec) remote_port_ = ep.port();
  }

  // Returns true when the connection should be closed gracefully (TLS close_notify), false when it is
  // already gone or was refused (the caller only closes the socket).
  asio::awaitable<bool> run() {
    const auto& lim = s_.options.limits;
    auto& dl = *cs_.deadline;
    for (;;) {
      // Idle: wait for the first byte of the next request (unless pipelined bytes are already here).
      cs_.idle = true;
      while (buf_.size() == 0) {
        if (s_.draining) {
          dl.arm(s_.options.drain_idle);
        } else {
          dl.arm(lim.idle_timeout);
        }
        auto [ec, n] = co_await stream_.async_read_some(buf_.prepare(kReadChunk), nothrow);
        if (ec) co_return false;  // idle timeout, peer gone, or shutdown
        buf_.commit(n);
      }
      cs_.idle = false;
      started_ = Clock::now();
      bytes_in_ = 0;

      // Header block, scanned strictly before Beast sees it (Beast would fold obs-fold silently).
      dl.arm(lim.header_timeout);
      std::size_t scanned = 0, headerEnd = 0;
      Refusal why{};
      for (;;) {
        auto data = std::string_view(static_cast<const char*>(buf_.data().data()), buf_.size());
        // Empty lines before a request line are allowed (RFC 9112 2.2): some clients send CRLF after a body.
        if (scanned == 0) {
          std::size_t skip = 0;
          while (skip + 1 < data.size() && data[skip] == '\r' && data[skip + 1] == '\n') skip += 2;
          if (skip > 0) {
            buf_.consume(skip);
            continue;
          }
        }
        auto r = scanHeaderBlock(data, scanned, headerEnd, why);
        if (r == Scan::complete) break;
        if (r == Scan::bad) {
          refusal_ = why;
          co_return co_await refuse();
        }
        if (data.size() > lim.max_header_bytes) {
          refusal_ =
              Refusal{431, "header_too_large",
                      "request line and headers exceed " + std::to_string(lim.max_header_bytes) + " bytes"};
          co_return co_await refuse();
        }
        auto [ec, n] = co_await stream_.async_read_some(buf_.prepare(kReadChunk), nothrow);
        if (ec) {
          if (dl.expired()) {
            refusal_ = Refusal{408, "header_timeout", "headers not received in time"};
            co_return co_await refuse();
          }
          co_return false;
        }
        buf_.commit(n);
      }
      if (headerEnd > lim.max_header_bytes) {
        refusal_ =
            Refusal{431, "header_too_large",
                    "request line and headers exceed " + std::to_string(lim.max_header_bytes) + " bytes"};
        co_return co_await refuse();
      }

      // The head alone first: routing decides how the body is read (whole, or streamed to the handler),
      // and under which limit. Beast checks the limit against Content-Length only while parsing the head,
      // so the head is parsed without one and the checks below are ours.
      bhttp::request_parser<bhttp::empty_body> head;
      head.header_limit(static_cast<std::uint32_t>(lim.max_header_bytes + 4));
      head.body_limit(boost::none);
      boost::system::error_code pec;
      std::size_t used = head.put(asio::buffer(buf_.data().data(), headerEnd), pec);
      if (pec || !head.is_header_done()) {
        refusal_ = Refusal{400, "malformed", "malformed request: " + pec.message()};
        co_return co_await refuse();
      }
      buf_.consume(used);
      bytes_in_ = used;
      if (auto bad = checkFraming(head.get()); bad) {
        refusal_ = std::move(*bad);
        co_return co_await refuse();
      }

      Request req = toRequest(head.get());
      bool keepAlive = head.get().keep_alive();
      auto match = s_.router->match(req.method, req.path());
      const StreamRoute* streamRoute =
          match.route ? std::get_if<StreamRoute>(&match.route->handler) : nullptr;
      std::optional<std::uint64_t> limit = lim.max_body_bytes;  // none: no limit (stream routes only)
      if (streamRoute) {
        limit = streamRoute->options.max_body_bytes.value_or(lim.max_body_bytes);
        if (*limit == 0) limit.reset();
      }
      if (auto cl = head.content_length(); cl && limit && *cl > *limit) {
        refusal_ = Refusal{413, "body_too_large",
                           "body of " + std::to_string(*cl) + " bytes exceeds " + std::to_string(*limit)};
        co_return co_await refuse();
      }
      bool expectContinue = false;
      if (!head.is_done()) {
        auto expect = head.get()[bhttp::field::expect];
        if (!expect.empty()) {
          if (!beast::iequals(expect, "100-continue")) {
            refusal_ = Refusal{417, "expectation", "only Expect: 100-continue is supported"};
            co_return co_await refuse();
          }
          expectContinue = true;
        }
      }

      if (streamRoute) {
        auto next = co_await serveStream(head, req, match, *streamRoute, limit, keepAlive, expectContinue);
        if (next == Next::close_gracefully) co_return true;
        if (next == Next::close_now) co_return false;
        continue;
      }

      bhttp::request_parser<bhttp::string_body> parser(std::move(head));
      parser.body_limit(toBoost(limit));
      if (!parser.is_done()) {
        if (expectContinue) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          dl.arm(lim.write_timeout);
          auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(kContinue), nothrow);
          if (ec) co_return false;
        }
        dl.arm(lim.body_timeout);
        auto [ec, n] = co_await bhttp::async_read(stream_, buf_, parser, nothrow);
        bytes_in_ += n;
        if (ec == bhttp::error::body_limit) {
          refusal_ =
              Refusal{413, "body_too_large", "body exceeds " + std::to_string(lim.max_body_bytes) + " bytes"};
          co_return co_await refuse();
        }
        if (ec) {
          if (dl.expired()) {
            refusal_ = Refusal{408, "body_timeout", "body not received in time"};
            co_return co_await refuse();
          }
          if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
              ec == asio::error::connection_reset) {
            co_return false;
          }
          refusal_ = Refusal{400, "malformed", "malformed body: " + ec.message()};
          co_return co_await refuse();
        }
      }
      dl.disarm();

      req.body = std::move(parser.get().body());
      auto [resp, stats] = co_await dispatch(req, match);
      bool close = resp.close || !keepAlive || s_.draining;
      if (!co_await write(req, resp, stats, close)) co_return false;
      if (close) co_return true;
    }
  }

 private:
  enum class Next { keep_going, close_gracefully, close_now };
  // What is left of a body a stream handler did not read is drained when at most this much; more, and
  // the connection closes instead (reading megabytes nobody wants only delays the next request).
  static constexpr std::uint64_t kDrainBound = 64 * 1024;

  // A stream route: the handler reads the body and may write the answer itself (stream.hpp).
  asio::awaitable<Next> serveStream(bhttp::request_parser<bhttp::empty_body>& head, Request& req,
                                    Router::Match& match, const StreamRoute& route,
                                    std::optional<std::uint64_t> limit, bool keepAlive, bool expectContinue) {
    const auto& lim = s_.options.limits;
    req.route = match.route->name;
    req.params = std::move(match.params);
    auto* stats = s_.route_stats[match.route->id].get();
    detail::StreamParser parser(std::move(head));
    parser.body_limit(toBoost(limit));
    detail::ConnBodyReader<Stream> reader(stream_, buf_, parser, *cs_.deadline, lim, expectContinue);
    detail::WriterContext wc;
    wc.version = req.version;
    wc.head_request = req.method == "HEAD";
    wc.request_id = req.request_id;
    wc.hsts_max_age = tls_ ? s_.options.hsts_max_age : 0;
    wc.write_timeout = lim.write_timeout;
    wc.date = &httpDate;
    // A client still waiting for 100 Continue will not send the body, so the connection cannot be reused.
    wc.close_wanted = [&] { return !keepAlive || s_.draining || reader.continuePending(); };
    wc.header_dropped = [&](const std::string& name) {
      s_.log->error("response_header_dropped", {{"request_id", req.request_id},
                                                {"route", req.route},
                                                {"header", name},
                                                {"rule", "header_injection"}});
    };
    detail::ConnResponseWriter<Stream> writer(stream_, *cs_.deadline, std::move(wc));
    reader.watchWriter(&writer);

    std::optional<Response> answer;
    bool threw = false;
    try {
      answer = co_await route.handler(req, reader, writer);
    } catch (const std::exception& e) {
      threw = true;
      s_.log->error("handler_exception",
                    {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    } catch (...) {
      threw = true;
      s_.log->error("handler_exception", {{"request_id", req.request_id}, {"route", req.route}});
    }
    cs_.deadline->disarm();

    if (!writer.headWritten()) {
      bytes_in_ += reader.bytesIn();
      if (const auto& e = reader.error(); e) {
        if (e->rule == "closed") co_return Next::close_now;
        // The front door's own answer, as for a body read whole.
        if (e->rule == "body_timeout") {
          refusal_ = Refusal{408, "body_timeout", e->message};
        } else if (e->rule == "body_too_large") {
          refusal_ = Refusal{413, "body_too_large", e->message};
        } else {
          refusal_ = Refusal{400, "malformed", e->message};
        }
        co_await refuse();
        co_return Next::close_now;
      }
      if (threw || !answer) {
        if (!threw) {
          s_.log->error("stream_handler_no_answer", {{"request_id", req.request_id}, {"route", req.route}});
        }
        answer = Response::error(500, "internal_error", "internal error");
      }
      bool drainable = reader.drainable(kDrainBound);
      bool close = answer->close || !keepAlive || s_.draining || !drainable;
      auto [ec, n] = co_await send(req, *answer, close);
      if (!ec && !reader.done() && drainable) {
        std::uint64_t before = reader.bytesIn();
        if (!co_await reader.drain(kDrainBound)) close = true;
        bytes_in_ += reader.bytesIn() - before;
      }
      record(req, stats, answer->status, n, ec ? ec.message() : std::string());
      if (ec) co_return Next::close_now;
      if (!reader.done()) {
        co_await linger();
        co_return Next::close_now;
      }
      co_return close ? Next::close_gracefully : Next::keep_going;
    }

    // The handler answered through the writer.
    if (answer) {
      s_.log->error("stream_handler_misuse", {{"request_id", req.request_id},
                                              {"route", req.route},
                                              {"error", "returned a response after writing a head"}});
    }
    bool complete = writer.finished() && !writer.failed() && !threw;
    bool close = !complete || writer.closeAfter() || s_.draining;
    if (complete && !reader.done()) {
      if (!co_await reader.drain(kDrainBound)) close = true;
    }
    bytes_in_ += reader.bytesIn();
    std::string error;
    if (!complete) {
      error = writer.failed() ? "response write failed" : "handler did not finish the response";
    }
    record(req, stats, writer.status(), writer.bytesOut(), error);
    // An unfinished answer is cut without TLS close_notify, so that the client sees it truncated.
    if (!complete) co_return Next::close_now;
    if (!reader.done()) {
      co_await linger();
      co_return Next::close_now;
    }
    co_return close ? Next::close_gracefully : Next::keep_going;
  }

  std::optional<Refusal> checkFraming(const bhttp::request_header<>& m) {
    std::size_t contentLengths = 0, transferEncodings = 0, hosts = 0;
    for (const auto& f : m) {
      if (f.name() == bhttp::field::content_length) ++contentLengths;
      if (f.name() == bhttp::field::transfer_encoding) {
        ++transferEncodings;
        if (!beast::iequals(f.value(), "chunked")) {
          return Refusal{400, "transfer_coding", "only Transfer-Encoding: chunked is accepted"};
        }
      }
      if (f.name() == bhttp::field::host) ++hosts;
    }
    if (contentLengths > 1) return Refusal{400, "duplicate_content_length", "more than one Content-Length"};
    if (transferEncodings > 1) return Refusal{400, "transfer_coding", "more than one Transfer-Encoding"};
    if (transferEncodings > 0 && contentLengths > 0) {
      return Refusal{400, "content_length_with_transfer_encoding",
                     "Content-Length together with Transfer-Encoding"};
    }
    if (transferEncodings > 0 && m.version() < 11) {
      return Refusal{400, "transfer_coding", "Transfer-Encoding in an HTTP/1.0 request"};
    }
    if (m.version() >= 11 && hosts != 1)
      return Refusal{400, "host", hosts == 0 ? "missing Host" : "more than one Host"};
    auto target = m.target();
    if (target.empty() || (target.front() != '/' && !(target == "*" && m.method() == bhttp::verb::options))) {
      return Refusal{400, "target", "request target must be an absolute path"};
    }
    return std::nullopt;
  }

  // The request head; the body is filled in once read (never, for stream routes).
  Request toRequest(const bhttp::request_header<>& m) {
    Request r;
    r.method = std::string(m.method_string());
    r.target = std::string(m.target());
    r.version = m.version();
    r.headers.reserve(16);
    for (const auto& f : m) r.headers.add(std::string(f.name_string()), std::string(f.value()));
    r.remote_ip = remote_;
    r.remote_port = remote_port_;
    r.tls = tls_;
    r.listener = ls_.spec.name;
    auto incoming = r.headers.get("X-Request-Id");
    r.request_id = incoming && saneRequestId(*incoming) ? std::string(*incoming) : newRequestId();
    return r;
  }

  asio::awaitable<std::pair<Response, detail::RouteStats*>> dispatch(Request& req, Router::Match& m) {
    if (m.route == nullptr) {
      Response r = m.status == 405 ? Response::error(405, "method_not_allowed", "method not allowed here")
                                   : Response::error(404, "not_found", "no such resource");
      if (m.status == 405) r.headers.set("Allow", m.allow);
      co_return std::make_pair(std::move(r), &s_.unmatchedStats());
    }
    req.route = m.route->name;
    req.params = std::move(m.params);
    auto* stats = s_.route_stats[m.route->id].get();
    // Handlers return errors as responses; an exception here is a bug, answered 500 and logged loudly
    // rather than taking the connection (or the process) down.
    try {
      if (auto* h = std::get_if<Handler>(&m.route->handler)) co_return std::make_pair((*h)(req), stats);
      Response r = co_await std::get<AsyncHandler>(m.route->handler)(req);
      co_return std::make_pair(std::move(r), stats);
    } catch (const std::exception& e) {
      s_.log->error("handler_exception",
                    {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    } catch (...) {
      s_.log->error("handler_exception", {{"request_id", req.request_id}, {"route", req.route}});
    }
    co_return std::make_pair(Response::error(500, "internal_error", "internal error"), stats);
  }

  // Writes `resp`, counts and logs it; false if the connection failed.
  asio::awaitable<bool> write(const Request& req, Response& resp, detail::RouteStats* stats, bool close) {
    auto [ec, n] = co_await send(req, resp, close);
    record(req, stats, resp.status, n, ec ? ec.message() : std::string());
    co_return !ec;
  }

  asio::awaitable<std::pair<boost::system::error_code, std::size_t>> send(const Request& req,
                                                                          const Response& resp, bool close) {
    // Bodies up to kInlineBody travel in the same buffer as the head (one TLS record); larger ones go
    // as a second buffer rather than being copied.
    static constexpr std::size_t kInlineBody = 16 * 1024;
    WireOptions o;
    o.version = req.version;
    o.close = close;
    o.head = req.method == "HEAD";
    o.include_body = resp.body.size() <= kInlineBody;
    o.date = httpDate();
    o.request_id = req.request_id;
    o.hsts_max_age = tls_ ? s_.options.hsts_max_age : 0;
    wire_.clear();
    auto dropped = serializeResponse(resp, o, wire_);
    for (const auto& name : dropped) {
      s_.log->error("response_header_dropped", {{"request_id", req.request_id},
                                                {"route", req.route},
                                                {"header", name},
                                                {"rule", "header_injection"}});
    }
    bool separateBody = !o.include_body && !o.head && !statusHasNoBody(resp.status);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(wire_), asio::buffer(resp.body)};
    cs_.deadline->arm(s_.options.limits.write_timeout);
    boost::system::error_code ec;
    std::size_t n = 0;
    if (separateBody) {  // if/else, not ?: around co_await (g++ 12, see README)
      std::tie(ec, n) = co_await asio::async_write(stream_, buffers, nothrow);
    } else {
      std::tie(ec, n) = co_await asio::async_write(stream_, asio::buffer(wire_), nothrow);
    }
    cs_.deadline->disarm();
    co_return std::make_pair(ec, n);
  }

  // Counts the answer in the route's metrics and writes the access log line.
  void record(const Request& req, detail::RouteStats* stats, int status, std::uint64_t bytesOut,
              const std::string& error) {
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    s_.count(*stats, status, seconds);
    if (s_.options.access_log) {
      auto ua = req.headers.get("User-Agent");
      s_.log->info("access", {{"request_id", req.request_id},
                              {"listener", ls_.spec.name},
                              {"remote", remote_},
                              {"method", req.method},
                              {"target", redactTarget(req.target)},
                              {"route", req.route},
                              {"status", status},
                              {"bytes_in", static_cast<std::uint64_t>(bytes_in_)},
                              {"bytes_out", bytesOut},
                              {"duration_ms", seconds * 1000.0},
                              {"user_agent", ua ? *ua : std::string_view()},
                              {"error", error}});
    }
  }

  // Answers a request that will not reach a handler, then closes. The peer may still be sending (a body
  // over the limit): we half-close and drain briefly, because closing a socket with unread data sends
  // a reset that can destroy the answer before the client has read it.
  // g++ 12 destroys temporaries passed into a co_await expression twice, so the refusal travels in
  // refusal_ rather than as an argument.
  asio::awaitable<bool> refuse() {
    const Refusal& r = refusal_;
    s_.log->warn("request_refused", {{"listener", ls_.spec.name},
                                     {"remote", remote_},
                                     {"rule", r.rule},
                                     {"status", r.status},
                                     {"message", r.message}});
    std::string requestId = newRequestId();
    Response resp = Response::error(r.status, r.rule, r.message);
    if (started_ == Clock::time_point{}) started_ = Clock::now();
    WireOptions o;
    o.close = true;
    o.date = httpDate();
    o.request_id = requestId;
    o.hsts_max_age = tls_ ? s_.options.hsts_max_age : 0;
    wire_.clear();
    serializeResponse(resp, o, wire_);
    cs_.deadline->arm(s_.options.limits.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(wire_), nothrow);
    s_.count(s_.refusedStats(), r.status, std::chrono::duration<double>(Clock::now() - started_).count());
    if (ec) co_return false;
    // On TLS no close_notify is sent here: the answer is complete (Content-Length), and a slow or
    // hostile peer must not hold the connection open for a TLS shutdown exchange.
    co_await linger();
    co_return false;
  }

  // Before closing on a peer that may still be sending: half-close, then read and discard briefly.
  asio::awaitable<void> linger() {
    boost::system::error_code ignored;
    sock_.shutdown(tcp::socket::shutdown_send, ignored);
    cs_.deadline->arm(std::chrono::seconds(1));
    std::array<char, 4096> sink;
    for (std::size_t drained = 0; drained < 256 * 1024;) {
      auto [rec, rn] = co_await sock_.async_read_some(asio::buffer(sink), nothrow);
      if (rec) break;
      drained += rn;
    }
  }

  Server::Impl& s_;
  detail::ListenerState& ls_;
  detail::ConnectionState& cs_;
  Stream& stream_;
  tcp::socket& sock_;
  beast::flat_buffer& buf_;
  bool tls_;
  std::string remote_;
  std::uint16_t remote_port_ = 0;
  Clock::time_point started_{};
  std::size_t bytes_in_ = 0;
  Refusal refusal_{};
  std::string wire_;  // the serialised response; keeps its capacity across the connection's requests
};

}  // namespace

namespace {

// Unregisters the connection and closes its socket however the coroutine ends (return, exception or
// cancellation at the end of the grace period).
struct ConnectionGuard {
  detail::IoContext& ctx;
  detail::ConnectionState& cs;
  tcp::socket& sock;
  ~ConnectionGuard() {
    cs.deadline->release();
    ctx.connections.erase(&cs);
    boost::system::error_code ec;
    sock.close(ec);
  }
};

}  // namespace

asio::awaitable<void> Server::Impl::runConnection(detail::IoContext& ctx, detail::ListenerState& ls,
                                                  tcp::socket socket,
                                                  std::shared_ptr<asio::cancellation_signal> cancel) {
  detail::ConnectionState cs;
  cs.cancel = std::move(cancel);
  beast::flat_buffer buf;
  const auto& lim = options.limits;

  // A cut at the end of the grace period cancels whatever the connection waits on (terminal
  // cancellation), which surfaces as operation_aborted: an expected end, not a crash.
  try {
    if (!ls.spec.tls) {
      cs.deadline = std::make_shared<detail::Deadline>(socket.get_executor(), &socket);
      ctx.connections.insert(&cs);
      ConnectionGuard guard{ctx, cs, socket};
      HttpLoop<tcp::socket> loop(*this, ls, cs, socket, socket, buf, false);
      if (co_await loop.run()) {
        boost::system::error_code ec;
        socket.shutdown(tcp::socket::shutdown_send, ec);
      }
      co_return;
    }

    asio::ssl::stream<tcp::socket> ssl(std::move(socket), *ls.tls_context);
    tcp::socket& sock = ssl.next_layer();
    cs.deadline = std::make_shared<detail::Deadline>(sock.get_executor(), &sock);
    ctx.connections.insert(&cs);
    ConnectionGuard guard{ctx, cs, sock};

    // The first bytes decide: a TLS ClientHello, or someone speaking plain HTTP to an HTTPS port.
    cs.deadline->arm(lim.header_timeout);
    cs.idle = false;
    auto [dec, isTls] = co_await beast::async_detect_ssl(sock, buf, nothrow);
    if (dec) co_return;
    if (!isTls) {
      if (buf.size() > 0 &&
          std::isalpha(static_cast<unsigned char>(*static_cast<const char*>(buf.data().data())))) {
        static constexpr std::string_view kPlain =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
            "Content-Length: 46\r\n\r\nThis port speaks HTTPS: use https:// instead.\n";
        co_await asio::async_write(sock, asio::buffer(kPlain), nothrow);
        log->warn("request_refused",
                  {{"listener", ls.spec.name}, {"rule", "plain_http_on_tls"}, {"status", 400}});
      }
      co_return;
    }
    auto [hec, used] = co_await ssl.async_handshake(asio::ssl::stream_base::server, buf.data(), nothrow);
    if (hec) {
      ls.tls_failed->inc();
      log->info("tls_handshake_failed",
                {{"listener", ls.spec.name}, {"remote", remoteIp(sock)}, {"error", hec.message()}});
      co_return;
    }
    ls.tls_ok->inc();
    buf.consume(used);

    HttpLoop<asio::ssl::stream<tcp::socket>> loop(*this, ls, cs, ssl, sock, buf, true);
    if (co_await loop.run()) {
      // close_notify, bounded: a client that never answers it must not hold the connection.
      cs.deadline->arm(std::chrono::seconds(1));
      // stream_truncated / eof here only mean the peer closed without its own close_notify: benign.
      co_await ssl.async_shutdown(nothrow);
    }
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) throw;
    log->info("connection_cut", {{"listener", ls.spec.name}, {"reason", "shutdown grace expired"}});
  }
}

}  // namespace sportello::http
