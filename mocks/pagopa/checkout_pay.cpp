// Paying and cancelling a cart: the PSP's half of "activate, pay, send the outcome" (spec/pagopa.md,
// "Happy path": every activate is followed by a sendPaymentOutcome).
#include <algorithm>

#include "mocks/pagopa/checkout_state.hpp"

namespace sportello::checkout {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

namespace f = pagopa::fault;

CardInput cardInput(std::string_view body) {
  CardInput in;
  for (auto& [k, v] : http::parseForm(body)) {
    if (k == "titolare") in.holder = v;
    if (k == "numeroCarta") in.number = v;
    if (k == "scadenza") in.expiry = v;
    if (k == "cvv") in.cvv = v;
  }
  return in;
}

void markFailed(Cart& cart, const Explanation& x) {
  cart.state = CartState::failed;
  cart.failure = x.message;
  cart.failure_advice = x.advice;
  cart.failure_code = x.code;
}

}  // namespace

asio::awaitable<void> Checkout::State::sendKo(const Cart& cart, const std::string& request_id) {
  std::vector<std::string> tokens = cart.tokens();
  if (tokens.empty()) co_return;
  pagopa::SendPaymentOutcomeV2Request ko;
  ko.credentials = node->credentials();
  ko.idempotency_key = idempotencyKey();
  ko.payment_tokens = std::move(tokens);
  ko.outcome = pagopa::Outcome::ko;
  auto answer = co_await node->sendOutcome(ko);
  if (!answer) {
    countNode("sendPaymentOutcomeV2", answer.error().kind == NodeErrorKind::fault ? "fault" : "error");
    o.log->warn("checkout_node_error", {{"request_id", request_id},
                                        {"cart", cart.id},
                                        {"operation", "sendPaymentOutcomeV2"},
                                        {"outcome", "KO"},
                                        {"kind", toString(answer.error().kind)},
                                        {"fault_code", answer.error().fault.fault_code},
                                        {"detail", answer.error().detail}});
    co_return;
  }
  countNode("sendPaymentOutcomeV2", "ok");
  o.log->info("checkout_outcome_ko", {{"request_id", request_id},
                                      {"cart", cart.id},
                                      {"tokens", static_cast<std::uint64_t>(ko.payment_tokens.size())}});
}

asio::awaitable<Response> Checkout::State::pay(Request& req) {
  const std::string id(req.param("id").value_or(""));
  auto taken = carts.take(id);
  if (!taken) co_return notTaken(taken.error());
  CartLease lease = std::move(*taken);
  Cart& cart = lease.cart();
  // A form sent again to a cart that has reached its end shows that end (the receipt when paid).
  if (cart.state == CartState::paid) co_return Response::redirect(303, cartPath(id) + "/ricevuta");
  if (cart.final() || !cart.verified()) co_return Response::redirect(303, cartPath(id));

  const CardInput typed = cardInput(req.body);
  PaymentForm form;
  form.holder = typed.holder;
  auto card = readCard(typed, carts.clock().now());
  if (!card) {
    form.problems = card.error();
    co_return page(422, paymentPage(site, cart, form));
  }
  const Authorisation authorisation = authorise(*card);
  if (authorisation == Authorisation::unknown_card) {
    form.problems.push_back(
        {"numeroCarta", "Carta non riconosciuta: in questo ambiente di prova usa una delle carte indicate."});
    co_return page(422, paymentPage(site, cart, form));
  }

  // 1. A token for each notice. The request of each is made once per attempt and kept: a retry (after a
  //    timeout, a station down, a double submission that got through) sends the very same request, whose
  //    idempotencyKey makes the node answer with the same token instead of a second activation.
  const auto now = carts.clock().now();
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(cart.expires - now);
  const auto expiration =
      std::clamp(left, std::chrono::milliseconds(60'000), std::chrono::milliseconds(1'800'000));
  for (auto& n : cart.notices) {
    if (!n.payment_token.empty()) continue;
    if (!n.activation) {
      auto key = idempotencyKey();
      if (!key) co_return Response::error(500, "checkout.random", "no random bytes for an idempotency key");
      pagopa::ActivatePaymentNoticeV2Request a;
      a.credentials = node->credentials();
      a.idempotency_key = std::move(*key);
      a.qr_code = {n.fiscal_code, n.notice_number};
      a.expiration_time = expiration;
      a.amount = n.amount;
      a.due_date = n.due_date;
      a.payment_method = pagopa::PaymentMethodFee::cp;
      a.touch_point = pagopa::TouchPoint::checkout;
      n.activation = std::move(a);
    }
    const pagopa::ActivatePaymentNoticeV2Request& activation = *n.activation;
    auto activated = co_await node->activate(activation);
    if (activated && (!activated->payment_token || activated->payment_token->empty())) {
      activated =
          fail(NodeError{NodeErrorKind::unreadable, {}, "activatePaymentNoticeV2 OK without paymentToken"});
    }
    if (!activated) {
      countNode("activatePaymentNoticeV2",
                activated.error().kind == NodeErrorKind::fault ? "fault" : "error");
      logNodeError(req, cart, "activatePaymentNoticeV2", activated.error());
      const Explanation x = explain(activated.error());
      if (x.retry) {
        // The tokens already issued stay with the cart: "Paga" again resumes, "Annulla" sends them KO.
        lease.commit();
        form.refusal = &x;
        co_return page(200, paymentPage(site, cart, form));
      }
      co_await sendKo(cart, req.request_id);
      markFailed(cart, x);
      cart.failure = "Avviso " + printedNotice(n.notice_number) + ": " + x.message;
      lease.commit();
      countPayment("failed");
      co_return Response::redirect(303, cartPath(id));
    }
    countNode("activatePaymentNoticeV2", "ok");
    n.payment_token = *activated->payment_token;
    n.creditor_reference_id = activated->creditor_reference_id.value_or("");
    if (activated->total_amount) n.amount = *activated->total_amount;
    cart.state = CartState::activated;
    lease.commit();
  }

  // 2. The card: declined means no money moved, and the node is told KO so the notices are payable again.
  if (authorisation == Authorisation::declined) {
    co_await sendKo(cart, req.request_id);
    markFailed(cart, {"La carta è stata rifiutata: il pagamento non è stato eseguito.",
                      "Non ti è stato addebitato nulla. Puoi ripetere il pagamento con un'altra carta.",
                      false, "card.declined"});
    lease.commit();
    countPayment("declined");
    o.log->info("checkout_declined", {{"request_id", req.request_id}, {"cart", cart.id}});
    co_return Response::redirect(303, cartPath(id));
  }

  // 3. The outcome OK for every token, one request per attempt (resent unchanged on a retry).
  if (!cart.outcome) {
    auto key = idempotencyKey();
    if (!key) co_return Response::error(500, "checkout.random", "no random bytes for an idempotency key");
    pagopa::SendPaymentOutcomeV2Request ok;
    ok.credentials = node->credentials();
    ok.idempotency_key = std::move(*key);
    ok.payment_tokens = cart.tokens();
    ok.outcome = pagopa::Outcome::ok;
    pagopa::OutcomeDetailsV2 details;
    details.payment_method = pagopa::PaymentMethod::credit_card;
    details.payment_channel = pagopa::PaymentChannel::on_line;
    details.fee = site.fee;
    details.application_date = italianDay(now);
    details.transfer_date = italianDay(now);
    ok.details = std::move(details);
    cart.outcome = std::move(ok);
  }
  const pagopa::SendPaymentOutcomeV2Request& outcome = *cart.outcome;
  auto sent = co_await node->sendOutcome(outcome);
  // PPT_ESITO_GIA_ACQUISITO: the node already has this outcome (an earlier send whose answer was lost).
  const bool already = !sent && sent.error().kind == NodeErrorKind::fault &&
                       sent.error().fault.fault_code == f::ppt_esito_gia_acquisito;
  if (!sent && !already) {
    countNode("sendPaymentOutcomeV2", sent.error().kind == NodeErrorKind::fault ? "fault" : "error");
    logNodeError(req, cart, "sendPaymentOutcomeV2", sent.error());
    const Explanation x = explain(sent.error());
    if (x.retry) {
      lease.commit();
      form.refusal = &x;
      co_return page(200, paymentPage(site, cart, form));
    }
    markFailed(cart, x);
    cart.failure = "Il pagamento non è stato completato: " + x.message;
    cart.failure_advice = "Non ti è stato addebitato nulla. " + x.advice;
    lease.commit();
    countPayment("failed");
    co_return Response::redirect(303, cartPath(id));
  }
  countNode("sendPaymentOutcomeV2", sent ? "ok" : "fault");
  cart.state = CartState::paid;
  cart.paid_at = carts.clock().now();
  cart.card_holder = card->holder;
  cart.card_last4 = card->last4();
  cart.fee = site.fee;
  lease.commit();
  countPayment("paid");
  o.log->info("checkout_paid", {{"request_id", req.request_id},
                                {"cart", cart.id},
                                {"notices", static_cast<std::uint64_t>(cart.notices.size())},
                                {"amount", cart.total()},
                                {"fee", site.fee}});
  co_return Response::redirect(303, cartPath(id) + "/ricevuta");
}

asio::awaitable<Response> Checkout::State::cancel(Request& req) {
  const std::string id(req.param("id").value_or(""));
  auto taken = carts.take(id);
  if (!taken) co_return notTaken(taken.error());
  CartLease lease = std::move(*taken);
  Cart& cart = lease.cart();
  if (cart.state == CartState::paid) co_return Response::redirect(303, cartPath(id) + "/ricevuta");
  if (cart.state == CartState::failed) co_return Response::redirect(303, cartPath(id));
  if (cart.state != CartState::cancelled) {
    co_await sendKo(cart, req.request_id);
    cart.state = CartState::cancelled;
    lease.commit();
    countPayment("cancelled");
    o.log->info("checkout_cancelled", {{"request_id", req.request_id},
                                       {"cart", cart.id},
                                       {"tokens", static_cast<std::uint64_t>(cart.tokens().size())}});
  }
  if (cart.origin == CartOrigin::api) co_return Response::redirect(303, cart.return_urls.cancel);
  co_return Response::redirect(303, cartPath(id));
}

}  // namespace sportello::checkout
