// What integration tests share: a test PKI generated once per test binary, a temporary directory,
// and a logger that keeps lines for assertions.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/log.hpp"
#include "core/pki/pki.hpp"

namespace sportello::test {

// A fresh directory under the system temp dir, removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The process-wide test PKI (generated on first use into a temp dir removed at exit).
const pki::Materials& testPki();

// A logger that records every line; thread-safe.
class CapturingLog {
 public:
  CapturingLog();
  std::shared_ptr<Logger> logger() const { return logger_; }
  std::vector<std::string> lines() const;
  // Lines containing every one of `needles`.
  std::size_t count(std::initializer_list<std::string_view> needles) const;
  // Waits (up to `timeout`) until count(needles) >= n: servers log after the answer is on the wire.
  std::size_t waitFor(std::initializer_list<std::string_view> needles, std::size_t n = 1,
                      std::chrono::milliseconds timeout = std::chrono::seconds(3)) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  std::shared_ptr<Logger> logger_;
};

}  // namespace sportello::test
