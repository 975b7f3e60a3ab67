// A connection's watchdog: one steady_timer per connection whose expiry cancels (not closes) the socket,
// so that the connection coroutine sees operation_aborted, knows the deadline passed, and can still
// answer 408 before closing. Moving the deadline only stores a time point; the timer is re-armed only
// when the deadline moves earlier than the pending wait, which keeps the per-request cost to a clock read.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace sportello::http::detail {

class Deadline : public std::enable_shared_from_this<Deadline> {
 public:
  using clock = std::chrono::steady_clock;

  Deadline(const boost::asio::any_io_executor& ex, boost::asio::ip::tcp::socket* socket)
      : timer_(ex), socket_(socket) {}

  // The current operation must finish within `d` from now.
  void arm(clock::duration d) {
    expired_ = false;
    deadline_ = clock::now() + d;
    if (!waiting_ || deadline_ < timer_.expiry()) wait();
  }
  // As arm(), but only if that brings the deadline earlier.
  void shorten(clock::duration d) {
    auto t = clock::now() + d;
    if (t < deadline_) {
      deadline_ = t;
      if (!waiting_ || deadline_ < timer_.expiry()) wait();
    }
  }
  void disarm() { deadline_ = clock::time_point::max(); }
  // As disarm(), and no wait stays pending: for connections parked in a pool, which must not keep
  // their io_context busy.
  void park() {
    deadline_ = clock::time_point::max();
    timer_.cancel();
  }
  bool expired() const { return expired_; }
  // Cancels the socket now, as an expiry would (used by a forced shutdown).
  void fire() {
    expired_ = true;
    if (socket_ != nullptr) {
      boost::system::error_code ec;
      socket_->cancel(ec);
    }
  }
  // The connection is done: the timer must not touch the socket again.
  void release() {
    socket_ = nullptr;
    deadline_ = clock::time_point::max();
    timer_.cancel();
  }

 private:
  void wait() {
    ++generation_;
    waiting_ = true;
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this(), gen = generation_](const boost::system::error_code& ec) {
      if (gen != self->generation_) return;  // superseded by a later wait()
      self->waiting_ = false;
      if (ec || self->socket_ == nullptr || self->deadline_ == clock::time_point::max()) return;
      if (clock::now() >= self->deadline_) {
        self->fire();
      } else {
        self->wait();  // the deadline moved later since this wait began
      }
    });
  }

  boost::asio::steady_timer timer_;
  boost::asio::ip::tcp::socket* socket_;
  clock::time_point deadline_ = clock::time_point::max();
  std::uint64_t generation_ = 0;
  bool waiting_ = false;
  bool expired_ = false;
};

}  // namespace sportello::http::detail
