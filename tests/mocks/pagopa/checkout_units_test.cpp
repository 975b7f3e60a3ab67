// Checkout's pure parts: amounts and times as Italians read them, the simulated card, e-mail addresses.
#include <gtest/gtest.h>

#include "mocks/pagopa/checkout_card.hpp"
#include "mocks/pagopa/checkout_cart.hpp"
#include "mocks/pagopa/checkout_pages.hpp"

namespace sportello::checkout {
namespace {

using namespace std::chrono;

Clock::time_point at(int y, unsigned m, unsigned d, int h, int min) {
  return sys_days{year(y) / month(m) / day(d)} + hours(h) + minutes(min);
}

TEST(CheckoutFormat, EuroInItalian) {
  EXPECT_EQ(formatEuro(123456), "1.234,56 €");
  EXPECT_EQ(formatEuro(5), "0,05 €");
  EXPECT_EQ(formatEuro(100), "1,00 €");
  EXPECT_EQ(formatEuro(99999999999), "999.999.999,99 €");
  EXPECT_EQ(formatEuro(100000), "1.000,00 €");
  EXPECT_EQ(formatEuro(-250), "-2,50 €");
}

TEST(CheckoutFormat, ItalianTimeFollowsSummerTime) {
  EXPECT_EQ(formatItalianTime(at(2026, 1, 15, 10, 5)), "15/01/2026 alle 11:05");
  EXPECT_EQ(formatItalianTime(at(2026, 7, 15, 10, 5)), "15/07/2026 alle 12:05");
  // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
  EXPECT_EQ(formatItalianTime(at(2026, 3, 29, 0, 59)), "29/03/2026 alle 01:59");
  EXPECT_EQ(formatItalianTime(at(2026, 3, 29, 1, 0)), "29/03/2026 alle 03:00");
  EXPECT_EQ(formatItalianTime(at(2026, 10, 25, 0, 59)), "25/10/2026 alle 02:59");
  EXPECT_EQ(formatItalianTime(at(2026, 10, 25, 1, 0)), "25/10/2026 alle 02:00");
  EXPECT_EQ(formatItalianTime(at(2026, 12, 31, 23, 30)), "01/01/2027 alle 00:30");
  EXPECT_EQ(italianDay(at(2026, 12, 31, 23, 30)), year(2027) / January / 1);
  EXPECT_EQ(formatDay(year(2026) / 3 / 5), "05/03/2026");
}

TEST(CheckoutFormat, PrintedNotice) {
  EXPECT_EQ(printedNotice("301000000000000144"), "3010 0000 0000 0001 44");
  EXPECT_EQ(printedNotice("12"), "12");
}

TEST(CheckoutCard, Luhn) {
  EXPECT_TRUE(luhnValid("4242424242424242"));
  EXPECT_TRUE(luhnValid("4000000000000002"));
  EXPECT_FALSE(luhnValid("4242424242424241"));
  EXPECT_FALSE(luhnValid(""));
  EXPECT_FALSE(luhnValid("42a2"));
}

TEST(CheckoutCard, ReadsTheFormAndAuthorisesOnlyTestCards) {
  const auto now = at(2026, 6, 10, 12, 0);
  auto ok = readCard({" Mario Rossi ", "4242 4242-4242 4242", "06/26", "123"}, now);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->holder, "Mario Rossi");
  EXPECT_EQ(ok->number, "4242424242424242");
  EXPECT_EQ(ok->expiry_year, 2026);
  EXPECT_EQ(ok->last4(), "4242");
  EXPECT_EQ(authorise(*ok), Authorisation::approved);
  auto declined = readCard({"M", "4000000000000002", "01/2030", "1234"}, now);
  ASSERT_TRUE(declined);
  EXPECT_EQ(authorise(*declined), Authorisation::declined);
  auto other = readCard({"M", "5555555555554444", "01/30", "123"}, now);
  ASSERT_TRUE(other);
  EXPECT_EQ(authorise(*other), Authorisation::unknown_card);
}

TEST(CheckoutCard, EveryProblemOnce) {
  const auto now = at(2026, 6, 10, 12, 0);
  auto bad = readCard({"", "1234", "05/26", "12a"}, now);
  ASSERT_FALSE(bad);
  std::vector<std::string> fields;
  for (const auto& p : bad.error()) fields.push_back(p.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"titolare", "numeroCarta", "scadenza", "cvv"}));
  for (const char* expiry : {"5/26", "00/30", "13/30", "0630", "06/3", ""}) {
    auto r = readCard({"M", "4242424242424242", expiry, "123"}, now);
    ASSERT_FALSE(r) << expiry;
    EXPECT_EQ(r.error().front().field, "scadenza");
  }
}

TEST(CheckoutCart, PlausibleEmail) {
  EXPECT_TRUE(plausibleEmail("mario.rossi@example.it"));
  for (const char* bad : {"", "x", "x@", "@x.it", "a@b", "a@@b.it", "a b@c.it", "a@b.it,c@d.it"}) {
    EXPECT_FALSE(plausibleEmail(bad)) << bad;
  }
}

TEST(CheckoutCart, StoreExpiresBoundsAndLeases) {
  auto clock = std::make_shared<Clock>();
  CartStore store(clock, 2, minutes(30));
  Cart c;
  c.notices.resize(1);
  auto a = store.add(c);
  auto b = store.add(c);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(store.add(c));  // full of live carts
  {
    auto lease = store.take(*a);
    ASSERT_TRUE(lease);
    auto again = store.take(*a);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().status, CartLookup::busy);
    lease->cart().state = CartState::paid;
    lease->commit();
  }
  EXPECT_TRUE(store.take(*a));  // released
  clock->advance(minutes(31));
  EXPECT_EQ(store.find(*b).status, CartLookup::expired);
  EXPECT_EQ(store.find(*a).status, CartLookup::found);  // final carts do not expire
  auto d = store.add(c);                                // room made by dropping carts past their expiry
  ASSERT_TRUE(d);
  EXPECT_EQ(store.find(*b).status, CartLookup::unknown);
  EXPECT_EQ(store.find("nope").status, CartLookup::unknown);
}

}  // namespace
}  // namespace sportello::checkout
