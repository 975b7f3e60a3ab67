#include "app/admin_routes.hpp"

#include <boost/json.hpp>

#include "core/saml/time.hpp"

namespace sportello::app {

namespace {

std::string clockJson(const Clock& c) {
  auto offset = std::chrono::duration_cast<std::chrono::seconds>(c.offset()).count();
  return boost::json::serialize(
      boost::json::object{{"now", formatUtc(c.now(), true)}, {"frozen", c.frozen()}, {"offset_s", offset}});
}

}  // namespace

void addClockRoutes(http::Router& router, const http::Admin& admin, std::shared_ptr<Clock> clock) {
  router.get("/_admin/clock",
             admin.guard([clock](http::Request&) { return http::Response::json(200, clockJson(*clock)); }));
  router.post("/_admin/clock", admin.guard([clock](http::Request& req) {
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body, ec);
    if (ec || !v.is_object()) return http::Response::error(400, "bad_json", "the body must be a JSON object");
    const auto& o = v.as_object();
    if (const auto* r = o.if_contains("reset"); r && r->is_bool() && r->as_bool()) {
      clock->reset();
    } else if (const auto* a = o.if_contains("advance_s"); a && (a->is_int64() || a->is_uint64())) {
      clock->advance(std::chrono::seconds(a->to_number<std::int64_t>()));
    } else if (const auto* s = o.if_contains("set"); s && s->is_string()) {
      auto t = saml::parseDateTime(s->as_string());
      if (!t) return http::Response::error(400, "bad_time", t.error());
      const auto* f = o.if_contains("frozen");
      clock->set(*t, f && f->is_bool() && f->as_bool());
    } else {
      return http::Response::error(
          400, "bad_request",
          "expected {\"advance_s\": N}, {\"set\": \"<xs:dateTime>\", \"frozen\": bool} or "
          "{\"reset\": true}");
    }
    return http::Response::json(200, clockJson(*clock));
  }));
}

void addEndpointsRoute(http::Router& router, const http::Admin& admin, const config::Config& cfg,
                       std::function<const std::vector<http::BoundListener>&()> bound, EndpointParts parts) {
  router.get("/_admin/endpoints", admin.guard([&cfg, bound, parts](http::Request&) {
    boost::json::object listeners;
    for (const auto& b : bound()) listeners[b.name] = b.url();
    boost::json::object body{{"public_url", cfg.server.public_url},
                             {"listeners", listeners},
                             {"admin",
                              {{"health", "/_admin/health"},
                               {"ready", "/_admin/ready"},
                               {"metrics", "/_admin/metrics"},
                               {"clock", "/_admin/clock"},
                               {"journal", "/_admin/journal"},
                               {"sps", "/_admin/sps"},
                               {"users", "/_admin/users"},
                               {"trusted_idps", "/_admin/idps"},
                               {"sessions", "/_admin/sessions"}}}};
    for (const auto& [key, part] : parts) {
      std::string json = part();
      if (!json.empty()) body[key] = boost::json::parse(json);
    }
    return http::Response::json(200, boost::json::serialize(body));
  }));
}

}  // namespace sportello::app
