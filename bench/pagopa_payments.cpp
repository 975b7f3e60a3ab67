// Complete pagoPA payments per second against a running `sportello serve`, for bench/run.
//
// A payment is what a PSP and the node do for one notice: activatePaymentNoticeV2 (the node calls the
// EC's paGetPaymentV2 over HTTPS with its client certificate, issues a token) and sendPaymentOutcomeV2 OK
// (the node commits the payment and the receipt into its outbox), then the node delivers paSendRTV2 to the
// EC, which books it in its own SQLite transaction. `--notices` positions are created first through the
// GPD REST API; `--connections` PSP threads then pay them all. Two rates are reported:
//   outcomes/s   sendPaymentOutcome answered OK (the PSP's view: durable at the node)
//   receipts/s   receipts booked at the EC (the end-to-end view: until the last one is committed there)
// and the latency of one payment (activate + outcome) as the PSP sees it.
// --fsync-bound instead measures durable SQLite write transactions per second on this disk (WAL,
// synchronous=FULL, as the node and the EC use): the bound every committed step is held to.
//
// Usage: sportello-bench-payments --port P --ca CA [--notices 400] [--connections 4] [--json]
//        sportello-bench-payments --fsync-bound DIR [--json]
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "core/store/database.hpp"
#include "tests/support/psp_client.hpp"

using namespace sportello;
using SteadyClock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto idx = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size()))) - 1;
  return sorted[std::min(idx, sorted.size() - 1)];
}

int fsyncBound(const std::string& dir, bool json) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/fsync-bound.db";
  std::filesystem::remove(path);
  auto db = store::Database::open({path});
  if (!db) {
    std::cerr << db.error().message << "\n";
    return 1;
  }
  {
    auto tx = (*db)->write();
    auto st = tx->prepare("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    (void)st->run();
    (void)tx->commit();
  }
  constexpr int kCommits = 1000;
  const auto t0 = SteadyClock::now();
  for (int i = 0; i < kCommits; ++i) {
    auto tx = (*db)->write();
    {
      auto st = tx->prepare("INSERT INTO t (v) VALUES ('receipt')");
      (void)st->run();
    }
    if (!tx->commit()) return 1;
  }
  const double rate = kCommits / std::chrono::duration<double>(SteadyClock::now() - t0).count();
  if (json) {
    std::printf("{\"commits_per_second\":%.1f}\n", rate);
  } else {
    std::printf("durable SQLite commits/s: %.1f\n", rate);
  }
  std::filesystem::remove(path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, notices = 400, connections = 4;
  std::string ca, fsyncDir;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--port")
      port = std::atoi(next().c_str());
    else if (a == "--ca")
      ca = next();
    else if (a == "--notices")
      notices = std::atoi(next().c_str());
    else if (a == "--connections")
      connections = std::atoi(next().c_str());
    else if (a == "--fsync-bound")
      fsyncDir = next();
    else if (a == "--json")
      json = true;
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  if (!fsyncDir.empty()) return fsyncBound(fsyncDir, json);
  if (port <= 0 || ca.empty() || notices <= 0 || connections <= 0) {
    std::cerr
        << "usage: sportello-bench-payments --port P --ca CA [--notices N] [--connections C] [--json]\n";
    return 2;
  }
  const http::Origin origin{true, "127.0.0.1", static_cast<std::uint16_t>(port)};
  http::ClientOptions co;
  co.tls.ca = ca;
  co.read_timeout = std::chrono::seconds(30);

  // The notices, created before the clock starts; a run-unique prefix keeps IUPDs new on a reused data dir.
  const std::string prefix =
      "BENCH-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 100000000) +
      "-";
  std::vector<std::string> navs(static_cast<std::size_t>(notices));
  {
    std::vector<std::thread> ts;
    std::atomic<bool> failed{false};
    for (int t = 0; t < connections; ++t) {
      ts.emplace_back([&, t] {
        http::Client c(co);
        for (int i = t; i < notices; i += connections) {
          navs[static_cast<std::size_t>(i)] = test::psp::createNotice(c, origin, i, prefix);
          if (navs[static_cast<std::size_t>(i)].empty()) failed = true;
        }
      });
    }
    for (auto& t : ts) t.join();
    if (failed) {
      std::cerr << "creating the notices through /comune/gpd failed\n";
      return 1;
    }
  }

  std::atomic<int> next{0}, ok{0}, failures{0};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(connections));
  const auto t0 = SteadyClock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < connections; ++t) {
    ts.emplace_back([&, t] {
      http::Client c(co);
      for (;;) {
        int i = next.fetch_add(1);
        if (i >= notices) break;
        const auto s = SteadyClock::now();
        if (test::psp::pay(c, origin, navs[static_cast<std::size_t>(i)], i)) {
          ++ok;
          lat[static_cast<std::size_t>(t)].push_back(
              std::chrono::duration<double, std::milli>(SteadyClock::now() - s).count());
        } else {
          ++failures;
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  const double outcomeSeconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();

  // Until every paid notice is booked at the EC (the node's outbox delivers paSendRTV2).
  http::Client c(co);
  std::size_t booked = 0;
  const auto deadline = SteadyClock::now() + std::chrono::seconds(120);
  while (SteadyClock::now() < deadline) {
    auto list = c.getSync("https://127.0.0.1:" + std::to_string(port) +
                          "/_admin/comune/receipts?ec=" + test::psp::kComune + "&limit=1000");
    booked = 0;
    if (list && list->status == 200) {
      // Named first: a temporary inside the range expression would die before the loop runs.
      const boost::json::value doc = boost::json::parse(list->body);
      for (const auto& r : doc.as_object().at("receipts").as_array()) {
        const auto& o = r.as_object();
        if (o.at("verdict").as_string() == "booked" &&
            std::find(navs.begin(), navs.end(), std::string(o.at("noticeNumber").as_string())) !=
                navs.end()) {
          ++booked;
        }
      }
    }
    if (booked >= static_cast<std::size_t>(ok.load())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double receiptSeconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();

  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  const double outcomes = ok / outcomeSeconds, receipts = static_cast<double>(booked) / receiptSeconds;
  if (json) {
    std::printf(
        "{\"payments\":%d,\"failures\":%d,\"outcomes_per_second\":%.1f,\"receipts_booked\":%zu,"
        "\"receipts_per_second\":%.1f,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
        "\"connections\":%d}\n",
        ok.load(), failures.load(), outcomes, booked, receipts, percentile(all, 0.5), percentile(all, 0.9),
        percentile(all, 0.99), all.empty() ? 0 : all.back(), connections);
  } else {
    std::printf(
        "payments %d (failures %d): %.1f outcomes/s; %zu receipts booked at the EC: %.1f/s end to end\n"
        "latency of a payment (activate + outcome): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
        ok.load(), failures.load(), outcomes, booked, receipts, percentile(all, 0.5), percentile(all, 0.9),
        percentile(all, 0.99));
  }
  return failures.load() == 0 && booked >= static_cast<std::size_t>(ok.load()) ? 0 : 1;
}
