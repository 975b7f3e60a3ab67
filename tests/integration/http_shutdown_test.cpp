// Graceful shutdown under load: every request a client managed to send gets its whole answer.
#include <atomic>
#include <thread>

#include "tests/integration/http_fixture.hpp"

using namespace sportello;
using namespace sportello::test;

TEST(HttpShutdown, DrainsInFlightRequestsWithZeroFailures) {
  TestServer ts;
  std::atomic<int> sent{0}, answered{0}, failed{0}, closedCleanly{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&, i] {
      while (!stop) {
        auto c = (i % 2 == 0) ? ts.plain() : ts.tls();
        if (!c) return;  // the listener is closed: nothing was sent, nothing failed
        while (!stop) {
          // A mix of fast and slow requests, so that some are in flight when shutdown starts.
          if (!c->send(get(i % 4 == 0 ? "/slow?ms=200" : "/slow?ms=5"))) break;
          ++sent;
          auto r = c->readResponse(5s);
          if (!r || r->status != 200) {
            ++failed;
            return;
          }
          ++answered;
          if (r->header("Connection") == "close") {
            ++closedCleanly;
            return;
          }
        }
      }
    });
  }
  std::this_thread::sleep_for(400ms);
  int before = answered.load();
  auto t0 = std::chrono::steady_clock::now();
  ts.server->shutdown();
  ts.server->wait();
  auto took = std::chrono::steady_clock::now() - t0;
  stop = true;
  for (auto& t : clients) t.join();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(sent.load(), answered.load());
  EXPECT_GT(before, 100);              // there was real load
  EXPECT_GT(closedCleanly.load(), 0);  // connections were told to close, not cut
  EXPECT_LT(took, 3s);                 // finished before the grace period
  EXPECT_EQ(ts.log.count({"drain_cut"}), 0u);
}

TEST(HttpShutdown, GraceExpiryCutsWhatIsLeft) {
  TestServer ts(testLimits(), [](http::ServerOptions& o) { o.shutdown_grace = 300ms; });
  auto c = ts.plain();
  c->send(get("/slow?ms=5000"));
  std::this_thread::sleep_for(100ms);
  auto t0 = std::chrono::steady_clock::now();
  ts.server->shutdown();
  ts.server->wait();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_FALSE(c->readResponse(1s));
  EXPECT_EQ(ts.log.count({"drain_cut"}), 1u);
}

TEST(HttpShutdown, NewConnectionsAreRefusedOnceDraining) {
  TestServer ts;
  auto port = ts.port();
  ts.server->shutdown();
  ts.server->wait();
  std::string err;
  EXPECT_FALSE(RawConn::plain(port, &err));
  EXPECT_FALSE(ts.server->ready());
}
