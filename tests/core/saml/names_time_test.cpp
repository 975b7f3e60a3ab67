#include <gtest/gtest.h>

#include "core/saml/names.hpp"
#include "core/saml/time.hpp"

using namespace sportello::saml;

TEST(Level, UrisAndLegacyForm) {
  EXPECT_EQ(levelFromUri("https://www.spid.gov.it/SpidL2"), Level::L2);
  EXPECT_EQ(levelFromUri("urn:oasis:names:tc:SAML:2.0:ac:classes:SpidL1"), std::nullopt);  // catalogue 97
  EXPECT_EQ(levelFromUri("https://www.spid.gov.it/SpidL4"), std::nullopt);
}

// Catalogue tests 94-96: the level an SP may accept, for every requested level and Comparison.
TEST(Level, AcceptanceRule) {
  using enum Level;
  using enum Comparison;
  struct Case {
    Level requested;
    Comparison cmp;
    Level returned;
    bool ok;
  };
  for (auto c : std::vector<Case>{{L2, exact, L2, true},
                                  {L2, minimum, L2, true},
                                  {L2, better, L2, false},
                                  {L2, maximum, L2, true},
                                  {L2, exact, L3, true},
                                  {L2, better, L3, true},
                                  {L2, exact, L1, false},
                                  {L2, minimum, L1, false},
                                  {L2, better, L1, false},
                                  {L2, maximum, L1, true},
                                  {L1, minimum, L1, true},
                                  {L3, maximum, L1, true},
                                  {L3, exact, L2, false},
                                  {L3, minimum, L3, true}}) {
    EXPECT_EQ(levelAcceptable(c.requested, c.cmp, c.returned), c.ok)
        << static_cast<int>(c.requested) << " " << toString(c.cmp) << " " << static_cast<int>(c.returned);
  }
}

TEST(DateTime, ParsesUtcMillisecondsAndOffsets) {
  auto a = parseDateTime("2026-11-22T10:40:00Z");
  auto b = parseDateTime("2026-11-22T10:40:00.250Z");
  auto c = parseDateTime("2026-11-22T11:40:00+01:00");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*b - *a, std::chrono::milliseconds(250));
  EXPECT_EQ(*c, *a);
  EXPECT_EQ(formatDateTime(*b), "2026-11-22T10:40:00.250Z");
}

TEST(DateTime, RefusesWhatIsNotAnXsDateTime) {
  for (auto s : {"", "2026-11-22", "2026-11-22T10:40:00", "2026-11-22 10:40:00Z", "2026-02-30T10:00:00Z",
                 "2026-11-22T25:00:00Z", "2026-11-22T10:40:00.Z", "2026-11-22T10:40:00Zjunk", "22/11/2026"}) {
    EXPECT_FALSE(parseDateTime(s)) << s;
  }
}
