// The server's BodyReader and ResponseWriter (stream.hpp) over one connection's stream, used only by
// connection.cpp. Both run on the connection's thread and share its deadline; the connection loop owns
// them for the length of one request and reads their state once the handler has returned.
#pragma once

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/config/config.hpp"
#include "core/http/detail/deadline.hpp"
#include "core/http/stream.hpp"
#include "core/http/wire.hpp"

namespace sportello::http::detail {

using StreamParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

template <class Stream>
class ConnBodyReader final : public BodyReader {
 public:
  // `expect_continue`: the request asked for 100-continue, which the first read() sends (unless a final
  // head went out already, see head_written).
  ConnBodyReader(Stream& stream, boost::beast::flat_buffer& buf, StreamParser& parser, Deadline& deadline,
                 const config::Limits& limits, bool expect_continue)
      : stream_(stream),
        buf_(buf),
        parser_(parser),
        deadline_(deadline),
        limits_(limits),
        continue_pending_(expect_continue && !parser.is_done()),
        has_body_(!parser.is_done()) {}

  void watchWriter(const ResponseWriter* w) { writer_ = w; }

  std::optional<std::uint64_t> contentLength() const override {
    auto cl = parser_.content_length();
    return cl ? std::optional<std::uint64_t>(*cl) : std::nullopt;
  }
  bool hasBody() const override { return has_body_; }

  boost::asio::awaitable<Result<std::size_t, StreamError>> read(std::span<char> out) override {
    if (error_) co_return fail(*error_);
    if (parser_.is_done()) co_return std::size_t{0};
    if (out.empty()) co_return fail(StreamError{"malformed", "read() needs a non-empty buffer"});
    if (continue_pending_ && (writer_ == nullptr || !writer_->headWritten())) {
      continue_pending_ = false;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      deadline_.arm(limits_.write_timeout);
      auto [ec, n] = co_await boost::asio::async_write(stream_, boost::asio::buffer(kContinue), nothrow());
      deadline_.disarm();
      if (ec) {
        error_ = StreamError{"closed", "writing 100 Continue: " + ec.message()};
        co_return fail(*error_);
      }
    }
    continue_pending_ = false;
    for (;;) {
      auto& body = parser_.get().body();
      body.data = out.data();
      body.size = out.size();
      body.more = true;
      deadline_.arm(limits_.body_timeout);
      auto [ec, n] = co_await boost::beast::http::async_read_some(stream_, buf_, parser_, nothrow());
      deadline_.disarm();
      bytes_in_ += n;
      std::size_t got = out.size() - parser_.get().body().size;
      body_bytes_ += got;
      if (ec == boost::beast::http::error::need_buffer) ec = {};
      if (ec) {
        error_ = classify(ec);
        if (got > 0) co_return got;  // the bytes before the error first; the error on the next call
        co_return fail(*error_);
      }
      if (got > 0 || parser_.is_done()) co_return got;
    }
  }

  // Reads and discards what is left of the body, if that is at most `bound` bytes of a Content-Length
  // body whose sender was not still waiting for 100 Continue. False when it could not (then the
  // connection must close).
  boost::asio::awaitable<bool> drain(std::uint64_t bound) {
    if (done()) co_return true;
    if (!drainable(bound)) co_return false;
    std::array<char, 16 * 1024> sink;
    while (!done()) {
      auto r = co_await read(sink);
      if (!r) co_return false;
    }
    co_return true;
  }

  bool drainable(std::uint64_t bound) const {
    if (done()) return true;
    if (error_ || continue_pending_ || parser_.chunked()) return false;
    auto left = parser_.content_length_remaining();
    return left && *left <= bound;
  }

  bool done() const { return !error_ && parser_.is_done(); }
  bool continuePending() const { return continue_pending_; }
  const std::optional<StreamError>& error() const { return error_; }
  std::uint64_t bytesIn() const { return bytes_in_; }  // as on the wire, chunk framing included

 private:
  static constexpr auto nothrow() { return boost::asio::as_tuple(boost::asio::use_awaitable); }

  StreamError classify(const boost::system::error_code& ec) const {
    namespace bhttp = boost::beast::http;
    if (deadline_.expired()) return {"body_timeout", "no body bytes for " + ms(limits_.body_timeout)};
    if (ec == bhttp::error::body_limit) return {"body_too_large", "body over the route's limit"};
    if (ec == boost::asio::error::eof || ec == bhttp::error::end_of_stream ||
        ec == bhttp::error::partial_message || ec == boost::asio::error::connection_reset ||
        ec == boost::asio::ssl::error::stream_truncated || ec == boost::asio::error::operation_aborted) {
      return {"closed", "client closed the connection: " + ec.message()};
    }
    return {"malformed", "malformed body: " + ec.message()};
  }
  static std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

  Stream& stream_;
  boost::beast::flat_buffer& buf_;
  StreamParser& parser_;
  Deadline& deadline_;
  const config::Limits& limits_;
  const ResponseWriter* writer_ = nullptr;
  bool continue_pending_;
  bool has_body_;
  std::optional<StreamError> error_;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t body_bytes_ = 0;
};

// What the writer needs to know of the request and the server.
struct WriterContext {
  unsigned version = 11;
  bool head_request = false;
  std::string_view request_id;
  std::int64_t hsts_max_age = 0;
  std::chrono::milliseconds write_timeout{0};
  std::string_view (*date)() = nullptr;
  std::function<bool()> close_wanted;                      // asked when the head is written
  std::function<void(const std::string&)> header_dropped;  // an invalid header the handler set
};

template <class Stream>
class ConnResponseWriter final : public ResponseWriter {
 public:
  ConnResponseWriter(Stream& stream, Deadline& deadline, WriterContext ctx)
      : stream_(stream), deadline_(deadline), ctx_(std::move(ctx)) {}

  boost::asio::awaitable<bool> writeHead(const Response& head,
                                         std::optional<std::uint64_t> content_length) override {
    if (head_written_ || failed_ || head.status < 200 || head.status > 999) co_return false;
    using Framing = WireOptions::Framing;
    WireOptions o;
    o.version = ctx_.version;
    o.head = ctx_.head_request;
    o.date = ctx_.date();
    o.request_id = ctx_.request_id;
    o.hsts_max_age = ctx_.hsts_max_age;
    no_body_ = ctx_.head_request || statusHasNoBody(head.status);
    if (content_length) {
      o.framing = Framing::content_length;
      o.content_length = *content_length;
      declared_ = content_length;
    } else if (ctx_.version >= 11) {
      o.framing = Framing::chunked;
      chunked_ = true;
    } else {
      o.framing = Framing::until_close;
    }
    bool untilClose = o.framing == Framing::until_close && !no_body_;
    close_ = head.close || untilClose || (ctx_.close_wanted && ctx_.close_wanted());
    o.close = close_;
    wire_.clear();
    for (const auto& name : serializeResponse(head, o, wire_)) {
      if (ctx_.header_dropped) ctx_.header_dropped(name);
    }
    status_ = head.status;
    // The head waits in wire_ for the first piece of body (or finish()), so that a small answer leaves
    // in one write and one TLS record: Asio's TLS stream writes each buffer of a sequence separately.
    head_written_ = true;
    head_pending_ = true;
    co_return true;
  }

  boost::asio::awaitable<bool> writeBody(std::string_view bytes) override {
    if (!head_written_ || finished_ || failed_) co_return false;
    if (bytes.empty()) co_return true;
    if (declared_ && bytes.size() > *declared_ - written_) {
      failed_ = true;  // past the declared length: the answer can no longer be framed correctly
      co_return false;
    }
    written_ += bytes.size();
    if (no_body_) co_return true;  // HEAD, 204, 304: accepted and discarded (finish() sends the head)
    // wire_ holds the pending head, if any. Small pieces travel with it and their framing in one buffer
    // (one TLS record); large ones are sent as they are, since they span several records anyway.
    if (!head_pending_) wire_.clear();
    head_pending_ = false;
    if (!chunked_) {
      if (bytes.size() <= kCopyBelow) {
        wire_.append(bytes);
        co_return co_await send(wire_, {});
      }
      co_return co_await send(wire_, bytes);
    }
    appendChunkSize(wire_, bytes.size());
    if (bytes.size() <= kCopyBelow) {
      wire_.append(bytes);
      wire_ += "\r\n";
      co_return co_await send(wire_, {});
    }
    co_return co_await send(wire_, bytes, true);
  }

  boost::asio::awaitable<bool> finish() override {
    if (!head_written_ || failed_) co_return false;
    if (finished_) co_return true;
    if (declared_ && written_ != *declared_) {
      failed_ = true;
      co_return false;
    }
    if (!head_pending_) wire_.clear();
    head_pending_ = false;
    if (chunked_ && !no_body_) wire_ += "0\r\n\r\n";
    if (!wire_.empty()) {
      const bool sent = co_await send(wire_, {});
      if (!sent) co_return false;
    }
    finished_ = true;
    co_return true;
  }

  bool headWritten() const override { return head_written_; }
  bool finished() const { return finished_; }
  bool failed() const { return failed_; }
  bool closeAfter() const { return close_; }
  int status() const { return status_; }
  std::uint64_t bytesOut() const { return bytes_out_; }

 private:
  static constexpr std::size_t kCopyBelow = 16 * 1024;

  // Writes a, then b, then "\r\n" when `crlf`; false (and failed) on error.
  boost::asio::awaitable<bool> send(std::string_view a, std::string_view b, bool crlf = false) {
    static constexpr std::string_view kCrlf = "\r\n";
    std::array<boost::asio::const_buffer, 3> bufs{boost::asio::buffer(a), boost::asio::buffer(b),
                                                  boost::asio::buffer(crlf ? kCrlf : std::string_view())};
    deadline_.arm(ctx_.write_timeout);
    auto [ec, n] =
        co_await boost::asio::async_write(stream_, bufs, boost::asio::as_tuple(boost::asio::use_awaitable));
    deadline_.disarm();
    bytes_out_ += n;
    if (ec) failed_ = true;
    co_return !ec;
  }

  Stream& stream_;
  Deadline& deadline_;
  WriterContext ctx_;
  std::string wire_;
  bool head_written_ = false, finished_ = false, failed_ = false, close_ = false;
  bool head_pending_ = false;  // serialised in wire_, not sent yet
  bool no_body_ = false, chunked_ = false;
  std::optional<std::uint64_t> declared_;
  std::uint64_t written_ = 0;
  std::uint64_t bytes_out_ = 0;
  int status_ = 0;
};

}  // namespace sportello::http::detail
