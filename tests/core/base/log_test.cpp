#include "core/base/log.hpp"

#include <gtest/gtest.h>

#include "core/base/metrics.hpp"

using namespace sportello;

TEST(Log, WritesOneJsonLinePerEvent) {
  std::string out;
  Logger log([&](std::string_view line) { out += line; }, LogLevel::info);
  log.debug("hidden");
  log.info("hello", {{"n", 3}, {"ok", true}, {"who", "Mario \"Rossi\"\n"}});
  ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  EXPECT_NE(
      out.find(
          "\"level\":\"info\",\"event\":\"hello\",\"n\":3,\"ok\":true,\"who\":\"Mario \\\"Rossi\\\"\\n\"}"),
      std::string::npos)
      << out;
}

TEST(Log, EscapesControlAndInvalidUtf8) {
  std::string s;
  appendJsonString(s, std::string("a\x01"
                                  "b\xff"
                                  "c\xc3\xa8",
                                  7));
  EXPECT_EQ(s,
            "\"a\\u0001b\xEF\xBF\xBD"
            "c\xc3\xa8\"");
}

TEST(Log, ParseLevel) {
  LogLevel l{};
  EXPECT_TRUE(parseLogLevel("warn", l));
  EXPECT_EQ(l, LogLevel::warn);
  EXPECT_FALSE(parseLogLevel("verbose", l));
}

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.counter("x_total", "Things.", {{"route", "GET /a\"b"}}).inc(2);
  m.gauge("open", "Open now.").set(5);
  auto& h = m.histogram("lat_seconds", "Latency.", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(3);
  std::string text = m.render();
  EXPECT_NE(text.find("# TYPE x_total counter\nx_total{route=\"GET /a\\\"b\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("open 5\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"0.1\"} 1\nlat_seconds_bucket{le=\"1\"} 2\n"
                      "lat_seconds_bucket{le=\"+Inf\"} 3\nlat_seconds_sum 3.55\nlat_seconds_count 3\n"),
            std::string::npos)
      << text;
}

TEST(Metrics, SameNameAndLabelsIsTheSameSeries) {
  Metrics m;
  auto& a = m.counter("c", "C.", {{"k", "v"}});
  auto& b = m.counter("c", "C.", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &m.counter("c", "C.", {{"k", "w"}}));
}
