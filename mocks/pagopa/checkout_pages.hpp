// The pages of checkout, in Italian, on the national design system skeleton (core/web/page.hpp, theme
// "pagopa"): one h1 each, labelled fields, errors listed at the top (role="alert") and tied to their
// fields (aria-describedby, aria-invalid). Pure functions from values to HTML; every value is escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.hpp"
#include "mocks/pagopa/checkout_card.hpp"
#include "mocks/pagopa/checkout_cart.hpp"
#include "mocks/pagopa/checkout_node.hpp"

namespace sportello::checkout {

inline constexpr std::string_view kPrefix = "/pagopa/checkout";
std::string cartPath(std::string_view cart_id);  // "/pagopa/checkout/carrello/<id>"

// "1.234,56 €" (Italian grouping and decimal comma; a plain space before the euro sign).
std::string formatEuro(std::int64_t cents);
std::string formatDay(const pagopa::Date& d);  // "31/12/2026"
// "31/12/2026 alle 14:05", in Italian time (CET/CEST by the EU rule: last Sundays of March and October).
std::string formatItalianTime(Clock::time_point t);
// The calendar day in Italy at `t` (applicationDate and transferDate of an outcome).
pagopa::Date italianDay(Clock::time_point t);
// "3010 0000 0000 0001 44": as printed on the notice.
std::string printedNotice(std::string_view digits18);

struct Site {
  std::string psp_id;                                     // [pagopa] id_psp
  std::int64_t fee = 100;                                 // cents
  std::string administration = "PagoPA S.p.A.";           // slim header
  std::string service = "pagoPA — pagamenti (simulati)";  // centre header
};

// "Paga un avviso": the form, with what was typed, the problems with it, or the node's refusal.
struct NoticeForm {
  std::string notice_number;
  std::string fiscal_code;
  std::string email;
  std::vector<FieldProblem> problems;
  const Explanation* refusal = nullptr;  // verifyPaymentNotice failed
};
std::string noticeFormPage(const Site& site, const NoticeForm& form);

// The summary and the card form of a cart that can still be paid (NEW, ACTIVATED).
struct PaymentForm {
  std::string holder;                    // kept across a refused submission; card data never is
  std::vector<FieldProblem> problems;    // the card form's
  const Explanation* refusal = nullptr;  // the node's, when a retry may succeed
};
std::string paymentPage(const Site& site, const Cart& cart, const PaymentForm& form);

// A cart whose notices could not be verified yet (the node or the station did not answer).
std::string verifyRetryPage(const Site& site, const Cart& cart, const Explanation& why);

std::string receiptPage(const Site& site, const Cart& cart);    // PAID: "Ricevuta di pagamento"
std::string failedPage(const Site& site, const Cart& cart);     // FAILED: why, and the way back
std::string cancelledPage(const Site& site, const Cart& cart);  // CANCELLED
std::string expiredPage(const Site& site, const Cart& cart);    // not final and past its expiry
std::string unknownCartPage(const Site& site);
std::string busyPage(const Site& site, const Cart& cart);  // another request is working on the cart
std::string capacityPage(const Site& site);                // the store is full

}  // namespace sportello::checkout
