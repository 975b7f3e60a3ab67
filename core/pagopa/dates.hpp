// xs:date and xs:dateTime values as pagoPA messages carry them (stISODate, stISODateTime, xs:dateTime).
// pagoPA writes Italian wall-clock times without a zone ("2026-03-31T10:15:30"); a zone, when present,
// is kept. Pure functions over values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sportello::pagopa {

// A calendar day. parseDate() accepts the xs:date lexical form YYYY-MM-DD with an optional zone
// ("Z", "+01:00"), which it drops: a due date is a day in Italy.
using Date = std::chrono::year_month_day;

std::string formatDate(Date d);  // "2026-03-31"
// Years 0001-9999 only; nullopt for anything that is not a real day in that form.
std::optional<Date> parseDate(std::string_view text);

struct DateTime {
  std::chrono::local_time<std::chrono::microseconds> local;  // the wall-clock time as written
  std::optional<std::chrono::minutes> offset;                // its zone; nullopt when none was written

  static DateTime utc(std::chrono::system_clock::time_point t);  // with offset 0 ("Z")

  bool operator==(const DateTime&) const = default;
};

// "2026-03-31T10:15:30", with ".123" or ".123456" when there is a fraction of a second, then "Z" or
// "+01:00" when there is a zone.
std::string formatDateTime(const DateTime& t);
// The xs:dateTime lexical form (years 0001-9999); fractions finer than a microsecond are truncated;
// "24:00:00" is the next day's midnight.
std::optional<DateTime> parseDateTime(std::string_view text);

}  // namespace sportello::pagopa
