// The simulated card payment of checkout: the form's fields checked as a card acquirer's page would
// (holder, number with its Luhn check digit, expiry not past, CVV), then an "authorisation" that knows
// only the test cards printed on the page. No card data is stored beyond the last four digits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/result.hpp"

namespace sportello::checkout {

// The test cards printed on the payment page.
inline constexpr std::string_view kCardApproved = "4242424242424242";
inline constexpr std::string_view kCardDeclined = "4000000000000002";

// The form as typed ("4242 4242 4242 4242", "12/30").
struct CardInput {
  std::string holder;  // field "titolare"
  std::string number;  // field "numeroCarta": digits, spaces and dashes allowed
  std::string expiry;  // field "scadenza": MM/AA or MM/AAAA
  std::string cvv;     // field "cvv": 3 or 4 digits
};

struct Card {
  std::string holder;
  std::string number;  // digits only
  int expiry_month = 0;
  int expiry_year = 0;  // four digits
  std::string last4() const { return number.size() >= 4 ? number.substr(number.size() - 4) : number; }
};

// One problem with one field, in Italian, for the form.
struct FieldProblem {
  std::string field;  // the input's name
  std::string message;
};

// Every problem of the form (empty holder, number not 13-19 digits or failing Luhn, expiry malformed or
// before the current month of `now`, CVV not 3-4 digits).
Result<Card, std::vector<FieldProblem>> readCard(const CardInput& in, Clock::time_point now);

bool luhnValid(std::string_view digits);

enum class Authorisation { approved, declined, unknown_card };
// kCardApproved -> approved, kCardDeclined -> declined, any other -> unknown_card (this test PSP knows
// no real cards).
Authorisation authorise(const Card& card);

}  // namespace sportello::checkout
