// Client::open / ClientStream against the real server: bodies streamed both ways over plain and TLS,
// pooling after clean and abandoned exchanges, and each typed failure the reverse proxy maps.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "core/http/client.hpp"
#include "tests/integration/http_stream_fixture.hpp"

using namespace sportello;
using namespace sportello::test;
namespace asio = boost::asio;

namespace {

http::ClientOptions pinned() {
  http::ClientOptions o;
  o.tls.ca = testPki().ca.cert;
  return o;
}

http::Request request(std::string method, std::string target) {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

// Runs `body` as a coroutine on a fresh io_context until it finishes; fails the test if it throws.
void runCoroutine(const std::function<asio::awaitable<void>()>& body) {
  asio::io_context io;
  bool done = false;
  asio::co_spawn(io, body, [&](const std::exception_ptr& e) {
    done = true;
    if (e) ADD_FAILURE() << "coroutine threw";
  });
  io.run();
  EXPECT_TRUE(done);
}

// The whole remaining body, or the error that ended it.
asio::awaitable<Result<std::string, http::ClientError>> readAllBody(http::ClientStream& s) {
  std::string body;
  std::vector<char> piece(kPiece);
  for (;;) {
    auto n = co_await s.readBody(piece);
    if (!n) co_return fail(std::move(n).error());
    if (*n == 0) co_return body;
    body.append(piece.data(), *n);
  }
}

}  // namespace

// Upload and download at once, in lock step: a piece goes up only once everything sent so far has come
// back, which can only work if neither side buffers the whole body.
TEST(HttpClientStream, EchoesBothWaysInLockStepOverPlainAndTls) {
  StreamServer s(StreamServer::bulkLimits());
  http::Client client(pinned());
  const std::string body = patternBody(20 * 1024 * 1024 + 3);
  for (bool tls : {false, true}) {
    for (bool chunkedUpload : {false, true}) {
      if (chunkedUpload && !tls) continue;  // one chunked run is enough for the 20 MB case
      std::string echoed;
      std::string failure;
      runCoroutine([&]() -> asio::awaitable<void> {
        http::Origin o{tls, "127.0.0.1", s.port(tls ? "tls" : "plain")};
        std::optional<std::uint64_t> length;
        if (!chunkedUpload) length = body.size();
        http::CallOptions call;
        call.idle_timeout = 5s;  // a buffering peer would stall the lock step: fail, don't hang
        auto head = request("POST", "/stream/echo");
        auto opened = co_await client.open(o, std::move(head), length, call);
        if (!opened) {
          failure = opened.error().message();
          co_return;
        }
        auto& st = **opened;
        std::vector<char> piece(kPiece);
        bool headRead = false;
        for (std::size_t at = 0; at < body.size();) {
          std::size_t k = std::min(kPiece, body.size() - at);
          auto w = co_await st.writeBody(std::string_view(body).substr(at, k));
          if (!w) {
            failure = "write: " + w.error().message();
            co_return;
          }
          at += k;
          if (!headRead) {
            auto h = co_await st.readHead();
            if (!h || h->status != 200) {
              failure = h ? "status " + std::to_string(h->status) : h.error().message();
              co_return;
            }
            headRead = true;
          }
          while (echoed.size() < at) {
            auto n = co_await st.readBody(piece);
            if (!n || *n == 0) {
              failure = n ? "early end" : "read: " + n.error().message();
              co_return;
            }
            echoed.append(piece.data(), *n);
          }
        }
        if (auto e = co_await st.endRequest(); !e) {
          failure = "end: " + e.error().message();
          co_return;
        }
        auto rest = co_await readAllBody(st);
        if (!rest) {
          failure = "tail: " + rest.error().message();
          co_return;
        }
        echoed += *rest;
      });
      EXPECT_EQ(failure, "") << (tls ? "tls" : "plain") << (chunkedUpload ? " chunked" : " length");
      EXPECT_TRUE(echoed == body) << echoed.size() << " bytes back";
      EXPECT_LE(s.probe.max_held.load(), kPiece);
    }
  }
}

TEST(HttpClientStream, DownloadsAndUploadsWithBothFramings) {
  StreamServer s(StreamServer::bulkLimits());
  http::Client client(pinned());
  runCoroutine([&]() -> asio::awaitable<void> {
    for (bool tls : {false, true}) {
      http::Origin o{tls, "127.0.0.1", s.port(tls ? "tls" : "plain")};
      for (const char* target : {"/stream/download?n=300001", "/stream/download?chunked=1&n=300001"}) {
        auto head = request("GET", target);
        auto st = co_await client.open(o, std::move(head), std::nullopt);
        EXPECT_TRUE(st);
        if (!st) co_return;
        auto h = co_await (*st)->readHead();
        EXPECT_TRUE(h && h->status == 200);
        bool chunked = std::string_view(target).find("chunked") != std::string_view::npos;
        if (chunked) {
          EXPECT_FALSE((*st)->contentLength());
        } else {
          EXPECT_EQ((*st)->contentLength(), std::optional<std::uint64_t>(300001));
        }
        auto b = co_await readAllBody(**st);
        EXPECT_TRUE(b && *b == patternBody(300001)) << target;
      }
      for (bool chunkedUpload : {false, true}) {
        const std::string up = patternBody(900);
        std::optional<std::uint64_t> length;
        if (!chunkedUpload) length = up.size();
        auto head = request("POST", "/stream/count");
        auto st = co_await client.open(o, std::move(head), length);
        EXPECT_TRUE(st);
        if (!st) co_return;
        // In uneven pieces, the first small enough to travel with the head.
        auto r1 = co_await (*st)->writeBody(std::string_view(up).substr(0, 1));
        EXPECT_TRUE(r1);
        auto r2 = co_await (*st)->writeBody(std::string_view(up).substr(1, 500));
        EXPECT_TRUE(r2);
        auto r3 = co_await (*st)->writeBody(std::string_view(up).substr(501));
        EXPECT_TRUE(r3);
        auto r4 = co_await (*st)->endRequest();
        EXPECT_TRUE(r4);
        auto h = co_await (*st)->readHead();
        EXPECT_TRUE(h && h->status == 200);
        auto b = co_await readAllBody(**st);
        EXPECT_TRUE(b && *b == "900");
      }
    }
  });
}

TEST(HttpClientStream, CleanExchangesReuseTheConnectionAbandonedOnesDoNot) {
  StreamServer s;
  http::Client client(pinned());
  std::vector<bool> reused;
  runCoroutine([&]() -> asio::awaitable<void> {
    http::Origin o{false, "127.0.0.1", s.port()};
    for (int i = 0; i < 3; ++i) {
      auto head = request("GET", "/stream/download?n=100000");
      auto st = co_await client.open(o, std::move(head), std::nullopt);
      if (!st) co_return;
      reused.push_back((*st)->reusedConnection());
      auto h = co_await (*st)->readHead();
      EXPECT_TRUE(h);
      auto b = co_await readAllBody(**st);
      EXPECT_TRUE(b && b->size() == 100000);
    }
    {
      // Abandoned half-way: the connection must not go back to the pool.
      auto head = request("GET", "/stream/download?n=1000000");
      auto st = co_await client.open(o, std::move(head), std::nullopt);
      if (!st) co_return;
      reused.push_back((*st)->reusedConnection());
      auto h = co_await (*st)->readHead();
      EXPECT_TRUE(h);
      std::vector<char> piece(1000);
      auto r5 = co_await (*st)->readBody(piece);
      EXPECT_TRUE(r5);
    }
    {
      // A request whose body was never ended is not reusable either.
      auto head = request("POST", "/stream/early");
      auto st = co_await client.open(o, std::move(head), 10);
      if (!st) co_return;
      reused.push_back((*st)->reusedConnection());
      auto r6 = co_await (*st)->writeBody("abc");
      EXPECT_TRUE(r6);
      auto h = co_await (*st)->readHead();  // the early answer
      EXPECT_TRUE(h && h->status == 403);
      auto r7 = co_await readAllBody(**st);
      EXPECT_TRUE(r7);
    }
    auto head = request("GET", "/hello");
    auto st = co_await client.open(o, std::move(head), std::nullopt);
    if (!st) co_return;
    reused.push_back((*st)->reusedConnection());
    auto h = co_await (*st)->readHead();
    EXPECT_TRUE(h && h->status == 200);
  });
  EXPECT_EQ(reused, (std::vector<bool>{false, true, true, true, false, false}));
  EXPECT_EQ(client.stats().connects, 3u);
  EXPECT_EQ(client.stats().reused, 3u);
}

TEST(HttpClientStream, SendStillPoolsThroughTheSameConnections) {
  StreamServer s;
  http::Client client(pinned());
  runCoroutine([&]() -> asio::awaitable<void> {
    http::Origin o{true, "127.0.0.1", s.port("tls")};
    auto first = request("GET", "/stream/download?n=5000");
    auto st = co_await client.open(o, std::move(first), std::nullopt);
    if (!st) co_return;
    auto r8 = co_await (*st)->readHead();
    EXPECT_TRUE(r8);
    auto r9 = co_await readAllBody(**st);
    EXPECT_TRUE(r9);
    st->reset();
    auto second = request("POST", "/echo");
    second.body = "ciao";
    auto r = co_await client.send(o, std::move(second));
    EXPECT_TRUE(r && r->body == "ciao");
  });
  EXPECT_EQ(client.stats().connects, 1u);
  EXPECT_EQ(client.stats().reused, 1u);
}

TEST(HttpClientStream, ConnectRefused) {
  auto closedPort = [] {
    StreamServer tmp;
    auto p = tmp.port();
    tmp.server->shutdown();
    tmp.server->wait();
    return p;
  }();
  http::Client client(pinned());
  std::optional<http::ClientErrc> code;
  runCoroutine([&]() -> asio::awaitable<void> {
    auto head = request("GET", "/");
    const http::Origin o{false, "127.0.0.1", closedPort};  // named: no temporaries in co_await (g++ 12)
    auto st = co_await client.open(o, std::move(head), std::nullopt);
    if (!st) code = st.error().code;
  });
  EXPECT_EQ(code, http::ClientErrc::connect_refused);
}

TEST(HttpClientStream, ResponseHeadTimeout) {
  StreamServer s;
  http::Client client(pinned());
  std::optional<http::ClientErrc> code;
  runCoroutine([&]() -> asio::awaitable<void> {
    http::CallOptions call;
    call.response_timeout = 200ms;
    auto head = request("GET", "/slow?ms=1500");
    const http::Origin o{false, "127.0.0.1", s.port()};
    auto st = co_await client.open(o, std::move(head), std::nullopt, call);
    if (!st) co_return;
    auto h = co_await (*st)->readHead();
    if (!h) code = h.error().code;
  });
  EXPECT_EQ(code, http::ClientErrc::read_timeout);
}

TEST(HttpClientStream, IdleTimeoutBetweenBodyPieces) {
  StreamServer s;
  http::Client client(pinned());
  std::optional<http::ClientErrc> code;
  std::size_t got = 0;
  runCoroutine([&]() -> asio::awaitable<void> {
    http::CallOptions call;
    call.idle_timeout = 400ms;
    auto head = request("GET", "/stream/download?n=200000&pause_ms=2000");
    const http::Origin o{true, "127.0.0.1", s.port("tls")};
    auto st = co_await client.open(o, std::move(head), std::nullopt, call);
    if (!st) co_return;
    auto h = co_await (*st)->readHead();
    EXPECT_TRUE(h && h->status == 200);
    std::vector<char> piece(kPiece);
    for (;;) {
      auto n = co_await (*st)->readBody(piece);
      if (!n) {
        code = n.error().code;
        break;
      }
      if (*n == 0) break;
      got += *n;
    }
  });
  EXPECT_EQ(code, http::ClientErrc::read_timeout);
  EXPECT_EQ(got, kPiece);  // the first piece arrived before the pause
}

TEST(HttpClientStream, PeerClosingMidBodyIsAnError) {
  StreamServer s;
  http::Client client(pinned());
  for (const char* target : {"/stream/fail", "/stream/fail?chunked=1"}) {
    for (bool tls : {false, true}) {
      std::optional<http::ClientErrc> code;
      std::size_t got = 0;
      runCoroutine([&]() -> asio::awaitable<void> {
        auto head = request("GET", target);
        http::CallOptions call;
        call.idle_timeout = 10s;  // the error must come from the close, long before this
        const http::Origin o{tls, "127.0.0.1", s.port(tls ? "tls" : "plain")};
        auto st = co_await client.open(o, std::move(head), std::nullopt, call);
        if (!st) co_return;
        auto h = co_await (*st)->readHead();
        EXPECT_TRUE(h && h->status == 200);
        std::vector<char> piece(kPiece);
        for (;;) {
          auto n = co_await (*st)->readBody(piece);
          if (!n) {
            code = n.error().code;
            break;
          }
          if (*n == 0) break;
          got += *n;
        }
      });
      EXPECT_EQ(code, http::ClientErrc::closed) << target << (tls ? " tls" : " plain");
      EXPECT_EQ(got, 1000u) << target;
    }
  }
}

TEST(HttpClientStream, SkipsInformationalAnswersAndChecksBodyLengths) {
  StreamServer s;
  http::Client client(pinned());
  runCoroutine([&]() -> asio::awaitable<void> {
    http::Origin o{false, "127.0.0.1", s.port()};
    {
      // The server sends 100 Continue at its first read; readHead() passes over it.
      auto head = request("POST", "/stream/count");
      head.headers.add("Expect", "100-continue");
      auto st = co_await client.open(o, std::move(head), 4);
      if (!st) co_return;
      auto r10 = co_await (*st)->writeBody("abcd");
      EXPECT_TRUE(r10);
      auto r11 = co_await (*st)->endRequest();
      EXPECT_TRUE(r11);
      auto h = co_await (*st)->readHead();
      EXPECT_TRUE(h && h->status == 200);
      auto b = co_await readAllBody(**st);
      EXPECT_TRUE(b && *b == "4");
    }
    {
      auto head = request("POST", "/stream/count");
      auto st = co_await client.open(o, std::move(head), 4);
      if (!st) co_return;
      auto over = co_await (*st)->writeBody("abcde");
      EXPECT_TRUE(!over && over.error().code == http::ClientErrc::write_failed);
    }
    {
      auto head = request("POST", "/stream/count");
      auto st = co_await client.open(o, std::move(head), 4);
      if (!st) co_return;
      auto r12 = co_await (*st)->writeBody("ab");
      EXPECT_TRUE(r12);
      auto shortBody = co_await (*st)->endRequest();
      EXPECT_TRUE(!shortBody && shortBody.error().code == http::ClientErrc::write_failed);
    }
    {
      auto head = request("GET", "/hello");
      auto st = co_await client.open(o, std::move(head), std::nullopt);
      if (!st) co_return;
      auto noBody = co_await (*st)->writeBody("x");
      EXPECT_TRUE(!noBody && noBody.error().code == http::ClientErrc::write_failed);
    }
    {
      auto head = request("HEAD", "/stream/download?n=5000");
      auto st = co_await client.open(o, std::move(head), std::nullopt);
      if (!st) co_return;
      auto h = co_await (*st)->readHead();
      EXPECT_TRUE(h && h->headers.get("Content-Length") == "5000");
      EXPECT_FALSE((*st)->contentLength());
      auto b = co_await readAllBody(**st);
      EXPECT_TRUE(b && b->empty());
    }
    {
      auto head = request("GET", "/bad target");
      auto st = co_await client.open(o, std::move(head), std::nullopt);
      EXPECT_TRUE(!st && st.error().code == http::ClientErrc::bad_url);
    }
  });
}

namespace {

// A deliberately rude upstream on loopback: answers the first request of its first connection with
// keep-alive, then reads the next request on it and closes without a word (the race a pool meets when
// an upstream's idle timeout fires just as a connection is reused). Later connections are answered
// normally, body "again".
class RudeUpstream {
 public:
  RudeUpstream() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(fd_, 8);
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RudeUpstream() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  static bool readRequest(int c) {
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\n") == std::string::npos) {
      auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  static void answer(int c, std::string_view body) {
    std::string r = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    r.append(body);
    (void)::send(c, r.data(), r.size(), MSG_NOSIGNAL);
  }
  void serve() {
    for (int i = 0; i < 2; ++i) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      if (i == 0) {
        if (readRequest(c)) answer(c, "ok");
        readRequest(c);
      } else {
        while (readRequest(c)) answer(c, "again");
      }
      ::close(c);
    }
  }
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

TEST(HttpClientStream, RetriesABodylessIdempotentRequestOnceWhenThePooledConnectionDies) {
  RudeUpstream up;
  http::Client client;
  std::vector<std::string> bodies;
  bool secondReused = true;
  runCoroutine([&]() -> asio::awaitable<void> {
    const http::Origin o{false, "127.0.0.1", up.port()};
    for (const char* target : {"/a", "/b"}) {
      auto head = request("GET", target);
      auto st = co_await client.open(o, std::move(head), std::nullopt);
      if (!st) co_return;
      auto h = co_await (*st)->readHead();
      if (!h) {
        bodies.push_back(h.error().message());
        co_return;
      }
      auto b = co_await readAllBody(**st);
      bodies.push_back(b ? *b : b.error().message());
      secondReused = (*st)->reusedConnection();
    }
  });
  EXPECT_EQ(bodies, (std::vector<std::string>{"ok", "again"}));
  EXPECT_FALSE(secondReused);  // it ended on the new connection
  EXPECT_EQ(client.stats().connects, 2u);
  EXPECT_EQ(client.stats().reused, 1u);
}

TEST(HttpClientStream, NoRetryOnceABodyWasStreamed) {
  RudeUpstream up;
  http::Client client;
  std::optional<http::ClientErrc> code;
  runCoroutine([&]() -> asio::awaitable<void> {
    const http::Origin o{false, "127.0.0.1", up.port()};
    auto first = request("GET", "/a");
    auto a = co_await client.open(o, std::move(first), std::nullopt);
    if (!a) co_return;
    auto ha = co_await (*a)->readHead();
    auto ba = co_await readAllBody(**a);
    EXPECT_TRUE(ha && ba);
    a->reset();
    auto second = request("PUT", "/b");  // idempotent, but its body is gone once streamed
    auto st = co_await client.open(o, std::move(second), std::nullopt);
    if (!st) co_return;
    auto w = co_await (*st)->writeBody("payload");
    auto e = co_await (*st)->endRequest();
    EXPECT_TRUE(w && e);
    auto h = co_await (*st)->readHead();
    if (!h) code = h.error().code;
  });
  EXPECT_EQ(code, http::ClientErrc::closed);
}
