#include "core/pagopa/dates.hpp"

#include <cstdio>

namespace sportello::pagopa {

namespace {

using namespace std::chrono;

// `n` digits at `pos`, as a number; -1 when they are not all digits or the text is too short.
int digitsAt(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// "YYYY-MM-DD" at the start of `s`.
std::optional<Date> dayAt(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = digitsAt(s, 0, 4);
  int m = digitsAt(s, 5, 2);
  int d = digitsAt(s, 8, 2);
  if (y < 1 || m < 0 || d < 0) return std::nullopt;
  Date day{year{y}, month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
  if (!day.ok()) return std::nullopt;
  return day;
}

// "", "Z", "+hh:mm" or "-hh:mm" (hh <= 14, and 14 only with :00). Outer nullopt: malformed.
std::optional<std::optional<minutes>> zone(std::string_view z) {
  if (z.empty()) return std::optional<minutes>{};
  if (z == "Z") return std::optional<minutes>{minutes{0}};
  if (z.size() != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':') return std::nullopt;
  int h = digitsAt(z, 1, 2);
  int m = digitsAt(z, 4, 2);
  if (h < 0 || m < 0 || m > 59 || h > 14 || (h == 14 && m != 0)) return std::nullopt;
  minutes off{h * 60 + m};
  return std::optional<minutes>{z[0] == '-' ? -off : off};
}

std::string two(long v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02ld", v);
  return buf;
}

}  // namespace

std::string formatDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::optional<Date> parseDate(std::string_view text) {
  auto day = dayAt(text);
  if (!day || !zone(text.substr(10))) return std::nullopt;
  return day;
}

DateTime DateTime::utc(std::chrono::system_clock::time_point t) {
  auto us = time_point_cast<microseconds>(t);
  return DateTime{local_time<microseconds>{us.time_since_epoch()}, minutes{0}};
}

std::string formatDateTime(const DateTime& t) {
  auto day = floor<days>(t.local);
  Date d{day};
  hh_mm_ss<microseconds> tod{t.local - day};
  std::string out = formatDate(d) + "T" + two(tod.hours().count()) + ":" + two(tod.minutes().count()) + ":" +
                    two(tod.seconds().count());
  auto us = tod.subseconds().count();
  if (us != 0) {
    char buf[16];
    if (us % 1000 == 0) {
      std::snprintf(buf, sizeof buf, ".%03ld", static_cast<long>(us / 1000));
    } else {
      std::snprintf(buf, sizeof buf, ".%06ld", static_cast<long>(us));
    }
    out += buf;
  }
  if (t.offset) {
    auto m = t.offset->count();
    if (m == 0) {
      out += "Z";
    } else {
      long a = m < 0 ? -m : m;
      out += (m < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60);
    }
  }
  return out;
}

std::optional<DateTime> parseDateTime(std::string_view text) {
  auto day = dayAt(text);
  if (!day || text.size() < 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  int h = digitsAt(text, 11, 2);
  int m = digitsAt(text, 14, 2);
  int s = digitsAt(text, 17, 2);
  if (h < 0 || m < 0 || s < 0 || h > 24 || m > 59 || s > 59) return std::nullopt;
  std::size_t pos = 19;
  long us = 0;
  bool fractionNonZero = false;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    long scale = 100000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (text[pos] != '0') fractionNonZero = true;
      if (scale > 0) {
        us += (text[pos] - '0') * scale;
        scale /= 10;
      }
      ++pos;
    }
    if (pos == start) return std::nullopt;  // "." needs at least one digit
  }
  auto z = zone(text.substr(pos));
  if (!z) return std::nullopt;
  if (h == 24 && (m != 0 || s != 0 || fractionNonZero)) return std::nullopt;  // only 24:00:00 is allowed
  local_time<microseconds> t{local_days{*day}.time_since_epoch()};
  t += hours{h} + minutes{m} + seconds{s} + microseconds{us};
  return DateTime{t, *z};
}

}  // namespace sportello::pagopa
