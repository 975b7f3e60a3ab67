// The strict header-block scan (core/http/request_head.hpp) fed as the connection feeds it: the input
// arrives in chunks of sizes drawn from a hash of the input itself (so that the seeds stay plain HTTP
// requests and every mutation also changes the chunking), empty lines before the request line are
// skipped, and the scan resumes where it stopped. Invariants:
//   - the answer in chunks is the answer in one pass (decision, end of block, rule);
//   - a complete block ends with CRLF CRLF and has no NUL, bare CR, bare LF or obs-fold;
//   - when Beast's request parser accepts a complete block, its header is exactly that block.
// Then the bytes after the block go to Beast as the body, as the connection's async_read would.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/request_head.hpp"
#include "fuzz/check.hpp"

namespace http = sportello::http;
namespace bhttp = boost::beast::http;
using sportello::fuzz::require;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;  // config's default max_header_bytes
constexpr std::size_t kBodyLimit = 64 * 1024;

struct Outcome {
  http::Scan scan = http::Scan::need_more;
  std::size_t start = 0;  // bytes skipped as empty lines before the request line
  std::size_t end = 0;    // complete: the block is input[start, start + end)
  std::string rule;       // bad: the rule broken

  bool operator==(const Outcome&) const = default;
};

// xorshift64*, seeded from the input: deterministic for one input, different for each mutation.
class Chunks {
 public:
  explicit Chunks(std::string_view input) {
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a
    for (char c : input) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    state_ = h | 1;
  }
  std::size_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    std::uint64_t r = state_ * 2685821657736338717ull;
    // Mostly tiny reads (every CR/LF boundary gets hit), sometimes a large one.
    return (r & 7) == 0 ? 1 + (r >> 8) % 4096 : 1 + (r >> 8) % 8;
  }

 private:
  std::uint64_t state_ = 0;
};

// The header phase of HttpLoop::run (core/http/connection.cpp), with reads of `chunk()` bytes.
template <class NextChunk>
Outcome scan(std::string_view input, NextChunk chunk) {
  Outcome o;
  std::size_t have = 0, scanned = 0, end = 0;
  http::Refusal why{};
  for (;;) {
    std::string_view data = input.substr(o.start, have - o.start);
    if (scanned == 0) {
      std::size_t skip = 0;
      while (skip + 1 < data.size() && data[skip] == '\r' && data[skip + 1] == '\n') skip += 2;
      if (skip > 0) {
        o.start += skip;
        continue;
      }
    }
    std::size_t before = scanned;
    o.scan = http::scanHeaderBlock(data, scanned, end, why);
    require(scanned >= before && scanned <= data.size(), "scanned moves forward within the data");
    if (o.scan == http::Scan::complete) {
      o.end = end;
      return o;
    }
    if (o.scan == http::Scan::bad) {
      require(why.status == 400 && why.rule != nullptr, "a refusal is a 400 with a rule");
      o.rule = why.rule;
      return o;
    }
    if (have == input.size()) return o;
    have = std::min(input.size(), have + chunk());
  }
}

void checkBlock(std::string_view block) {
  require(block.size() >= 4 && block.substr(block.size() - 4) == "\r\n\r\n", "block ends with CRLF CRLF");
  require(block.substr(0, 2) != "\r\n", "empty lines before the request line are skipped");
  for (std::size_t i = 0; i < block.size(); ++i) {
    char c = block[i];
    require(c != '\0', "no NUL in a complete block");
    if (c == '\r') require(i + 1 < block.size() && block[i + 1] == '\n', "no bare CR in a complete block");
    if (c == '\n') {
      require(i > 0 && block[i - 1] == '\r', "no bare LF in a complete block");
      if (i + 1 < block.size()) {
        require(block[i + 1] != ' ' && block[i + 1] != '\t', "no obs-fold in a complete block");
      }
    }
  }
  require(block.find("\r\n\r\n") == block.size() - 4, "the block ends at the first empty line");
}

void parse(std::string_view block, std::string_view rest) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kHeaderLimit + 4));
  parser.body_limit(kBodyLimit);
  boost::system::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(block.data(), block.size()), ec);
  // Beast may answer need_more on a complete block ("POST /x 5\r\n\r\n": it wants 8 bytes for the
  // version before judging it): the connection refuses whatever is not header-done as "malformed".
  if (ec || !parser.is_header_done()) return;
  require(used == block.size(), "Beast's header is the scanned block");
  // What the connection reads from the message before routing it.
  const auto& m = parser.get();
  std::size_t bytes = 0;
  for (const auto& f : m) bytes += f.name_string().size() + f.value().size();
  require(bytes <= block.size(), "fields come from the block");
  (void)m.target();
  (void)m.method_string();
  (void)m.keep_alive();
  (void)parser.content_length();
  // The body, as much of it as the input holds.
  while (!parser.is_done() && !rest.empty()) {
    std::size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == bhttp::error::need_more) {
      if (n == 0) break;  // Beast wants more than the input has
      ec = {};
    }
    if (ec) return;
    require(n <= rest.size(), "Beast uses at most what it was given");
    if (n == 0) break;
    rest.remove_prefix(n);
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(bytes), size);
  Chunks chunks(input);
  Outcome inPieces = scan(input, [&] { return chunks.next(); });
  Outcome whole = scan(input, [&] { return input.size(); });
  require(inPieces == whole, "the answer in chunks is the answer in one pass");
  if (whole.scan == http::Scan::complete) {
    std::string_view block = input.substr(whole.start, whole.end);
    checkBlock(block);
    parse(block, input.substr(whole.start + whole.end));
  }
  return 0;
}
