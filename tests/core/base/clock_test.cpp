#include "core/base/clock.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using sportello::Clock;

TEST(Clock, RealByDefault) {
  Clock c;
  auto before = std::chrono::system_clock::now();
  auto t = c.now();
  EXPECT_GE(t, before);
  EXPECT_LE(t, std::chrono::system_clock::now());
  EXPECT_FALSE(c.frozen());
}

TEST(Clock, AdvanceMovesTimeForward) {
  Clock c;
  c.advance(10min);
  auto delta = c.now() - std::chrono::system_clock::now();
  EXPECT_GT(delta, 9min);
  EXPECT_LT(delta, 11min);
}

TEST(Clock, FrozenStaysPutAndAdvances) {
  Clock c;
  auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  c.set(t0, true);
  EXPECT_EQ(c.now(), t0);
  c.advance(5min + 1s);
  EXPECT_EQ(c.now(), t0 + 5min + 1s);
  c.reset();
  EXPECT_FALSE(c.frozen());
  EXPECT_LT(c.now() - std::chrono::system_clock::now(), 1s);
}

TEST(Clock, FormatUtc) {
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000)) + 123ms;
  EXPECT_EQ(sportello::formatUtc(t), "2026-11-18T11:06:40Z");
  EXPECT_EQ(sportello::formatUtc(t, true), "2026-11-18T11:06:40.123Z");
}
