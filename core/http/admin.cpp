#include "core/http/admin.hpp"

#include <openssl/crypto.h>

#include "core/base/log.hpp"

namespace sportello::http {

Admin::Admin(config::Admin settings, std::shared_ptr<Metrics> metrics)
    : settings_(std::move(settings)), metrics_(std::move(metrics)) {}

std::optional<Response> Admin::refuse(const Request& req) const {
  if (settings_.loopback_only && !req.isLoopback()) {
    return Response::error(403, "admin_forbidden", "the admin API answers only to loopback clients");
  }
  if (!settings_.token.empty()) {
    auto auth = req.headers.get("Authorization");
    std::string expected = "Bearer " + settings_.token;
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
  return [this, h = std::move(h)](Request& req) -> Response {
    if (auto r = refuse(req)) return std::move(*r);
    return h(req);
  };
}

void Admin::addRoutes(Router& router) const {
  router.get("/_admin/health", guard([](Request&) { return Response::json(200, "{\"status\":\"ok\"}"); }));
  router.get("/_admin/ready", guard([this](Request&) {
               std::string notReady;
               for (const auto& c : checks_) {
                 if (c.ready()) continue;
                 if (!notReady.empty()) notReady += ",";
                 appendJsonString(notReady, c.component);
               }
               if (notReady.empty()) return Response::json(200, "{\"ready\":true}");
               return Response::json(503, "{\"ready\":false,\"waiting_for\":[" + notReady + "]}");
             }));
  router.get("/_admin/metrics", guard([this](Request&) {
               Response r;
               r.headers.add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
               r.body = metrics_->render();
               return r;
             }));
}

}  // namespace sportello::http
