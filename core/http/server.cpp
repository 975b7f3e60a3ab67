#include "core/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/http/detail/server_impl.hpp"

namespace sportello::http {

namespace asio = boost::asio;
using detail::tcp;

ServerOptions ServerOptions::fromConfig(const config::Config& cfg, ServerTlsFiles tls) {
  ServerOptions o;
  o.listeners = cfg.server.listeners;
  o.tls = std::move(tls);
  o.limits = cfg.server.limits;
  o.threads = cfg.server.threads;
  o.shutdown_grace = cfg.server.shutdown_grace;
  o.hsts_max_age = cfg.server.hsts_max_age;
  o.access_log = cfg.log.access;
  return o;
}

std::string BoundListener::url() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https://" : "http://") + h + ":" + std::to_string(port);
}

void Server::Impl::count(detail::RouteStats& rs, int status, double seconds) {
  if (status < 100 || status > 599) status = 500;
  auto& slot = rs.by_status[static_cast<std::size_t>(status - 100)];
  Counter* c = slot.load(std::memory_order_acquire);
  if (c == nullptr) {
    c = &metrics->counter("sportello_http_requests_total", "HTTP requests answered, by route and status.",
                          {{"route", rs.label}, {"status", std::to_string(status)}});
    slot.store(c, std::memory_order_release);
  }
  c->inc();
  rs.latency->observe(seconds);
}

Server::Server(ServerOptions options, std::shared_ptr<const Router> router, std::shared_ptr<Logger> log,
               std::shared_ptr<Metrics> metrics)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->router = std::move(router);
  impl_->log = log ? std::move(log) : Logger::null();
  impl_->metrics = metrics ? std::move(metrics) : std::make_shared<Metrics>();
  unsigned n = impl_->options.threads;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) impl_->contexts.push_back(std::make_unique<detail::IoContext>());
}

Server::~Server() {
  shutdown();
  wait();
}

namespace {

Result<tcp::endpoint, std::string> resolve(asio::io_context& io, const config::Endpoint& ep) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(ep.host, ec);
  if (!ec) return tcp::endpoint(addr, ep.port);
  tcp::resolver resolver(io);
  auto results = resolver.resolve(ep.host, std::to_string(ep.port), ec);
  if (ec || results.empty()) return fail("cannot resolve " + ep.host + ": " + ec.message());
  // Prefer IPv4 for names like "localhost" that resolve to both: it is what browsers try first here.
  for (const auto& r : results) {
    if (r.endpoint().address().is_v4()) return r.endpoint();
  }
  return results.begin()->endpoint();
}

}  // namespace

Result<void, std::string> Server::start() {
  if (auto r = bind(); !r) return r;
  return run();
}

Result<void, std::string> Server::bind() {
  auto& s = *impl_;
  if (s.started || !s.listeners.empty()) return fail(std::string("server already bound"));
  bool anyTls = false, anyMutual = false;
  for (const auto& l : s.options.listeners) {
    anyTls = anyTls || l.tls;
    anyMutual = anyMutual || (l.tls && l.client_cert);
  }
  if (anyTls) {
    s.tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    if (auto r = configureServerContext(*s.tls, s.options.tls); !r) return fail("TLS: " + r.error());
  }
  if (anyMutual) {
    ServerTlsFiles files = s.options.tls;
    if (files.client_ca.empty()) files.client_ca = s.options.listener_client_ca;
    if (files.client_ca.empty())
      return fail(std::string("TLS: a listener wants client certificates but no CA is set"));
    s.tls_mutual = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    if (auto r = configureServerContext(*s.tls_mutual, files); !r) return fail("TLS: " + r.error());
  }
  auto& io0 = s.contexts.front()->io;
  for (const auto& spec : s.options.listeners) {
    auto ls = std::make_unique<detail::ListenerState>();
    ls->spec = spec;
    ls->tls_context = spec.client_cert ? s.tls_mutual.get() : s.tls.get();
    auto ep = resolve(io0, spec.address);
    if (!ep) return fail("listener '" + spec.name + "' (" + spec.address.toString() + "): " + ep.error());
    boost::system::error_code ec;
    ls->acceptor.emplace(io0);
    ls->acceptor->open(ep->protocol(), ec);
    if (!ec) ls->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && ep->address().is_v6()) ls->acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) ls->acceptor->bind(*ep, ec);
    if (!ec) ls->acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return fail("listener '" + spec.name + "' cannot listen on " + spec.address.toString() + ": " +
                  ec.message());
    }
    auto local = ls->acceptor->local_endpoint();
    ls->bound = BoundListener{spec.name, local.address().to_string(), local.port(), spec.tls};
    Labels labels{{"listener", spec.name}};
    ls->open_gauge = &s.metrics->gauge("sportello_http_open_connections", "Connections open now.", labels);
    ls->accepted = &s.metrics->counter("sportello_http_connections_total", "Connections accepted.", labels);
    ls->refused =
        &s.metrics->counter("sportello_http_connections_refused_total",
                            "Connections closed at accept because max_connections was reached.", labels);
    if (spec.tls) {
      ls->tls_ok = &s.metrics->counter("sportello_tls_handshakes_total", "TLS handshakes, by result.",
                                       {{"listener", spec.name}, {"result", "ok"}});
      ls->tls_failed = &s.metrics->counter("sportello_tls_handshakes_total", "TLS handshakes, by result.",
                                           {{"listener", spec.name}, {"result", "failed"}});
    }
    s.bound.push_back(ls->bound);
    s.listeners.push_back(std::move(ls));
  }
  return {};
}

Result<void, std::string> Server::run() {
  auto& s = *impl_;
  if (s.started) return fail(std::string("server already started"));
  if (s.listeners.empty() && !s.options.listeners.empty()) return fail(std::string("bind() first"));
  auto& io0 = s.contexts.front()->io;
  // Per-route statistics, now that the routes are final.
  auto addStats = [&](std::string label) {
    auto rs = std::make_unique<detail::RouteStats>();
    rs->label = std::move(label);
    rs->latency = &impl_->metrics->histogram(
        "sportello_http_request_duration_seconds",
        "Time from a request's first byte to its answer written, by route.", {{"route", rs->label}});
    impl_->route_stats.push_back(std::move(rs));
  };
  for (const auto& r : impl_->router->routes()) addStats(r.name);
  addStats("unmatched");
  addStats("refused");

  for (auto& lsPtr : s.listeners) {
    auto* ls = lsPtr.get();
    asio::co_spawn(
        io0,
        [&s, ls]() -> asio::awaitable<void> {
          for (;;) {
            auto& ctx =
                *s.contexts[s.next_context.fetch_add(1, std::memory_order_relaxed) % s.contexts.size()];
            auto [ec, socket] =
                co_await ls->acceptor->async_accept(ctx.io, asio::as_tuple(asio::use_awaitable));
            if (ec) {
              if (ec == asio::error::operation_aborted || !ls->acceptor->is_open()) co_return;
              // Out of descriptors or a transient failure: say so and keep serving the open connections.
              s.log->error("accept_failed", {{"listener", ls->spec.name}, {"error", ec.message()}});
              asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
              co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
              continue;
            }
            if (ls->open.load() >= s.options.limits.max_connections) {
              ls->refused->inc();
              s.log->warn("connection_refused",
                          {{"listener", ls->spec.name},
                           {"rule", "max_connections"},
                           {"limit", static_cast<std::uint64_t>(s.options.limits.max_connections)}});
              boost::system::error_code ignored;
              socket.close(ignored);
              continue;
            }
            ls->open.fetch_add(1);
            ls->open_gauge->inc();
            ls->accepted->inc();
            s.live.fetch_add(1);
            socket.set_option(tcp::no_delay(true), ec);
            auto cancel = std::make_shared<asio::cancellation_signal>();
            auto done = [&s, ls, cancel](const std::exception_ptr& e) {
              if (e) {
                try {
                  std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                  s.log->error("connection_crashed", {{"listener", ls->spec.name}, {"error", ex.what()}});
                } catch (...) {
                  s.log->error("connection_crashed", {{"listener", ls->spec.name}});
                }
              }
              ls->open.fetch_sub(1);
              ls->open_gauge->dec();
              s.connectionClosed();
            };
            asio::co_spawn(ctx.io, s.runConnection(ctx, *ls, std::move(socket), cancel),
                           asio::bind_cancellation_slot(cancel->slot(), std::move(done)));
          }
        },
        asio::detached);
  }

  for (auto& ctx : s.contexts) {
    ctx->work.emplace(ctx->io.get_executor());
    ctx->thread = std::thread([c = ctx.get()] { c->io.run(); });
  }
  s.started = true;
  for (const auto& b : s.bound) {
    s.log->info("listening", {{"listener", b.name}, {"url", b.url()}});
  }
  return {};
}

const std::vector<BoundListener>& Server::bound() const {
  return impl_->bound;
}

bool Server::ready() const {
  return impl_->started && !impl_->draining;
}

asio::io_context& Server::context(std::size_t i) {
  return impl_->contexts.at(i)->io;
}
std::size_t Server::contextCount() const {
  return impl_->contexts.size();
}

void Server::stopOnSignals() {
  auto& s = *impl_;
  s.signals.emplace(s.contexts.front()->io, SIGINT, SIGTERM);
  s.signals->async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    impl_->log->info("signal", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
    shutdown();
  });
}

void Server::shutdown() {
  auto& s = *impl_;
  if (!s.started || s.draining.exchange(true)) return;
  s.log->info("draining", {{"connections", static_cast<std::uint64_t>(s.live.load())},
                           {"grace_ms", static_cast<std::int64_t>(s.options.shutdown_grace.count())}});
  auto& io0 = s.contexts.front()->io;
  asio::post(io0, [&s] {
    for (auto& ls : s.listeners) {
      boost::system::error_code ec;
      ls->acceptor->close(ec);
    }
    if (s.signals) s.signals->cancel();
    s.grace_timer.emplace(s.contexts.front()->io, s.options.shutdown_grace);
    s.grace_timer->async_wait([&s](const boost::system::error_code& ec) {
      if (ec) return;
      // Grace is over: cut whatever is still open. Each connection sees its deadline fire and ends.
      for (auto& ctx : s.contexts) {
        asio::post(ctx->io, [&s, c = ctx.get()] {
          if (!c->connections.empty()) {
            s.log->warn("drain_cut", {{"connections", static_cast<std::uint64_t>(c->connections.size())}});
          }
          // Copy first: a cancelled connection may unregister itself while we iterate.
          std::vector<detail::ConnectionState*> open(c->connections.begin(), c->connections.end());
          for (auto* conn : open) {
            conn->deadline->fire();
            conn->cancel->emit(asio::cancellation_type::terminal);
          }
        });
      }
    });
    s.finishIfDrained();
  });
  // Idle keep-alive connections get a short window for a request already on its way.
  for (auto& ctx : s.contexts) {
    asio::post(ctx->io, [&s, c = ctx.get()] {
      for (auto* conn : c->connections) {
        if (conn->idle) conn->deadline->shorten(s.options.drain_idle);
      }
    });
  }
}

void Server::Impl::connectionClosed() {
  if (live.fetch_sub(1) == 1 && draining) {
    asio::post(contexts.front()->io, [this] { finishIfDrained(); });
  }
}

// Runs on context 0 once draining: when the last connection is gone, let every thread finish.
void Server::Impl::finishIfDrained() {
  if (live.load() != 0 || stopped.exchange(true)) return;
  log->info("stopped");
  if (grace_timer) grace_timer->cancel();
  stopAll();
}

void Server::Impl::stopAll() {
  for (auto& ctx : contexts) {
    asio::post(ctx->io, [c = ctx.get()] {
      c->work.reset();
      // Anything else still scheduled on this context (client pools, timers of other components) ends
      // with the server.
      c->io.stop();
    });
  }
}

void Server::wait() {
  for (auto& ctx : impl_->contexts) {
    if (ctx->thread.joinable()) ctx->thread.join();
  }
}

}  // namespace sportello::http
