#include "core/base/clock.hpp"

#include <cstdio>
#include <ctime>

namespace sportello {

namespace {
std::int64_t toNs(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
Clock::time_point fromNs(std::int64_t ns) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
}
}  // namespace

Clock::time_point Clock::now() const noexcept {
  if (frozen_.load(std::memory_order_relaxed)) return fromNs(frozen_at_ns_.load(std::memory_order_relaxed));
  return std::chrono::system_clock::now() +
         std::chrono::nanoseconds(offset_ns_.load(std::memory_order_relaxed));
}

void Clock::advance(duration d) noexcept {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  offset_ns_.fetch_add(ns, std::memory_order_relaxed);
  frozen_at_ns_.fetch_add(ns, std::memory_order_relaxed);
}

void Clock::set(time_point t, bool frozen) noexcept {
  frozen_at_ns_.store(toNs(t), std::memory_order_relaxed);
  offset_ns_.store(toNs(t) - toNs(std::chrono::system_clock::now()), std::memory_order_relaxed);
  frozen_.store(frozen, std::memory_order_relaxed);
}

void Clock::reset() noexcept {
  frozen_.store(false, std::memory_order_relaxed);
  offset_ns_.store(0, std::memory_order_relaxed);
  frozen_at_ns_.store(0, std::memory_order_relaxed);
}

Clock::duration Clock::offset() const noexcept {
  if (frozen()) return now() - std::chrono::system_clock::now();
  return std::chrono::duration_cast<duration>(
      std::chrono::nanoseconds(offset_ns_.load(std::memory_order_relaxed)));
}

std::string formatUtc(Clock::time_point t, bool millis) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  if (secs > t) secs -= std::chrono::seconds(1);  // floor for times before the epoch
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];  // roomy: -Wformat-truncation reasons about int ranges, not real years
  if (millis) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buf;
}

}  // namespace sportello
