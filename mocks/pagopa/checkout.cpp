#include "mocks/pagopa/checkout.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "core/pagopa/notice.hpp"
#include "mocks/pagopa/checkout_state.hpp"

namespace sportello::checkout {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

std::string noticeProblem(const pagopa::CodeError& e) {
  if (e.rule == "notice.check") return "Il codice avviso non è corretto: controlla di averlo copiato bene.";
  if (e.rule == "notice.aux") return "Il codice avviso non è valido: deve iniziare con 0, 1, 2 o 3.";
  return "Il codice avviso ha 18 cifre.";
}

std::string withoutSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

bool elevenDigits(std::string_view s) {
  if (s.size() != 11) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

// ---- Shared helpers ---------------------------------------------------------------------------------------

Response Checkout::State::page(int status, std::string html) const {
  Response r = Response::html(status, std::move(html));
  // Payment pages carry amounts and tokens: never cached, never replayed from history.
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Response Checkout::State::notTaken(const CartStore::Found& f) const {
  switch (f.status) {
    case CartLookup::unknown:
      return page(404, unknownCartPage(site));
    case CartLookup::expired:
      return page(410, expiredPage(site, f.cart));
    case CartLookup::busy:
    case CartLookup::found:
      break;
  }
  return page(200, busyPage(site, f.cart));
}

std::optional<std::string> Checkout::State::idempotencyKey() const {
  std::string prefix;
  for (char c : o.config->pagopa.id_psp) {
    if (std::isalnum(static_cast<unsigned char>(c)) && prefix.size() < 18) prefix += c;
  }
  if (prefix.size() < 2) prefix = "CK";
  auto suffix = randomAlnum(10);
  if (!suffix) return std::nullopt;
  return prefix + "_" + *suffix;
}

void Checkout::State::countNode(std::string_view operation, std::string_view result) const {
  o.metrics
      ->counter("sportello_checkout_node_calls_total",
                "nodeForPsp calls made by checkout, by operation and result",
                {{"operation", std::string(operation)}, {"result", std::string(result)}})
      .inc();
}

void Checkout::State::countPayment(std::string_view result) const {
  o.metrics
      ->counter("sportello_checkout_payments_total", "checkout carts that reached an end, by how they ended",
                {{"result", std::string(result)}})
      .inc();
}

void Checkout::State::logNodeError(const Request& req, const Cart& cart, std::string_view operation,
                                   const NodeError& e) const {
  o.log->warn("checkout_node_error", {{"request_id", req.request_id},
                                      {"cart", cart.id},
                                      {"operation", operation},
                                      {"kind", toString(e.kind)},
                                      {"fault_code", e.fault.fault_code},
                                      {"original_fault_code", e.fault.original_fault_code.value_or("")},
                                      {"detail", e.detail}});
}

// ---- The EC's cart
// -----------------------------------------------------------------------------------------

Response Checkout::State::createCart(Request& req) {
  auto cart = readCartRequest(req.body);
  if (!cart) {
    const CartRefusal& r = cart.error();
    json::array problems;
    for (const auto& p : r.problems)
      problems.push_back({{"field", p.field}, {"rule", p.rule}, {"message", p.message}});
    json::object body{{"error", r.rule}, {"message", r.message}};
    if (!problems.empty()) body["problems"] = std::move(problems);
    o.log->info("checkout_cart_refused",
                {{"request_id", req.request_id},
                 {"rule", r.rule},
                 {"problems", static_cast<std::uint64_t>(r.problems.size())},
                 {"first_rule", r.problems.empty() ? r.rule : r.problems.front().rule}});
    return Response::json(r.status, json::serialize(body));
  }
  const auto notices = static_cast<std::uint64_t>(cart->notices.size());
  const std::int64_t total = cart->total();
  auto id = carts.add(std::move(*cart));
  if (!id) {
    o.log->warn("checkout_cart_capacity", {{"request_id", req.request_id}, {"detail", id.error()}});
    return Response::error(503, "cart.capacity", "too many carts in progress, retry later");
  }
  o.metrics->counter("sportello_checkout_carts_total", "carts opened, by origin", {{"origin", "api"}}).inc();
  o.log->info("checkout_cart_created",
              {{"request_id", req.request_id}, {"cart", *id}, {"notices", notices}, {"amount", total}});
  return Response::redirect(302, cartPath(*id));
}

// ---- "Paga un avviso" -------------------------------------------------------------------------------------

Response Checkout::State::noticeForm(Request& req) const {
  NoticeForm form;
  form.notice_number = req.queryParam("codiceAvviso").value_or("");
  form.fiscal_code = req.queryParam("cfEnte").value_or("");
  return page(200, noticeFormPage(site, form));
}

asio::awaitable<Response> Checkout::State::submitNotice(Request& req) {
  NoticeForm form;
  for (auto& [k, v] : http::parseForm(req.body)) {
    if (k == "codiceAvviso") form.notice_number = v;
    if (k == "cfEnte") form.fiscal_code = v;
    if (k == "email") form.email = v;
  }
  std::optional<pagopa::NoticeNumber> notice;
  if (withoutSpaces(form.notice_number).empty()) {
    form.problems.push_back({"codiceAvviso", "Inserisci il codice avviso."});
  } else if (auto n = pagopa::parseNoticeNumber(form.notice_number); !n) {
    form.problems.push_back({"codiceAvviso", noticeProblem(n.error())});
  } else {
    notice = *n;
  }
  const std::string fiscalCode = withoutSpaces(form.fiscal_code);
  if (fiscalCode.empty()) {
    form.problems.push_back({"cfEnte", "Inserisci il codice fiscale dell'ente creditore."});
  } else if (!elevenDigits(fiscalCode)) {
    form.problems.push_back({"cfEnte", "Il codice fiscale dell'ente ha 11 cifre."});
  }
  const std::string email = withoutSpaces(form.email);
  if (!email.empty() && !plausibleEmail(email)) {
    form.problems.push_back({"email", "L'indirizzo e-mail non è valido."});
  }
  if (!form.problems.empty()) co_return page(422, noticeFormPage(site, form));

  const pagopa::QrCode qr{fiscalCode, notice->digits};
  auto verified = co_await node->verify(qr);
  if (!verified) {
    countNode("verifyPaymentNotice", verified.error().kind == NodeErrorKind::fault ? "fault" : "error");
    logNodeError(req, Cart{}, "verifyPaymentNotice", verified.error());
    const Explanation x = explain(verified.error());
    form.refusal = &x;
    co_return page(200, noticeFormPage(site, form));
  }
  countNode("verifyPaymentNotice", "ok");
  if (verified->payment_list.empty()) {
    NodeError e{NodeErrorKind::unreadable, {}, "verifyPaymentNotice OK without paymentList"};
    const Explanation x = explain(e);
    form.refusal = &x;
    co_return page(200, noticeFormPage(site, form));
  }
  const auto& option = verified->payment_list.front();
  Cart cart;
  cart.origin = CartOrigin::notice_form;
  cart.email = email;
  CartNotice n;
  n.notice_number = notice->digits;
  n.fiscal_code = fiscalCode;
  n.amount = option.amount;
  n.due_date = option.due_date;
  n.company_name = verified->company_name.value_or("Ente creditore " + fiscalCode);
  n.description = verified->payment_description.value_or(option.payment_note.value_or("Avviso di pagamento"));
  n.verified = true;
  cart.notices.push_back(std::move(n));
  auto id = carts.add(std::move(cart));
  if (!id) co_return page(503, capacityPage(site));
  o.metrics->counter("sportello_checkout_carts_total", "carts opened, by origin", {{"origin", "avviso"}})
      .inc();
  o.log->info("checkout_cart_created",
              {{"request_id", req.request_id}, {"cart", *id}, {"notices", 1}, {"amount", option.amount}});
  co_return Response::redirect(303, cartPath(*id));
}

// ---- The cart's page --------------------------------------------------------------------------------------

asio::awaitable<Response> Checkout::State::showCart(Request& req) {
  const std::string id(req.param("id").value_or(""));
  auto found = carts.find(id);
  if (found.status != CartLookup::found) co_return notTaken(found);
  switch (found.cart.state) {
    case CartState::paid:
      co_return Response::redirect(303, cartPath(id) + "/ricevuta");
    case CartState::failed:
      co_return page(200, failedPage(site, found.cart));
    case CartState::cancelled:
      co_return page(200, cancelledPage(site, found.cart));
    case CartState::fresh:
    case CartState::activated:
      break;
  }
  if (found.cart.verified()) co_return page(200, paymentPage(site, found.cart, {}));

  // The EC's notices are verified once, when the citizen first opens the cart: what the node says the
  // notice is (amount, due date) is what is shown and paid.
  auto taken = carts.take(id);
  if (!taken) co_return notTaken(taken.error());
  CartLease lease = std::move(*taken);
  Cart& cart = lease.cart();
  for (auto& n : cart.notices) {
    if (n.verified) continue;
    const pagopa::QrCode qr{n.fiscal_code, n.notice_number};
    auto verified = co_await node->verify(qr);
    if (verified && verified->payment_list.empty()) {
      verified = fail(NodeError{NodeErrorKind::unreadable, {}, "verifyPaymentNotice OK without paymentList"});
    }
    if (!verified) {
      countNode("verifyPaymentNotice", verified.error().kind == NodeErrorKind::fault ? "fault" : "error");
      logNodeError(req, cart, "verifyPaymentNotice", verified.error());
      const Explanation x = explain(verified.error());
      if (x.retry) {
        lease.commit();
        co_return page(200, verifyRetryPage(site, cart, x));
      }
      cart.state = CartState::failed;
      cart.failure = "Avviso " + printedNotice(n.notice_number) + ": " + x.message;
      cart.failure_advice = x.advice;
      cart.failure_code = x.code;
      lease.commit();
      countPayment("failed");
      o.log->info("checkout_cart_failed",
                  {{"request_id", req.request_id}, {"cart", cart.id}, {"code", x.code}});
      co_return page(200, failedPage(site, cart));
    }
    countNode("verifyPaymentNotice", "ok");
    const auto& option = verified->payment_list.front();
    if (option.amount != n.amount) n.cart_amount = n.amount;
    n.amount = option.amount;
    n.due_date = option.due_date;
    if (n.company_name.empty() && verified->company_name) n.company_name = *verified->company_name;
    n.verified = true;
  }
  lease.commit();
  co_return page(200, paymentPage(site, cart, {}));
}

Response Checkout::State::showReceipt(Request& req) const {
  const std::string id(req.param("id").value_or(""));
  auto found = carts.find(id);
  if (found.status == CartLookup::unknown) return page(404, unknownCartPage(site));
  if (found.cart.state != CartState::paid) return Response::redirect(303, cartPath(id));
  return page(200, receiptPage(site, found.cart));
}

// ---- Construction and routes ------------------------------------------------------------------------------

Result<std::unique_ptr<Checkout>, std::string> Checkout::create(Options options) {
  if (!options.config) return fail(std::string("checkout: no configuration"));
  if (!options.clock) return fail(std::string("checkout: no clock"));
  if (!options.log) options.log = Logger::null();
  if (!options.metrics) options.metrics = std::make_shared<Metrics>();
  const auto& p = options.config->pagopa;
  NodeClient::Options no;
  no.url = options.node_url;
  no.tls = options.node_tls;
  no.credentials = {p.id_psp, p.id_broker_psp, p.id_channel, p.password};
  auto node = NodeClient::create(std::move(no));
  if (!node) return fail(std::move(node).error());
  Site site;
  site.psp_id = p.id_psp;
  site.fee = options.fee_cents;
  auto state = std::make_shared<State>(std::move(options), std::move(site), std::move(*node));
  return std::unique_ptr<Checkout>(new Checkout(std::move(state)));
}

Checkout::Checkout(std::shared_ptr<State> state) : state_(std::move(state)) {}
Checkout::~Checkout() = default;

void Checkout::addRoutes(http::Router& router) {
  const std::string p(kPrefix);
  auto s = state_;
  router.post(p + "/ec/v1/carts", [s](Request& req) { return s->createCart(req); });
  router.get(p, [](Request&) { return Response::redirect(301, std::string(kPrefix) + "/"); });
  router.get(p + "/", [s](Request& req) { return s->noticeForm(req); });
  router.addAsync("POST", p + "/avviso", [s](Request& req) { return s->submitNotice(req); });
  router.addAsync("GET", p + "/carrello/{id}", [s](Request& req) { return s->showCart(req); });
  router.addAsync("POST", p + "/carrello/{id}/paga", [s](Request& req) { return s->pay(req); });
  router.addAsync("POST", p + "/carrello/{id}/annulla", [s](Request& req) { return s->cancel(req); });
  router.get(p + "/carrello/{id}/ricevuta", [s](Request& req) { return s->showReceipt(req); });
}

}  // namespace sportello::checkout
