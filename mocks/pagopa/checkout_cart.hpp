// Checkout carts: what the citizen is paying (1-5 notices), where the browser goes afterwards, and how
// far the payment has got.
//
// State machine, one per cart (spec/pagopa.md "Checkout"; every change is made by one request at a time,
// see CartStore::take()):
//   NEW --Paga: activatePaymentNoticeV2 for each notice--> ACTIVATED
//   ACTIVATED --card approved, sendPaymentOutcomeV2 OK--> PAID
//   NEW|ACTIVATED --card declined / node refuses for good--> FAILED (outcome KO for any token)
//   NEW|ACTIVATED --Annulla--> CANCELLED (outcome KO for any token)
// PAID, FAILED and CANCELLED are final: a form submitted again shows the same end (the receipt for PAID).
// A cart that is not final expires `validity` (30 min) after creation, by the simulated clock; a token
// the node issued for it expires on the node's side on its own.
//
// Carts live in memory only (a restart forgets them, as a browser session would), at most `capacity` at a
// time: when full, carts past their expiry are dropped (final ones too, receipts included) to make room.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/result.hpp"
#include "core/pagopa/messages.hpp"

namespace sportello::checkout {

enum class CartState { fresh, activated, paid, failed, cancelled };
std::string_view toString(CartState s);  // "NEW", "ACTIVATED", "PAID", "FAILED", "CANCELLED"

enum class CartOrigin { api, notice_form };  // an EC's POST /ec/v1/carts, or the "Paga un avviso" form

struct ReturnUrls {
  std::string ok;      // returnOkUrl
  std::string cancel;  // returnCancelUrl
  std::string error;   // returnErrorUrl
};

struct CartNotice {
  std::string notice_number;  // 18 digits
  std::string fiscal_code;    // the EC's, 11 digits
  std::int64_t amount = 0;    // cents: as the cart says, then as verified, then as activated (totalAmount)
  std::string company_name;
  std::string description;

  bool verified = false;                    // verifyPaymentNotice answered OK
  std::optional<pagopa::Date> due_date;     // from verify
  std::optional<std::int64_t> cart_amount;  // the cart's amount, kept when the node's differs
  // The activation of the current attempt, sent again unchanged on a retry (same idempotencyKey, so the
  // node answers with the same token).
  std::optional<pagopa::ActivatePaymentNoticeV2Request> activation;
  std::string payment_token;          // empty until activated
  std::string creditor_reference_id;  // the IUV, from activate
};

struct Cart {
  std::string id;  // 32 hex digits, unguessable: the URL is the capability
  CartOrigin origin = CartOrigin::api;
  std::vector<CartNotice> notices;  // 1-5
  ReturnUrls return_urls;           // empty for notice-form carts
  std::string email;                // emailNotice / the form's e-mail; may be empty
  Clock::time_point created{};
  Clock::time_point expires{};
  CartState state = CartState::fresh;

  // The OK outcome of the current attempt, sent again unchanged on a retry.
  std::optional<pagopa::SendPaymentOutcomeV2Request> outcome;
  // FAILED: what the citizen is told, and the code behind it for developers.
  std::string failure;
  std::string failure_advice;
  std::string failure_code;
  // PAID
  std::string card_holder;
  std::string card_last4;
  Clock::time_point paid_at{};
  std::int64_t fee = 0;  // cents, charged once per cart

  std::int64_t total() const;  // the notices' amounts, without the fee
  bool verified() const;       // every notice verified
  bool final() const {
    return state == CartState::paid || state == CartState::failed || state == CartState::cancelled;
  }
  std::vector<std::string> tokens() const;  // the payment tokens issued so far
};

// ---- The EC's cart request (POST /ec/v1/carts) -----------------------------------------------------------

struct CartProblem {
  std::string field;  // "paymentNotices[1].noticeNumber"
  std::string rule;   // "cart.notice_number"
  std::string message;
};

struct CartRefusal {
  int status = 422;  // 400: not a JSON object; 422: the problems listed
  std::string rule;  // "cart.json" | "cart.validation"
  std::string message;
  std::vector<CartProblem> problems;  // every one found, in document order
};

// Reads {paymentNotices[1..5]{noticeNumber, fiscalCode, amount, companyName, description},
// returnUrls{returnOkUrl, returnCancelUrl, returnErrorUrl}, emailNotice?}: notice numbers 18 digits with
// valid check digits and not repeated, fiscal codes 11 digits, amounts integer cents 1..99999999999,
// company and description 1-140 characters, return URLs absolute http(s), e-mail plausible. Other
// members are ignored. The cart returned has origin api and no id or times yet.
Result<Cart, CartRefusal> readCartRequest(std::string_view json);

// One '@' with text on both sides and a dot in the domain; no spaces or characters mail headers refuse.
bool plausibleEmail(std::string_view s);

// ---- Store
// -------------------------------------------------------------------------------------------------

enum class CartLookup { found, unknown, expired, busy };

class CartStore;

// A cart taken by one request for a change that waits on the node. Released by commit() (the cart as
// changed) or by destruction (unchanged).
class CartLease {
 public:
  CartLease(CartStore* store, Cart cart) : store_(store), cart_(std::move(cart)) {}
  CartLease(CartLease&& other) noexcept;
  CartLease& operator=(CartLease&&) = delete;
  CartLease(const CartLease&) = delete;
  ~CartLease();

  Cart& cart() { return cart_; }
  void commit();  // stores cart() and releases; later commits store again (the lease stays usable)

 private:
  CartStore* store_;
  Cart cart_;
};

class CartStore {
 public:
  CartStore(std::shared_ptr<const Clock> clock, std::size_t capacity, Clock::duration validity);

  // Stores a new cart with a fresh id, created now and expiring after `validity`. Fails when the store
  // is full of unexpired carts, or when no random id could be drawn.
  Result<std::string, std::string> add(Cart cart);

  struct Found {
    CartLookup status = CartLookup::unknown;
    Cart cart;  // meaningful unless unknown
  };
  // A copy; status found (busy carts too) or expired or unknown.
  Found find(std::string_view id) const;
  // The cart for a change: busy when another request holds it, expired when not final and past expiry.
  Result<CartLease, Found> take(std::string_view id);

  std::size_t size() const;
  Clock::duration validity() const { return validity_; }
  const Clock& clock() const { return *clock_; }

 private:
  friend class CartLease;
  struct Entry {
    Cart cart;
    bool busy = false;
  };
  bool expired(const Cart& c, Clock::time_point now) const { return !c.final() && now >= c.expires; }
  void put(const Cart& cart);
  void release(const std::string& id);

  std::shared_ptr<const Clock> clock_;
  std::size_t capacity_;
  Clock::duration validity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> carts_;
};

// `n` random characters [A-Za-z0-9] from the CSPRNG; nullopt when it fails.
std::optional<std::string> randomAlnum(std::size_t n);

}  // namespace sportello::checkout
