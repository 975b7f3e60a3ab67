#include "core/saml/time.hpp"

#include "core/base/clock.hpp"

namespace sportello::saml {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

Result<TimePoint, std::string> parseDateTime(std::string_view s) {
  // YYYY-MM-DDThh:mm:ss[.fff...](Z|+hh:mm|-hh:mm)
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) ||
      s[16] != ':' || !digits(s, 17, 2, se)) {
    return fail("not an xs:dateTime (YYYY-MM-DDThh:mm:ssZ): \"" + std::string(s) + "\"");
  }
  std::size_t pos = 19;
  std::chrono::nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100'000'000, ns = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return fail("empty fractional seconds in \"" + std::string(s) + "\"");
    frac = std::chrono::nanoseconds(ns);
  }
  int offsetMinutes = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 14 || om > 59) {
      return fail("bad time zone offset in \"" + std::string(s) + "\"");
    }
    offsetMinutes = (oh * 60 + om) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return fail("no time zone in \"" + std::string(s) + "\" (SAML times are UTC, ending in Z)");
  }
  if (pos != s.size()) return fail("trailing characters in \"" + std::string(s) + "\"");
  using namespace std::chrono;
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 60)
    return fail("out-of-range field in \"" + std::string(s) + "\"");
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return fail("no such date in \"" + std::string(s) + "\"");
  TimePoint t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{se};
  t += duration_cast<system_clock::duration>(frac);
  t -= minutes{offsetMinutes};
  return t;
}

std::string formatDateTime(TimePoint t) {
  return formatUtc(t, true);
}

}  // namespace sportello::saml
