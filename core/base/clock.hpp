// The one clock every time decision reads (assertion windows, tokens, notice due dates, sessions).
// Real time by default; tests and the admin API can freeze it, set it or move it forward, so that
// expiry is testable without sleeping. Thread-safe; cheap to read (two relaxed atomic loads).
// Timeouts of sockets do NOT use this clock: they are about the real world, not the simulated one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace sportello {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  time_point now() const noexcept;

  // Moves simulated time by `d` (may be negative); keeps running (or frozen) as before.
  void advance(duration d) noexcept;
  // Makes now() return `t` from here on, running or frozen.
  void set(time_point t, bool frozen) noexcept;
  // Back to real time.
  void reset() noexcept;

  bool frozen() const noexcept { return frozen_.load(std::memory_order_relaxed); }
  // Offset from real time (zero when real).
  duration offset() const noexcept;

 private:
  // When running: now = system_clock::now() + offset_. When frozen: now = frozen_at_.
  std::atomic<std::int64_t> offset_ns_{0};
  std::atomic<std::int64_t> frozen_at_ns_{0};
  std::atomic<bool> frozen_{false};
};

// "2026-11-22T10:40:00Z" / with milliseconds "2026-11-22T10:40:00.123Z" (UTC, as SAML and pagoPA want).
std::string formatUtc(Clock::time_point t, bool millis = false);

}  // namespace sportello
