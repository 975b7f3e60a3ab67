// Internal to checkout: what its handlers share (checkout.cpp: carts, notice form, pages; checkout_pay.cpp:
// paying and cancelling). Not for other components.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.hpp"
#include "mocks/pagopa/checkout.hpp"
#include "mocks/pagopa/checkout_cart.hpp"
#include "mocks/pagopa/checkout_node.hpp"
#include "mocks/pagopa/checkout_pages.hpp"

namespace sportello::checkout {

struct Checkout::State {
  Options o;
  Site site;
  std::unique_ptr<NodeClient> node;
  CartStore carts;

  State(Options options, Site s, std::unique_ptr<NodeClient> n)
      : o(std::move(options)),
        site(std::move(s)),
        node(std::move(n)),
        carts(o.clock, o.max_carts, std::chrono::duration_cast<Clock::duration>(o.cart_validity)) {}

  // checkout.cpp
  http::Response createCart(http::Request& req);
  http::Response noticeForm(http::Request& req) const;
  boost::asio::awaitable<http::Response> submitNotice(http::Request& req);
  boost::asio::awaitable<http::Response> showCart(http::Request& req);
  http::Response showReceipt(http::Request& req) const;

  // checkout_pay.cpp
  boost::asio::awaitable<http::Response> pay(http::Request& req);
  boost::asio::awaitable<http::Response> cancel(http::Request& req);
  // sendPaymentOutcomeV2 KO for every token of `cart` (nothing when none); the answer is only logged:
  // a token the node does not hear about expires by itself.
  boost::asio::awaitable<void> sendKo(const Cart& cart, const std::string& request_id);

  // Shared helpers (checkout.cpp).
  http::Response page(int status, std::string html) const;   // HTML, Cache-Control: no-store
  http::Response notTaken(const CartStore::Found& f) const;  // unknown 404, expired 410, busy 200
  // "<idPSP alnum, 2-18>_<10 random alnum>"; nullopt when the CSPRNG fails.
  std::optional<std::string> idempotencyKey() const;
  void countNode(std::string_view operation, std::string_view result) const;
  void countPayment(std::string_view result) const;
  void logNodeError(const http::Request& req, const Cart& cart, std::string_view operation,
                    const NodeError& e) const;
};

}  // namespace sportello::checkout
