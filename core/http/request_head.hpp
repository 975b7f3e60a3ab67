// The strict scan of a request's header block (request line + header fields + empty line) that runs
// before Beast parses it: Beast would accept obs-fold, bare LF and other leniencies that let a front
// door and a back end disagree about where a request ends (request smuggling).
// Contract: scanHeaderBlock never reads outside `data`, never throws, and gives the same answer whether
// the bytes arrive in one piece or in any number of pieces (resuming at `scanned`).
// Pure code over bytes, no Beast: the fuzz target fuzz/fuzz_request_head.cpp runs it on its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sportello::http {

// A refusal decided before the request reaches a handler.
struct Refusal {
  int status;
  const char* rule;  // stable name for logs and metrics
  std::string message;
};

// Where the header block ends, or why it never will. Scans incrementally: `scanned` is where to resume.
enum class Scan { need_more, complete, bad };

// `data` is everything received so far, starting at the request line (the caller skips the empty lines
// RFC 9112 2.2 allows before it). Start with scanned = 0 and call again with the same `scanned` each
// time `data` has grown (same prefix, more bytes):
//   complete:  the block is data[0, end), its last 4 bytes "\r\n\r\n";
//   bad:       `why` says which rule the block breaks (bare_lf, bare_cr, obs_fold, nul_byte), status 400;
//   need_more: no decision yet.
Scan scanHeaderBlock(std::string_view data, std::size_t& scanned, std::size_t& end, Refusal& why);

}  // namespace sportello::http
