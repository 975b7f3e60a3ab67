// What the comune tests share: a fixed "now", a valid GPD position body to break one rule at a time,
// and a store on a temporary file with a frozen clock.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/pagopa/notice.hpp"
#include "mocks/comune/debt_positions.hpp"
#include "mocks/comune/seed.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::test {

namespace json = boost::json;
using namespace std::chrono_literals;

// 2026-11-22T10:00:00Z
inline comune::TimePoint fixedNow() {
  return *comune::parseDateTime("2026-11-22T10:00:00Z");
}

inline const char* kVigata = "80012350841";
inline const char* kMontelusa = "80002490847";
inline const char* kComuneIban = "IT95Z0103016600000000147258";
inline const char* kPostalIban = "IT90B0760116600000012345678";

// A notice of the demo comune (aux 3, segregation code 47) with base `n`.
inline pagopa::NoticeNumber vigataNotice(int n) {
  std::string base = std::to_string(n);
  base.insert(0, 13 - base.size(), '0');
  return *pagopa::makeNoticeNumber(3, 47, base);
}

inline json::object validTransfer(std::string id = "1", std::int64_t amount = 10000) {
  return {{"idTransfer", id},
          {"amount", amount},
          {"organizationFiscalCode", kVigata},
          {"remittanceInformation", "TARI 2026 quota comunale"},
          {"category", "9/0101108TS/"},
          {"iban", kComuneIban}};
}

inline json::object validOption(std::int64_t amount = 10000, std::string due = "2026-12-31T23:59:59Z") {
  return {{"amount", amount},
          {"description", "TARI 2026 - unica soluzione"},
          {"isPartialPayment", false},
          {"dueDate", due},
          {"retentionDate", "2027-12-31T23:59:59Z"},
          {"fee", 0},
          {"transfer", json::array{validTransfer("1", amount)}}};
}

inline json::object validPosition(std::string iupd = "VGT-TEST-1") {
  return {{"iupd", iupd},
          {"type", "F"},
          {"fiscalCode", "RSSMRA82C15H501O"},
          {"fullName", "Mario Rossi"},
          {"companyName", "Comune di Vigata"},
          {"officeName", "Ufficio Tributi"},
          {"switchToExpired", false},
          {"paymentOption", json::array{validOption()}}};
}

// A position value (what readPosition gives for validPosition()).
inline comune::DebtPosition positionValue(const std::string& iupd = "VGT-TEST-1") {
  auto p = comune::readPosition(json::serialize(validPosition(iupd)), comune::demoComune(), fixedNow());
  EXPECT_TRUE(p);
  return p ? *p : comune::DebtPosition{};
}

class ComuneStore : public ::testing::Test {
 protected:
  void SetUp() override {
    clock->set(fixedNow(), true);
    open();
  }
  void open() {
    store.reset();
    auto s = comune::DebtPositions::open(
        {dir.path() + "/comune.db", {comune::demoComune(), comune::demoProvincia()}, clock, metrics});
    ASSERT_TRUE(s) << s.error();
    store = std::move(*s);
  }

  TempDir dir;
  std::shared_ptr<Clock> clock = std::make_shared<Clock>();
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  std::unique_ptr<comune::DebtPositions> store;
};

}  // namespace sportello::test
