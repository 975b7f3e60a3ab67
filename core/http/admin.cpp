#include "core/http/admin.hpp"

#include <openssl/crypto.h>

#include "core/base/log.hpp"

namespace sportello::http {

Admin::Admin(config::Admin settings, std::shared_ptr<Metrics> metrics)
    : state_(std::make_shared<State>(State{std::move(settings), std::move(metrics), {}})) {}

std::optional<Response> Admin::refuse(const Request& req) const {
  return refuse(*state_, req);
}

std::optional<Response> Admin::refuse(const State& s, const Request& req) {
  const config::Admin& settings = s.settings;
  if (settings.loopback_only && !req.isLoopback()) {
    return Response::error(403, "admin_forbidden", "the admin API answers only to loopback clients");
  }
  if (!settings.token.empty()) {
    auto auth = req.headers.get("Authorization");
    std::string expected = "Bearer " + settings.token;
    // Constant-time comparison: the token is a secret and the admin API may face a network.
    bool ok = auth && auth->size() == expected.size() &&
              CRYPTO_memcmp(auth->data(), expected.data(), expected.size()) == 0;
    if (!ok) {
      Response r = Response::error(401, "admin_unauthorized", "missing or wrong admin token");
      r.headers.set("WWW-Authenticate", "Bearer realm=\"sportello-admin\"");
      return r;
    }
  }
  return std::nullopt;
}

Handler Admin::guard(Handler h) const {
  return [state = state_, h = std::move(h)](Request& req) -> Response {
    if (auto r = refuse(*state, req)) return std::move(*r);
    return h(req);
  };
}

void Admin::addRoutes(Router& router) const {
  router.get("/_admin/health", guard([](Request&) { return Response::json(200, "{\"status\":\"ok\"}"); }));
  router.get("/_admin/ready", guard([state = state_](Request&) {
               std::string notReady;
               for (const auto& c : state->checks) {
                 if (c.ready()) continue;
                 if (!notReady.empty()) notReady += ",";
                 appendJsonString(notReady, c.component);
               }
               if (notReady.empty()) return Response::json(200, "{\"ready\":true}");
               return Response::json(503, "{\"ready\":false,\"waiting_for\":[" + notReady + "]}");
             }));
  router.get("/_admin/metrics", guard([state = state_](Request&) {
               Response r;
               r.headers.add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
               r.body = state->metrics->render();
               return r;
             }));
}

}  // namespace sportello::http
