// /_admin/pagopa/*: what the node holds (payments, outbox), the outbox flush, and the scenario hooks.
#include <boost/json.hpp>
#include <charconv>

#include "mocks/pagopa/node_impl.hpp"

namespace sportello::node {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string utc(std::int64_t ms) {
  return formatUtc(Clock::time_point(std::chrono::milliseconds(ms)), true);
}

std::size_t limitOf(const http::Request& req, std::size_t fallback) {
  auto text = req.queryParam("limit");
  if (!text) return fallback;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n == 0) return fallback;
  return std::min<std::size_t>(n, 10'000);
}

json::object attemptJson(const Attempt& a, std::int64_t now) {
  json::object o{{"token", a.token},
                 {"ec", a.ec_fiscal_code},
                 {"notice", a.notice_number},
                 {"state", toString(a.effectiveState(now))},
                 {"stored_state", toString(a.state)},
                 {"amount", a.amount},
                 {"creditor_reference_id", a.creditor_reference_id},
                 {"operation", a.operation},
                 {"id_psp", a.id_psp},
                 {"id_station", a.id_station},
                 {"station_version", a.station_version},
                 {"activated_at", utc(a.activated_at)},
                 {"expires_at", utc(a.expires_at)},
                 {"late", a.late}};
  if (a.outcome) o["outcome"] = *a.outcome;
  if (a.outcome_at) o["outcome_at"] = utc(*a.outcome_at);
  if (a.receipt_id) o["receipt_id"] = *a.receipt_id;
  if (a.notified_at) o["notified_at"] = utc(*a.notified_at);
  if (a.payment_note) o["payment_note"] = *a.payment_note;
  return o;
}

json::object rowJson(const OutboxRow& r, bool raw) {
  json::object o{{"id", r.id},
                 {"receipt_id", r.entry.receipt_id},
                 {"token", r.entry.token},
                 {"notice", r.entry.notice_number},
                 {"recipient", r.entry.recipient},
                 {"id_station", r.entry.id_station},
                 {"operation", r.entry.version >= 2 ? "paSendRTV2" : "paSendRT"},
                 {"state", r.done ? "done" : "pending"},
                 {"attempts", r.attempts},
                 {"next_attempt_at", utc(r.next_attempt_at)},
                 {"created_at", utc(r.created_at)},
                 {"last_error", r.last_error}};
  if (r.delivered_at) o["delivered_at"] = utc(*r.delivered_at);
  if (raw) o["body"] = r.entry.body;
  return o;
}

asio::awaitable<http::Response> flush(std::shared_ptr<Node::Impl> self, const http::Admin& admin,
                                      http::Request& req) {
  if (auto refused = admin.refuse(req)) co_return std::move(*refused);
  OutboxWorker::FlushReport report = co_await self->worker->flush();
  co_return http::Response::json(200, json::serialize(json::object{{"attempted", report.attempted},
                                                                   {"delivered", report.delivered},
                                                                   {"failed", report.failed},
                                                                   {"in_flight", report.in_flight}}));
}

}  // namespace

void addAdminRoutes(const std::shared_ptr<Node::Impl>& self, http::Router& router, const http::Admin& admin) {
  router.get("/_admin/pagopa/payments", admin.guard([self](http::Request& req) {
    TokenStore::Query q;
    q.notice = req.queryParam("notice").value_or("");
    q.limit = limitOf(req, 100);
    auto list = self->tokens->list(q);
    if (!list) return http::Response::error(500, "store", list.error());
    const std::int64_t now = self->nowMs();
    json::array out;
    for (const auto& a : *list) out.push_back(attemptJson(a, now));
    return http::Response::json(200, json::serialize(json::object{{"payments", std::move(out)}}));
  }));

  router.get("/_admin/pagopa/outbox", admin.guard([self](http::Request& req) {
    Outbox::Query q;
    auto state = req.queryParam("state");
    if (state == "pending") q.done = false;
    if (state == "done") q.done = true;
    if (state && !q.done) return http::Response::error(400, "state", "state: expected pending or done");
    q.token = req.queryParam("token").value_or("");
    q.limit = limitOf(req, 100);
    const bool raw = req.queryParam("raw") == "true";
    auto rows = self->outbox->list(q);
    if (!rows) return http::Response::error(500, "store", rows.error());
    json::array out;
    for (const auto& r : *rows) out.push_back(rowJson(r, raw));
    return http::Response::json(200, json::serialize(json::object{{"rows", std::move(out)}}));
  }));

  // The admin object may not outlive the router, its (shared) state does: keep a copy.
  auto guard = std::make_shared<http::Admin>(admin);
  router.addAsync("POST", "/_admin/pagopa/outbox/flush",
                  [self, guard](http::Request& req) { return flush(self, *guard, req); });

  router.get("/_admin/pagopa/scenarios", admin.guard([self](http::Request&) {
    return http::Response::json(200, self->scenarios.json());
  }));
  router.post("/_admin/pagopa/scenarios", admin.guard([self](http::Request& req) {
    auto s = self->scenarios.add(req.body);
    if (!s) return http::Response::error(400, "scenario", s.error());
    return http::Response::json(201, json::serialize(json::object{{"id", s->id}}));
  }));
  router.add("DELETE", "/_admin/pagopa/scenarios", admin.guard([self](http::Request& req) {
    auto id = req.queryParam("id");
    if (!id) {
      self->scenarios.clear();
      return http::Response::json(200, "{\"removed\":\"all\"}");
    }
    int n = 0;
    auto [end, ec] = std::from_chars(id->data(), id->data() + id->size(), n);
    if (ec != std::errc() || end != id->data() + id->size() || !self->scenarios.remove(n)) {
      return http::Response::error(404, "scenario", "no such scenario");
    }
    return http::Response::json(200, "{\"removed\":" + *id + "}");
  }));
}

}  // namespace sportello::node
