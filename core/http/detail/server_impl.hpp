// Internals shared by server.cpp (life cycle, listeners) and connection.cpp (one connection's HTTP loop).
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_set>

#include "core/http/detail/deadline.hpp"
#include "core/http/server.hpp"

namespace sportello::http::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// What the server knows of a live connection; lives in the connection's coroutine frame and is only
// touched on its own io_context's thread.
struct ConnectionState {
  std::shared_ptr<Deadline> deadline;
  std::shared_ptr<asio::cancellation_signal> cancel;  // terminal cancellation cuts whatever it waits on
  bool idle = true;                                   // waiting for the first byte of a request
};

struct IoContext {
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unordered_set<ConnectionState*> connections;
  std::thread thread;
};

struct ListenerState {
  config::Listener spec;
  std::optional<tcp::acceptor> acceptor;
  BoundListener bound;
  std::atomic<std::size_t> open{0};
  Gauge* open_gauge = nullptr;
  Counter* accepted = nullptr;
  Counter* refused = nullptr;  // over max_connections
  Counter* tls_ok = nullptr;
  Counter* tls_failed = nullptr;
  boost::asio::ssl::context* tls_context = nullptr;  // TLS listeners: Impl::tls, or Impl::tls_mutual
};

// Per route: requests by status (100..599, registered on first use) and a latency histogram.
struct RouteStats {
  std::string label;
  std::array<std::atomic<Counter*>, 500> by_status{};
  Histogram* latency = nullptr;
};

}  // namespace sportello::http::detail

namespace sportello::http {

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  std::shared_ptr<Logger> log;
  std::shared_ptr<Metrics> metrics;

  std::vector<std::unique_ptr<detail::IoContext>> contexts;
  std::vector<std::unique_ptr<detail::ListenerState>> listeners;
  std::vector<BoundListener> bound;
  std::unique_ptr<boost::asio::ssl::context> tls;
  std::unique_ptr<boost::asio::ssl::context> tls_mutual;  // listeners with client_cert = true
  std::optional<boost::asio::signal_set> signals;
  std::optional<boost::asio::steady_timer> grace_timer;

  // One per router route, then "unmatched" (404/405), then "-" (refused before routing).
  std::vector<std::unique_ptr<detail::RouteStats>> route_stats;

  std::atomic<bool> started{false};
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};
  std::atomic<std::size_t> live{0};  // connections across all listeners
  std::atomic<std::size_t> next_context{0};

  detail::RouteStats& unmatchedStats() { return *route_stats[route_stats.size() - 2]; }
  detail::RouteStats& refusedStats() { return *route_stats.back(); }
  void count(detail::RouteStats& rs, int status, double seconds);

  // connection.cpp
  boost::asio::awaitable<void> runConnection(detail::IoContext& ctx, detail::ListenerState& ls,
                                             detail::tcp::socket socket,
                                             std::shared_ptr<boost::asio::cancellation_signal> cancel);
  // server.cpp
  void connectionClosed();
  void finishIfDrained();
  void stopAll();
};

}  // namespace sportello::http
