#include "mocks/comune/gpd_api.hpp"

#include <boost/json.hpp>

#include "core/identity/codice_fiscale.hpp"
#include "mocks/comune/seed.hpp"

namespace sportello::comune {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kDefaultReceipts = 50;
constexpr std::size_t kMaxReceipts = 1000;

// A small non-negative decimal ("0".."999999"); nullopt on anything else.
std::optional<int> smallNumber(std::string_view s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

json::array problemsJson(const std::vector<Problem>& problems) {
  json::array out;
  for (const auto& p : problems)
    out.push_back({{"field", p.field}, {"rule", p.rule}, {"message", p.message}});
  return out;
}

Response errorResponse(int status, std::string_view rule, std::string_view message,
                       const std::vector<Problem>& problems = {}) {
  json::object body{{"error", rule}, {"message", message}};
  if (!problems.empty()) body["problems"] = problemsJson(problems);
  return Response::json(status, json::serialize(body));
}

Response errorResponse(const GpdError& e) {
  return errorResponse(e.httpStatus(), e.rule, e.message, e.problems);
}

Response positionResponse(int status, const DebtPosition& d) {
  return Response::json(status, json::serialize(toJson(d)));
}

}  // namespace

struct GpdApi::State {
  Options o;

  std::optional<Response> refuse(const Request& req) const {
    if (o.api_key.empty()) return std::nullopt;
    auto key = req.headers.get("Ocp-Apim-Subscription-Key");
    if (key && *key == o.api_key) return std::nullopt;
    return errorResponse(401, "gpd.api_key", "missing or wrong Ocp-Apim-Subscription-Key");
  }

  // The organization of the path: 400 when not a fiscal code, 404 when not served here.
  Result<const EcConfig*, Response> organization(const Request& req) const {
    std::string cf(req.param("cf").value_or(""));
    if (auto v = identity::validatePartitaIva(cf); !v) {
      return fail(errorResponse(400, "gpd.organization_fiscal_code",
                                "organization fiscal code: " + v.error().message,
                                {{"organizationfiscalcode", "gpd.organization_fiscal_code",
                                  v.error().rule + ": " + v.error().message}}));
    }
    const EcConfig* ec = o.positions->ec(cf);
    if (ec == nullptr)
      return fail(errorResponse(404, "gpd.organization", "organization " + cf + " is not served here"));
    return ec;
  }

  // ?toPublish=true|false (absent: false).
  Result<bool, Response> toPublish(const Request& req) const {
    auto v = req.queryParam("toPublish");
    if (!v || *v == "false") return false;
    if (*v == "true") return true;
    return fail(errorResponse(400, "gpd.to_publish", "toPublish must be true or false",
                              {{"toPublish", "gpd.to_publish", "must be true or false"}}));
  }

  void logChange(const Request& req, std::string_view event, const EcConfig& ec, std::string_view iupd,
                 std::optional<PositionStatus> status = std::nullopt) const {
    o.log->info(event, {{"request_id", req.request_id},
                        {"organization", ec.fiscal_code},
                        {"iupd", iupd},
                        {"status", status ? toString(*status) : std::string_view()}});
  }

  Response refused(const Request& req, const EcConfig& ec, const std::vector<Problem>& problems) const {
    o.log->info("gpd_position_refused",
                {{"request_id", req.request_id},
                 {"organization", ec.fiscal_code},
                 {"problems", static_cast<std::uint64_t>(problems.size())},
                 {"first_rule", problems.empty() ? std::string() : problems.front().rule}});
    return errorResponse(400, "gpd.validation",
                         std::to_string(problems.size()) + " problem" + (problems.size() == 1 ? "" : "s") +
                             " in the debt position",
                         problems);
  }

  Response create(Request& req) const {
    if (auto r = refuse(req)) return *r;
    auto ec = organization(req);
    if (!ec) return ec.error();
    auto publish = toPublish(req);
    if (!publish) return publish.error();
    auto p = readPosition(req.body, **ec, o.positions->clock().now());
    if (!p) return refused(req, **ec, p.error());
    auto created = o.positions->create((*ec)->fiscal_code, std::move(*p), *publish);
    if (!created) return errorResponse(created.error());
    logChange(req, "gpd_position_created", **ec, created->iupd, created->status);
    return positionResponse(201, *created);
  }

  Response list(Request& req) const {
    if (auto r = refuse(req)) return *r;
    auto ec = organization(req);
    if (!ec) return ec.error();
    PositionQuery q;
    std::vector<Problem> problems;
    if (auto s = req.queryParam("status")) {
      q.status = parsePositionStatus(*s);
      if (!q.status)
        problems.push_back({"status", "gpd.status", "not a debt position status: \"" + *s + "\""});
    }
    if (auto s = req.queryParam("page")) {
      auto v = smallNumber(*s);
      if (v) q.page = *v;
      if (!v) problems.push_back({"page", "gpd.paging", "a page number from 0"});
    }
    if (auto s = req.queryParam("limit")) {
      auto v = smallNumber(*s);
      if (v) q.limit = *v;
      if (!v || *v < 1 || *v > 50) problems.push_back({"limit", "gpd.paging", "1 to 50"});
    }
    if (!problems.empty()) return errorResponse(400, problems.front().rule, "bad query parameters", problems);
    auto page = o.positions->list((*ec)->fiscal_code, q);
    if (!page) return errorResponse(page.error());
    json::array items;
    for (const auto& d : page->positions) items.push_back(toJson(d));
    json::object body{{"payment_position_list", std::move(items)},
                      {"page_info",
                       {{"page", page->page},
                        {"limit", page->limit},
                        {"items_found", page->items_found},
                        {"total_pages", page->total_pages}}}};
    return Response::json(200, json::serialize(body));
  }

  Response get(Request& req) const {
    if (auto r = refuse(req)) return *r;
    auto ec = organization(req);
    if (!ec) return ec.error();
    auto d = o.positions->get((*ec)->fiscal_code, req.param("iupd").value_or(""));
    if (!d) return errorResponse(d.error());
    return positionResponse(200, *d);
  }

  Response update(Request& req) const {
    if (auto r = refuse(req)) return *r;
    auto ec = organization(req);
    if (!ec) return ec.error();
    auto publish = toPublish(req);
    if (!publish) return publish.error();
    std::string iupd(req.param("iupd").value_or(""));
    auto p = readPosition(req.body, **ec, o.positions->clock().now());
    if (!p) return refused(req, **ec, p.error());
    auto updated = o.positions->update((*ec)->fiscal_code, iupd, std::move(*p), *publish);
    if (!updated) return errorResponse(updated.error());
    logChange(req, "gpd_position_updated", **ec, iupd, updated->status);
    return positionResponse(200, *updated);
  }

  Response remove(Request& req) const {
    if (auto r = refuse(req)) return *r;
    auto ec = organization(req);
    if (!ec) return ec.error();
    std::string iupd(req.param("iupd").value_or(""));
    auto done = o.positions->remove((*ec)->fiscal_code, iupd);
    if (!done) return errorResponse(done.error());
    logChange(req, "gpd_position_deleted", **ec, iupd);
    return Response::json(200, json::serialize(json::object{{"iupd", iupd}, {"deleted", true}}));
  }

  Response publish(Request& req) const {
    if (auto r = refuse(req)) return *r;
    auto ec = organization(req);
    if (!ec) return ec.error();
    std::string iupd(req.param("iupd").value_or(""));
    auto d = o.positions->publish((*ec)->fiscal_code, iupd);
    if (!d) return errorResponse(d.error());
    logChange(req, "gpd_position_published", **ec, iupd, d->status);
    return positionResponse(200, *d);
  }

  Response invalidate(Request& req) const {
    if (auto r = refuse(req)) return *r;
    auto ec = organization(req);
    if (!ec) return ec.error();
    std::string iupd(req.param("iupd").value_or(""));
    auto d = o.positions->invalidate((*ec)->fiscal_code, iupd);
    if (!d) return errorResponse(d.error());
    logChange(req, "gpd_position_invalidated", **ec, iupd, d->status);
    return positionResponse(200, *d);
  }

  Response adminReceipts(Request& req) const {
    std::size_t limit = kDefaultReceipts;
    if (auto l = req.queryParam("limit")) {
      auto v = smallNumber(*l);
      if (!v || *v < 1 || static_cast<std::size_t>(*v) > kMaxReceipts) {
        return errorResponse(400, "bad_limit", "limit must be 1 to 1000");
      }
      limit = static_cast<std::size_t>(*v);
    }
    bool raw = req.queryParam("raw") == "true";
    auto list = o.positions->receipts(req.queryParam("ec").value_or(""), limit);
    if (!list) return errorResponse(list.error());
    json::array out;
    for (const auto& s : *list) {
      const Receipt& r = s.receipt;
      json::object item{{"recipient", s.recipient},
                        {"receiptId", r.receipt_id},
                        {"noticeNumber", r.notice_number},
                        {"fiscalCode", r.fiscal_code},
                        {"amount", r.amount},
                        {"idPSP", r.id_psp},
                        {"pspCompanyName", r.psp_company_name},
                        {"verdict", s.verdict},
                        {"receivedAt", formatDateTime(s.received_at)}};
      if (r.payment_date_time) item["paymentDateTime"] = formatDateTime(*r.payment_date_time);
      if (raw) item["rawXml"] = r.raw_xml;
      out.push_back(std::move(item));
    }
    return Response::json(200, json::serialize(json::object{{"receipts", std::move(out)}}));
  }

  Response adminSeed(Request& req) const {
    auto report = seedDemo(*o.positions, o.demo_ec, o.positions->clock());
    if (!report) return errorResponse(500, "seed_failed", report.error());
    o.log->info(
        "comune_seeded",
        {{"request_id", req.request_id}, {"created", report->created}, {"existing", report->existing}});
    json::array iupds;
    for (const auto& i : report->iupds) iupds.emplace_back(i);
    return Response::json(
        200, json::serialize(json::object{
                 {"created", report->created}, {"existing", report->existing}, {"iupds", std::move(iupds)}}));
  }
};

GpdApi::GpdApi(Options options) : state_(std::make_shared<State>()) {
  state_->o = std::move(options);
  if (state_->o.demo_ec.fiscal_code.empty()) state_->o.demo_ec = demoComune();
  if (!state_->o.log) state_->o.log = Logger::null();
}

void GpdApi::addRoutes(http::Router& r, std::string_view prefix) const {
  std::shared_ptr<const State> s = state_;
  const std::string base = std::string(prefix) + "/organizations/{cf}/debtpositions";
  r.add("POST", base, [s](Request& req) { return s->create(req); });
  r.add("GET", base, [s](Request& req) { return s->list(req); });
  r.add("GET", base + "/{iupd}", [s](Request& req) { return s->get(req); });
  r.add("PUT", base + "/{iupd}", [s](Request& req) { return s->update(req); });
  r.add("DELETE", base + "/{iupd}", [s](Request& req) { return s->remove(req); });
  r.add("POST", base + "/{iupd}/publish", [s](Request& req) { return s->publish(req); });
  r.add("POST", base + "/{iupd}/invalidate", [s](Request& req) { return s->invalidate(req); });
}

void GpdApi::addAdminRoutes(http::Router& r, const http::Admin& admin) const {
  std::shared_ptr<const State> s = state_;
  r.get("/_admin/comune/receipts", admin.guard([s](Request& req) { return s->adminReceipts(req); }));
  r.post("/_admin/comune/seed", admin.guard([s](Request& req) { return s->adminSeed(req); }));
}

}  // namespace sportello::comune
