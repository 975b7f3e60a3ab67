// JSON-lines logging. One event = one line = one write(2), so lines from several threads never interleave.
// Every line has "ts" (UTC, ms), "level" and "event"; the rest are typed fields given at the call site.
// Redaction is the caller's duty (core/http/redact.hpp does it for HTTP); this layer only escapes.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace sportello {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

std::string_view toString(LogLevel l);
// "debug" | "info" | "warn" | "error"; false on anything else.
bool parseLogLevel(std::string_view s, LogLevel& out);

struct LogField {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;

  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, std::int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  LogField(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
  LogField(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}
};

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;

  // Writes to file descriptor `fd` (2 = stderr); does not own it.
  explicit Logger(int fd = 2, LogLevel min = LogLevel::info);
  // Hands every line (with its trailing '\n') to `sink`; for tests and in-memory journals.
  explicit Logger(Sink sink, LogLevel min = LogLevel::debug);

  bool enabled(LogLevel l) const noexcept { return l >= min_; }
  void setLevel(LogLevel l) noexcept { min_ = l; }

  void log(LogLevel l, std::string_view event, std::initializer_list<LogField> fields = {}) const;
  void debug(std::string_view e, std::initializer_list<LogField> f = {}) const { log(LogLevel::debug, e, f); }
  void info(std::string_view e, std::initializer_list<LogField> f = {}) const { log(LogLevel::info, e, f); }
  void warn(std::string_view e, std::initializer_list<LogField> f = {}) const { log(LogLevel::warn, e, f); }
  void error(std::string_view e, std::initializer_list<LogField> f = {}) const { log(LogLevel::error, e, f); }

  // A logger that drops everything (for tools and tests that do not care).
  static std::shared_ptr<Logger> null();

 private:
  int fd_ = -1;
  Sink sink_;
  LogLevel min_;
};

// Appends `s` as a JSON string literal (quotes included); invalid UTF-8 bytes become U+FFFD.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace sportello
