// Internals shared by client.cpp (connecting, the client itself) and client_stream.cpp (exchanges on a
// connection): a connection, the per-io_context pool of idle connections, and Client::Impl.
#pragma once

#include <atomic>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/http/client.hpp"
#include "core/http/detail/deadline.hpp"

namespace sportello::http::detail {

struct ClientConn {
  std::unique_ptr<boost::asio::ip::tcp::socket> plain;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> ssl;
  boost::beast::flat_buffer buf;
  std::chrono::steady_clock::time_point idle_since;
  std::shared_ptr<Deadline> deadline;

  boost::asio::ip::tcp::socket& socket() { return ssl ? ssl->next_layer() : *plain; }
  ~ClientConn() {
    if (deadline) deadline->release();
  }
};

// Whether a pooled connection still looks usable: not closed by the peer, nothing unexpected pending.
bool looksAlive(ClientConn& c);

// The idle connections of one io_context, kept in a service of that context: when the context is
// destroyed its services shut down first, so pooled sockets never outlive the reactor they are
// registered with, whichever of client and context goes first. Entries of a destroyed Client are
// never taken again (ids are not reused) and go with the context; they are bounded by
// max_idle_per_origin and clients live as long as the components that own them.
class ClientPool : public boost::asio::execution_context::service {
 public:
  using key_type = ClientPool;
  static inline boost::asio::execution_context::id id;

  explicit ClientPool(boost::asio::execution_context& ctx) : boost::asio::execution_context::service(ctx) {}

  std::unique_ptr<ClientConn> take(std::uint64_t client, const std::string& origin,
                                   std::chrono::milliseconds ttl) {
    std::lock_guard lock(mu_);
    auto it = pool_.find({client, origin});
    if (it == pool_.end()) return nullptr;
    auto& v = it->second;
    while (!v.empty()) {
      auto c = std::move(v.back());
      v.pop_back();
      if (std::chrono::steady_clock::now() - c->idle_since < ttl && looksAlive(*c)) return c;
    }
    return nullptr;
  }

  void put(std::uint64_t client, const std::string& origin, std::unique_ptr<ClientConn> c, std::size_t max) {
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
  std::map<std::pair<std::uint64_t, std::string>, std::vector<std::unique_ptr<ClientConn>>> pool_;
};

}  // namespace sportello::http::detail

namespace sportello::http {

struct Client::Impl {
  ClientOptions options;
  std::unique_ptr<boost::asio::ssl::context> tls;
  std::string tls_error;  // set when the TLS context could not be built; every https request reports it
  std::uint64_t id = 0;
  std::atomic<std::uint64_t> connects{0}, reused{0};

  // A new connection (TCP, then TLS for https origins), counted in `connects`.
  boost::asio::awaitable<Result<std::unique_ptr<detail::ClientConn>, ClientError>> connect(
      const Origin& o, std::chrono::milliseconds timeout);
};

}  // namespace sportello::http
