#include "tests/support/test_env.hpp"

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

namespace sportello::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = (fs::temp_directory_path() / ("sportello-test-" + std::to_string(rd()) + std::to_string(rd())))
              .string();
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

const pki::Materials& testPki() {
  static TempDir dir;
  static pki::Materials materials = [] {
    pki::Options o;
    o.dir = dir.path() + "/pki";
    o.idp_names = {"aurora-id", "cie-test"};
    o.sp.entity_id = "https://localhost/spid/metadata";
    o.sp.organization = "Comune di Vigata";
    o.sp.ipa_code = "c_vgt";
    o.sp.locality = "Vigata";
    std::vector<pki::Finding> findings;
    auto r = pki::ensure(o, findings);
    if (!r) throw std::runtime_error("test PKI: " + r.error());
    return *r;
  }();
  return materials;
}

CapturingLog::CapturingLog()
    : logger_(std::make_shared<Logger>(
          [this](std::string_view line) {
            std::lock_guard lock(mu_);
            lines_.emplace_back(line);
          },
          LogLevel::debug)) {}

std::vector<std::string> CapturingLog::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

std::size_t CapturingLog::count(std::initializer_list<std::string_view> needles) const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& l : lines_) {
    bool all = true;
    for (auto nd : needles) all = all && l.find(nd) != std::string::npos;
    n += all ? 1 : 0;
  }
  return n;
}

std::size_t CapturingLog::waitFor(std::initializer_list<std::string_view> needles, std::size_t n,
                                  std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t c = count(needles);
  while (c < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    c = count(needles);
  }
  return c;
}

}  // namespace sportello::test
