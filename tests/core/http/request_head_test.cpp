#include "core/http/request_head.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sportello::http {
namespace {

using namespace std::string_literals;

struct Answer {
  Scan scan = Scan::need_more;
  std::size_t end = 0;
  std::string rule;  // when bad
  int status = 0;    // when bad

  bool operator==(const Answer&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Answer& a) {
  const char* names[] = {"need_more", "complete", "bad"};
  return os << names[static_cast<int>(a.scan)] << " end=" << a.end << " rule=" << a.rule;
}

Answer answer(Scan s, std::size_t end, const Refusal& why) {
  Answer a{s, 0, {}, 0};
  if (s == Scan::complete) a.end = end;
  if (s == Scan::bad) {
    a.rule = why.rule;
    a.status = why.status;
  }
  return a;
}

Answer onePass(std::string_view data) {
  std::size_t scanned = 0, end = 0;
  Refusal why{};
  Scan s = scanHeaderBlock(data, scanned, end, why);
  return answer(s, end, why);
}

// Feeds `data` as the connection does: the buffer grows by `chunk` bytes at a time and the scan resumes
// where the previous call stopped, until it decides or the bytes run out.
Answer inChunks(std::string_view data, std::size_t chunk) {
  std::size_t scanned = 0, end = 0, have = 0;
  Refusal why{};
  Scan s = Scan::need_more;
  while (have < data.size()) {
    have = std::min(data.size(), have + chunk);
    std::size_t before = scanned;
    s = scanHeaderBlock(data.substr(0, have), scanned, end, why);
    EXPECT_GE(scanned, before) << "scan went backwards";
    EXPECT_LE(scanned, have);
    if (s != Scan::need_more) break;
  }
  return answer(s, end, why);
}

const std::string kGet = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(RequestHead, CompleteBlockEndsAfterTheEmptyLine) {
  auto a = onePass(kGet);
  EXPECT_EQ(a.scan, Scan::complete);
  EXPECT_EQ(a.end, kGet.size());
  // Body or pipelined bytes after the block are not the scanner's business.
  auto b = onePass(kGet + "GET /next HTTP/1.1\n\0"s);
  EXPECT_EQ(b.scan, Scan::complete);
  EXPECT_EQ(b.end, kGet.size());
  auto post = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"s;
  EXPECT_EQ(onePass(post).end, post.size() - 3);
}

TEST(RequestHead, NeedsMoreAtACrOrLfBoundary) {
  std::size_t scanned = 0, end = 0;
  Refusal why{};
  std::string head = "GET /hello HTTP/1.1\r";
  EXPECT_EQ(scanHeaderBlock(head, scanned, end, why), Scan::need_more);
  EXPECT_LE(scanned, head.size() - 1);  // the CR is looked at again once its successor is here
  head += '\n';
  EXPECT_EQ(scanHeaderBlock(head, scanned, end, why), Scan::need_more);
  EXPECT_EQ(scanned, head.size() - 1);  // a fold may still follow the LF
  head += "Host: x\r\n\r";
  EXPECT_EQ(scanHeaderBlock(head, scanned, end, why), Scan::need_more);
  head += '\n';
  EXPECT_EQ(scanHeaderBlock(head, scanned, end, why), Scan::complete);
  EXPECT_EQ(end, head.size());
  EXPECT_EQ(onePass("").scan, Scan::need_more);
  EXPECT_EQ(onePass("GET / HTTP/1.1\r\nHost: x\r\n").scan, Scan::need_more);
}

TEST(RequestHead, BareLf) {
  auto a = onePass("GET /hello HTTP/1.1\nHost: x\r\n\r\n");
  EXPECT_EQ(a.scan, Scan::bad);
  EXPECT_EQ(a.rule, "bare_lf");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(onePass("\n").rule, "bare_lf");
  EXPECT_EQ(onePass("GET / HTTP/1.1\r\nHost: x\r\n\n").rule, "bare_lf");
}

TEST(RequestHead, ObsFold) {
  EXPECT_EQ(onePass("GET /hello HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n").rule, "obs_fold");
  EXPECT_EQ(onePass("GET /hello HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\n").rule, "obs_fold");
  // Whitespace before the first field is a fold too (RFC 9112 2.2 says to reject or ignore it).
  EXPECT_EQ(onePass("GET /hello HTTP/1.1\r\n Host: x\r\n\r\n").rule, "obs_fold");
}

TEST(RequestHead, BareCr) {
  auto a = onePass("GET /hello HTTP/1.1\rHost: x\r\n\r\n");
  EXPECT_EQ(a.scan, Scan::bad);
  EXPECT_EQ(a.rule, "bare_cr");
  EXPECT_EQ(onePass("GET /hello HTTP/1.1\r\nHost: x\r\r\n\r\n").rule, "bare_cr");
  EXPECT_EQ(onePass("GET /hello HTTP/1.1\r\nHost: x\r\n\r\r\n").rule, "bare_cr");
}

TEST(RequestHead, NulByte) {
  EXPECT_EQ(onePass("GET /hello HTTP/1.1\r\nHost: x\0y\r\n\r\n"s).rule, "nul_byte");
  EXPECT_EQ(onePass("\0"s).rule, "nul_byte");
}

TEST(RequestHead, ResumingGivesTheSameAnswerAsOnePass) {
  const std::vector<std::string> cases = {
      kGet,
      kGet + "trailing",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
      "GET /hello HTTP/1.1\nHost: x\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\n",
      "GET /hello HTTP/1.1\rHost: x\r\n\r\n",
      "GET /hello HTTP/1.1\r\rHost: x\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\r\n",
      "GET /hello HTTP/1.1\r\nHost: x\0y\r\n\r\n"s,
      "GET /hello HTTP/1.1\r\nHost: x\r\n",
      "\r\n\r\n",
      "\r\r",
      "\n",
  };
  for (const auto& c : cases) {
    Answer whole = onePass(c);
    for (std::size_t chunk = 1; chunk <= c.size(); ++chunk) {
      EXPECT_EQ(inChunks(c, chunk), whole) << "chunk " << chunk << " of " << testing::PrintToString(c);
    }
  }
}

}  // namespace
}  // namespace sportello::http
