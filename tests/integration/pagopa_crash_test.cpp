// "Nothing paid is ever lost": a stream of payments through the real `sportello serve` (node, EC and
// checkout's PSP credentials), the process killed with SIGKILL in the middle, restarted on the same data
// directory: every payment whose sendPaymentOutcome was answered OK ends with exactly one receipt booked at
// the EC, and no notice is ever booked twice.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/http/client.hpp"
#include "tests/integration/cli_support.hpp"
#include "tests/support/psp_client.hpp"
#include "tests/support/test_env.hpp"

using namespace sportello;
using namespace std::chrono_literals;
using namespace sportello::test::cli;

namespace {

using test::psp::createNotice;
using test::psp::kComune;
using test::psp::pay;

struct Serve {
  pid_t pid = -1;
  std::string ca;
  http::Origin origin;
};

Serve startServe(const std::string& dir) {
  std::string ports = dir + "/ports.json";
  std::filesystem::remove(ports);
  Serve s;
  s.pid = spawn({"serve", "-c", std::string(SPORTELLO_SOURCE_DIR) + "/config/sportello.toml", "--listen",
                 "127.0.0.1:0", "--data-dir", dir + "/var", "--ports-file", ports},
                dir);
  for (int i = 0; i < 500 && !std::filesystem::exists(ports); ++i) std::this_thread::sleep_for(20ms);
  if (!std::filesystem::exists(ports)) return s;
  auto doc = boost::json::parse(slurp(ports)).as_object();
  s.ca = std::string(doc["ca"].as_string());
  s.origin = {
      true, "127.0.0.1",
      static_cast<std::uint16_t>(doc["listeners"].as_object()["main"].as_object()["port"].as_int64())};
  return s;
}

http::Client client(const Serve& s) {
  http::ClientOptions o;
  o.tls.ca = s.ca;
  o.read_timeout = 10s;
  return http::Client(o);
}

TEST(PagopaCrash, EveryCompletedPaymentHasExactlyOneReceiptAfterKill9) {
  test::TempDir dir;
  Serve first = startServe(dir.path());
  Reaper reaper{first.pid};
  ASSERT_GT(first.origin.port, 0) << slurp(dir.path() + "/stderr.txt");
  auto c = client(first);

  constexpr int kNotices = 60;
  std::vector<std::string> notices;
  for (int i = 0; i < kNotices; ++i) {
    notices.push_back(createNotice(c, first.origin, i));
    ASSERT_FALSE(notices.back().empty());
  }

  // Two PSP threads pay notices; the main thread kills the process at a random moment in the stream.
  std::mutex mu;
  std::set<std::string> paid;  // sendPaymentOutcome answered OK
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> psps;
  for (int t = 0; t < 2; ++t) {
    psps.emplace_back([&] {
      auto own = client(first);
      while (!stop.load()) {
        int i = next.fetch_add(1);
        if (i >= kNotices) break;
        if (pay(own, first.origin, notices[static_cast<std::size_t>(i)], i)) {
          std::lock_guard lock(mu);
          paid.insert(notices[static_cast<std::size_t>(i)]);
        }
      }
    });
  }
  std::mt19937 rng{std::random_device{}()};
  const int killAfter = std::uniform_int_distribution<int>(10, 35)(rng);
  for (int i = 0; i < 2000 && next.load() < killAfter; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(::kill(first.pid, SIGKILL), 0);
  ::waitpid(first.pid, nullptr, 0);
  reaper.done = true;
  stop = true;
  for (auto& t : psps) t.join();
  ASSERT_FALSE(paid.empty())
      << "no payment completed before the kill: the stream was too slow to test anything";

  Serve second = startServe(dir.path());
  Reaper again{second.pid};
  ASSERT_GT(second.origin.port, 0) << slurp(dir.path() + "/stderr.txt");
  auto c2 = client(second);
  // Deliver whatever the outbox still holds now rather than after its backoff.
  std::map<std::string, int> booked;
  for (int round = 0; round < 150; ++round) {
    http::Request flush;
    flush.method = "POST";
    flush.target = "/_admin/pagopa/outbox/flush";
    (void)c2.sendSync(second.origin, flush);
    auto list = c2.getSync("https://127.0.0.1:" + std::to_string(second.origin.port) +
                           "/_admin/comune/receipts?ec=" + kComune + "&limit=1000");
    ASSERT_TRUE(list) << list.error().message();
    booked.clear();
    // Named first: a temporary inside the range expression would die before the loop runs.
    const boost::json::value doc = boost::json::parse(list->body);
    for (const auto& r : doc.as_object().at("receipts").as_array()) {
      const auto& o = r.as_object();
      if (o.at("verdict").as_string() == "booked") booked[std::string(o.at("noticeNumber").as_string())]++;
    }
    bool all = true;
    for (const auto& n : paid) all = all && booked.count(n) > 0;
    if (all) break;
    std::this_thread::sleep_for(100ms);
  }
  for (const auto& n : paid)
    EXPECT_EQ(booked[n], 1) << "notice " << n << " answered OK but booked " << booked[n];
  for (const auto& [n, count] : booked) EXPECT_EQ(count, 1) << "notice " << n << " booked twice";
  std::cerr << "paid before the kill: " << paid.size() << ", booked after restart: " << booked.size() << "\n";

  ::kill(second.pid, SIGTERM);
  auto r = finish(second.pid, dir.path());
  again.done = true;
  EXPECT_EQ(r.status, 0);
}

}  // namespace
