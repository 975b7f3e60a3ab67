#include "gateway/proxy.hpp"

#include <algorithm>
#include <memory>

#include "core/http/stream.hpp"
#include "core/web/page.hpp"
#include "gateway/cookies.hpp"
#include "gateway/sp.hpp"

namespace sportello::gateway {

namespace asio = boost::asio;

struct Proxy::Route {
  config::Route cfg;
  http::Origin origin;
  std::string base_path;  // of the upstream URL, without a trailing '/'
  Counter* ok = nullptr;
  Counter* bad_gateway = nullptr;
  Counter* timeout = nullptr;
  Counter* login_required = nullptr;
  Histogram* latency = nullptr;
};

namespace {

constexpr std::size_t kPiece = 64 * 1024;

bool wantsHtml(const http::Request& req) {
  auto accept = req.headers.get("Accept");
  return accept && accept->find("text/html") != std::string_view::npos;
}

// The Cookie header without the gateway's own cookies (upstreams never see the session id).
std::string upstreamCookies(std::string_view header, const std::string& session_cookie) {
  std::string out;
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    if (name == session_cookie || name == "sportello_login" || pair.empty()) continue;
    if (!out.empty()) out += "; ";
    out += pair;
  }
  return out;
}

}  // namespace

void addIdentityHeaders(const Session& s, http::Headers& h) {
  const Identity& i = s.identity;
  h.add(std::string(identity_header::fiscal_number), http::percentEncode(i.fiscalCode()));
  h.add(std::string(identity_header::name), http::percentEncode(i.attribute("name")));
  h.add(std::string(identity_header::family_name), http::percentEncode(i.attribute("familyName")));
  h.add(std::string(identity_header::level), std::to_string(static_cast<int>(i.level)));
  h.add(std::string(identity_header::auth), std::string(saml::toString(i.profile)));
  h.add(std::string(identity_header::idp), http::percentEncode(i.idp_entity_id));
  h.add(std::string(identity_header::session), s.ref);
  for (const auto& [name, value] : i.attributes) {
    if (name == "fiscalNumber" || name == "name" || name == "familyName") continue;
    h.add(std::string(identity_header::attribute) + name, http::percentEncode(value));
  }
}

Proxy::Proxy(Options options) : o_(std::move(options)) {
  http::ClientOptions co;
  co.tls.ca = o_.upstream_ca;
  co.max_idle_per_origin = 64;
  client_ = std::make_unique<http::Client>(co);
  for (const auto& rc : o_.config->routes) {
    auto r = std::make_shared<Route>();
    r->cfg = rc;
    std::string upstream = rc.upstream;
    if (upstream.starts_with("listener:")) {
      auto slash = upstream.find('/');
      std::string name = upstream.substr(9, slash == std::string::npos ? std::string::npos : slash - 9);
      std::string base = o_.listener_url ? o_.listener_url(name) : std::string();
      if (base.empty()) {
        o_.log->error("proxy_route", {{"route", rc.prefix}, {"error", "listener " + name + " is not bound"}});
        continue;
      }
      upstream = base + (slash == std::string::npos ? std::string() : upstream.substr(slash));
    }
    auto url = http::parseUrl(upstream);  // checked by the config loader
    if (!url) continue;
    r->origin = url->origin;
    r->base_path = url->target.substr(0, url->target.find('?'));
    while (!r->base_path.empty() && r->base_path.back() == '/') r->base_path.pop_back();
    auto& m = *o_.metrics;
    const Labels l{{"route", rc.prefix}};
    auto with = [&](const char* outcome) { return Labels{{"route", rc.prefix}, {"outcome", outcome}}; };
    r->ok = &m.counter("sportello_proxy_requests_total", "Proxied requests by outcome", with("ok"));
    r->bad_gateway =
        &m.counter("sportello_proxy_requests_total", "Proxied requests by outcome", with("bad_gateway"));
    r->timeout = &m.counter("sportello_proxy_requests_total", "Proxied requests by outcome", with("timeout"));
    r->login_required =
        &m.counter("sportello_proxy_requests_total", "Proxied requests by outcome", with("login_required"));
    r->latency = &m.histogram("sportello_proxy_upstream_seconds", "Time to the upstream's response head", l);
    routes_.push_back(std::move(r));
  }
}

Proxy::~Proxy() = default;

http::Client::Stats Proxy::upstreamStats() const {
  return client_->stats();
}

void Proxy::addRoutes(http::Router& router) {
  for (const auto& route : routes_) {
    const std::string prefix = route->cfg.prefix;
    http::StreamRouteOptions so;
    so.max_body_bytes = route->cfg.max_body_bytes;
    router.addStream(
        "*", prefix + "*",
        [this, route](http::Request& req, http::BodyReader& body,
                      http::ResponseWriter& out) -> asio::awaitable<std::optional<http::Response>> {
          const auto& rc = route->cfg;
          // "/servizi/tributi" without its slash goes to the prefix, as a directory would.
          if (req.path().size() + 1 == rc.prefix.size()) co_return http::Response::redirect(301, rc.prefix);
          // Nothing that claims an identity or a path through other proxies gets through from outside.
          req.headers.removePrefix(identity_header::prefix);
          req.headers.remove("Forwarded");
          req.headers.removePrefix("X-Forwarded-");

          auto failure = [&](int status, const char* rule, const std::string& detail) {
            o_.log->warn("proxy_error", {{"request_id", req.request_id},
                                         {"route", rc.prefix},
                                         {"upstream", rc.upstream},
                                         {"rule", rule},
                                         {"status", status},
                                         {"detail", detail}});
            (status == 504 ? route->timeout : route->bad_gateway)->inc();
            if (!wantsHtml(req)) {
              return http::Response::error(
                  status, rule,
                  status == 504 ? "the service did not answer in time" : "the service is not reachable");
            }
            std::string html = "<div class=\"alert\" role=\"alert\"><p><strong>" +
                               std::string(status == 504 ? "Il servizio non ha risposto in tempo"
                                                         : "Il servizio non è raggiungibile") +
                               "</strong></p><p>Riprova tra qualche minuto. Se il problema continua, segnala "
                               "il codice qui sotto all'ufficio del comune.</p></div>\n<p class=\"small\">"
                               "Codice della richiesta: <code>" +
                               web::escape(req.request_id) + "</code></p>\n";
            auto resp = http::Response::html(
                status, web::page({status == 504 ? "Servizio lento" : "Servizio non disponibile",
                                   o_.config->sp.organization, "Servizi online", "spid"},
                                  html));
            resp.headers.set("Cache-Control", "no-store");
            return resp;
          };

          std::shared_ptr<const Session> session;
          // Public routes still learn who is there when a session exists (a personalised home page).
          if (rc.auth == "none") session = o_.sp->sessionOf(req);
          if (rc.auth != "none") {
            session = o_.sp->sessionOf(req);
            bool fits = session != nullptr;
            if (fits && rc.auth != "any") fits = saml::toString(session->identity.profile) == rc.auth;
            if (fits) fits = static_cast<int>(session->identity.level) >= rc.min_level;
            if (!fits) {
              route->login_required->inc();
              std::string login = o_.sp->loginUrl(req.target, std::max(rc.min_level, 1), rc.auth);
              if (req.method == "GET" && wantsHtml(req)) co_return http::Response::redirect(303, login);
              auto r = http::Response::error(401, "login_required", "this service needs a SPID or CIE login");
              r.headers.set("Location", login);
              co_return r;
            }
          }

          http::Request up;
          up.method = req.method;
          std::string_view path = req.path();
          std::string_view rest = rc.strip_prefix ? path.substr(rc.prefix.size() - 1) : path;
          up.target = route->base_path + std::string(rest);
          if (!req.query().empty()) up.target += "?" + std::string(req.query());
          up.headers.reserve(req.headers.size() + 16);
          for (const auto& h : req.headers.items()) {
            if (http::iequals(h.name, "Host") || http::iequals(h.name, "Cookie")) continue;
            up.headers.add(h.name, h.value);
          }
          std::string cookies;
          for (auto c : req.headers.all("Cookie")) {
            std::string kept = upstreamCookies(c, o_.config->sessions.cookie_name);
            if (kept.empty()) continue;
            if (!cookies.empty()) cookies += "; ";
            cookies += kept;
          }
          if (!cookies.empty()) up.headers.add("Cookie", std::move(cookies));
          if (auto host = req.headers.get("Host")) up.headers.add("X-Forwarded-Host", std::string(*host));
          up.headers.add("X-Forwarded-For", req.remote_ip);
          up.headers.add("X-Forwarded-Proto", req.tls ? "https" : "http");
          up.headers.set("X-Request-Id", req.request_id);
          if (session) addIdentityHeaders(*session, up.headers);

          std::optional<std::uint64_t> length =
              body.hasBody() ? body.contentLength() : std::optional<std::uint64_t>(0);
          if (!body.hasBody() && (req.method == "GET" || req.method == "HEAD" || req.method == "DELETE" ||
                                  req.method == "OPTIONS")) {
            length = std::nullopt;
          }
          http::CallOptions call;
          call.connect_timeout = rc.connect_timeout;
          call.response_timeout = rc.timeout;
          call.idle_timeout = rc.timeout;
          const auto started = std::chrono::steady_clock::now();
          auto opened = co_await client_->open(route->origin, std::move(up), length, call);
          if (!opened) {
            const auto& e = opened.error();
            bool slow =
                e.code == http::ClientErrc::connect_timeout || e.code == http::ClientErrc::read_timeout;
            co_return failure(slow ? 504 : 502, slow ? "upstream_timeout" : "upstream_unreachable",
                              e.message());
          }
          auto& stream = **opened;
          auto piece = std::make_unique_for_overwrite<char[]>(kPiece);  // no 64 KiB memset per request
          if (body.hasBody()) {
            for (;;) {
              auto n = co_await body.read(std::span<char>(piece.get(), kPiece));
              if (!n) co_return std::nullopt;  // the client's fault: the server answers or closes
              if (*n == 0) break;
              auto w = co_await stream.writeBody(std::string_view(piece.get(), *n));
              if (!w) {
                bool slow = w.error().code == http::ClientErrc::read_timeout;
                co_return failure(slow ? 504 : 502, slow ? "upstream_timeout" : "upstream_write",
                                  w.error().message());
              }
            }
          }
          if (auto e = co_await stream.endRequest(); !e) {
            co_return failure(502, "upstream_write", e.error().message());
          }
          auto head = co_await stream.readHead();
          if (!head) {
            const auto& e = head.error();
            bool slow =
                e.code == http::ClientErrc::read_timeout || e.code == http::ClientErrc::connect_timeout;
            co_return failure(slow ? 504 : 502, slow ? "upstream_timeout" : "upstream_response", e.message());
          }
          route->latency->observe(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
          if (!co_await out.writeHead(*head, stream.contentLength())) co_return std::nullopt;
          for (;;) {
            auto n = co_await stream.readBody(std::span<char>(piece.get(), kPiece));
            if (!n) {
              // Mid-body failure upstream: the client's connection is closed so it sees a truncated answer.
              o_.log->warn("proxy_error", {{"request_id", req.request_id},
                                           {"route", rc.prefix},
                                           {"rule", "upstream_body"},
                                           {"detail", n.error().message()}});
              route->bad_gateway->inc();
              co_return std::nullopt;
            }
            if (*n == 0) break;
            if (!co_await out.writeBody(std::string_view(piece.get(), *n))) co_return std::nullopt;
          }
          if (co_await out.finish()) route->ok->inc();
          co_return std::nullopt;
        },
        so);
  }
}

}  // namespace sportello::gateway
