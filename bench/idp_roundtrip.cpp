// Complete SPID logins per second against the mock IdP, over HTTPS keep-alive, for bench/run.
//
// In one process: the production http::Server (TLS, the mock IdPs' routes, access log formatted and
// written to /dev/null) with the test PKI and the fixture SP registered, as tests/mocks/idp does; and
// `--connections` client coroutines spread over `--client-threads` threads (one io_context and one
// http::Client each, connections kept alive). Every login is what a browser does:
//   GET  /idp/aurora-id/sso?SAMLRequest=..&RelayState=..&SigAlg=..&Signature=..   (login page, tx)
//   POST /idp/aurora-id/login    tx, username, password                         (consent page)
//   POST /idp/aurora-id/consent  tx, decision=accept                             (form with SAMLResponse)
// which costs the IdP one RSA verify (the query signature) and two RSA signs (Assertion, Response).
// The client checks statuses, the consent form and that a SAMLResponse came back; it does not verify
// the Response (it shares the cores with the server and must not dominate).
//
// Each login uses a fresh AuthnRequest (new ID, signed by the SP key). Signing one is an RSA sign, as
// much as half an IdP login, so the requests are built and signed before the clock starts (on all
// cores); if the pool runs dry the client signs inline and says how often.
//
// Usage: sportello-bench-idp [--seconds 10] [--warmup 2] [--connections 8] [--client-threads 2]
//                            [--server-threads 2] [--sign-inline] [--json]
// --json prints one line: {"logins_per_second", "p50_ms", "p99_ms", "logins", "failures", ...}.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include "core/http/admin.hpp"
#include "core/http/client.hpp"
#include "core/http/server.hpp"
#include "core/saml/authn_request.hpp"
#include "core/saml/binding.hpp"
#include "mocks/idp/idp.hpp"
#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

const std::string kIdpName = "aurora-id";
const std::string kPublic = "https://localhost:8443";

struct Options {
  double seconds = 10;
  double warmup = 2;
  unsigned connections = 8;
  unsigned client_threads = 2;
  unsigned server_threads = 2;
  bool sign_inline = false;
  bool json = false;
};

// The value of a hidden form field (the pages write name="..." value="..."), or "".
std::string field(const std::string& html, std::string_view name) {
  std::string needle = "name=\"" + std::string(name) + "\" value=\"";
  auto at = html.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  auto end = html.find('"', at);
  return end == std::string::npos ? std::string() : html.substr(at, end - at);
}

double cpuSeconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Fresh signed SSO query strings: one per login, each with its own ID.
class RequestPool {
 public:
  explicit RequestPool(const xml::SigningKey& key) : key_(key) {}

  std::string make() const {
    saml::AuthnRequestSpec s;
    s.id = saml::newId();
    s.issue_instant = std::chrono::system_clock::now();
    s.destination = kPublic + "/idp/" + kIdpName + "/sso";
    s.issuer = test::kSpEntity;
    auto doc = saml::buildAuthnRequest(s);
    return saml::encodeRedirect(doc.serialize(), true, std::string("rs-4f2a9c"), &key_);
  }
  void fill(std::size_t n, unsigned threads) {
    queries_.resize(n);
    std::vector<std::thread> ts;
    for (unsigned t = 0; t < threads; ++t) {
      ts.emplace_back([this, t, n, threads] {
        for (std::size_t i = t; i < n; i += threads) queries_[i] = make();
      });
    }
    for (auto& t : ts) t.join();
  }
  // A pre-signed query, or a freshly signed one when the pool is spent.
  std::string next() {
    std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i < queries_.size()) return std::move(queries_[i]);
    inline_.fetch_add(1, std::memory_order_relaxed);
    return make();
  }
  std::size_t signedInline() const { return inline_.load(); }
  std::size_t size() const { return queries_.size(); }

 private:
  const xml::SigningKey& key_;
  std::vector<std::string> queries_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> inline_{0};
};

struct Shared {
  http::Origin origin;
  RequestPool* pool = nullptr;
  SteadyClock::time_point measure_from, end;
};

struct ThreadResult {
  std::vector<double> latencies_ms;  // logins that started and ended inside the window
  std::size_t completed = 0;         // logins that ended inside the window
  std::size_t all_completed = 0;     // logins that ended at all (warm-up included), for CPU per login
  std::size_t failures = 0;
  std::string first_failure;
  double cpu_seconds = 0;  // this client thread's CPU time over the whole run
};

// One browser login; false (and `why`) when any step is not what a browser would get.
asio::awaitable<bool> oneLogin(http::Client& client, const http::Origin& origin, const std::string& query,
                               std::string& why) {
  const std::string base = "/idp/" + kIdpName;

  http::Request sso;
  sso.method = "GET";
  sso.target = base + "/sso?" + query;
  auto page = co_await client.send(origin, std::move(sso));
  if (!page || page->status != 200) {
    why = page ? "sso: HTTP " + std::to_string(page->status) + " " + page->body.substr(0, 300)
               : "sso: " + page.error().message();
    co_return false;
  }
  const std::string tx = field(page->body, "tx");
  if (tx.empty()) {
    why = "sso: no tx in the login page";
    co_return false;
  }

  http::Request login;
  login.method = "POST";
  login.target = base + "/login";
  login.headers.add("Content-Type", "application/x-www-form-urlencoded");
  login.body = "tx=" + tx + "&action=login&username=mario.rossi&password=password123";
  auto consentPage = co_await client.send(origin, std::move(login));
  if (!consentPage || consentPage->status != 200 ||
      consentPage->body.find("action=\"consent\"") == std::string::npos) {
    why = consentPage ? "login: HTTP " + std::to_string(consentPage->status) + " without the consent form"
                      : "login: " + consentPage.error().message();
    co_return false;
  }

  http::Request consent;
  consent.method = "POST";
  consent.target = base + "/consent";
  consent.headers.add("Content-Type", "application/x-www-form-urlencoded");
  consent.body = "tx=" + tx + "&decision=accept";
  auto form = co_await client.send(origin, std::move(consent));
  if (!form || form->status != 200 || form->body.find("name=\"SAMLResponse\"") == std::string::npos) {
    why = form ? "consent: HTTP " + std::to_string(form->status) + " without a SAMLResponse"
               : "consent: " + form.error().message();
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> loginLoop(http::Client& client, const Shared& sh, ThreadResult& out) {
  std::string why;
  while (true) {
    const auto t0 = SteadyClock::now();
    if (t0 >= sh.end) break;
    const std::string query = sh.pool->next();
    const bool ok = co_await oneLogin(client, sh.origin, query, why);
    const auto t1 = SteadyClock::now();
    if (!ok) {
      if (out.failures++ == 0) out.first_failure = why;
      if (out.failures > 100) break;  // something is broken: do not spin
      continue;
    }
    ++out.all_completed;
    if (t1 >= sh.measure_from && t1 <= sh.end) {
      ++out.completed;
      if (t0 >= sh.measure_from)
        out.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
  }
}

std::shared_ptr<const config::Config> benchConfig(double runSeconds) {
  // Pre-signed requests age through the signing and the run; widen the skew only when a long run needs it.
  const int skew = std::max(120, static_cast<int>(std::ceil(2 * runSeconds)) + 60);
  std::string toml = R"toml(
[server]
public_url = ")toml" +
                     kPublic + R"toml("
[[server.listeners]]
name = "main"
address = "127.0.0.1:0"
[mock_idp]
users_file = ")toml" +
                     std::string(SPORTELLO_SOURCE_DIR) +
                     R"toml(/config/idp-users.json"
headless_login = false
clock_skew_s = )toml" +
                     std::to_string(std::min(skew, 3600)) +
                     R"toml(
[[idps]]
name = "aurora-id"
display_name = "Aurora ID (test)"
[[idps]]
name = "cie-test"
profile = "cie"
)toml";
  auto c = config::loadString(toml, "bench.toml", ".");
  if (!c) {
    for (const auto& p : c.error()) std::cerr << p.format() << "\n";
    return nullptr;
  }
  return *c;
}

bool parseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    try {
      if (a == "--seconds")
        o.seconds = std::stod(next());
      else if (a == "--warmup")
        o.warmup = std::stod(next());
      else if (a == "--connections")
        o.connections = static_cast<unsigned>(std::stoul(next()));
      else if (a == "--client-threads")
        o.client_threads = static_cast<unsigned>(std::stoul(next()));
      else if (a == "--server-threads")
        o.server_threads = static_cast<unsigned>(std::stoul(next()));
      else if (a == "--sign-inline")
        o.sign_inline = true;
      else if (a == "--json")
        o.json = true;
      else {
        std::cerr << "unknown argument " << a << "\n";
        return false;
      }
    } catch (const std::exception&) {
      std::cerr << "bad value for " << a << "\n";
      return false;
    }
  }
  if (o.connections == 0 || o.client_threads == 0 || o.seconds <= 0) {
    std::cerr << "--connections, --client-threads and --seconds must be positive\n";
    return false;
  }
  return true;
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto idx = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size()))) - 1;
  return sorted[std::min(idx, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parseArgs(argc, argv, opt)) return 2;
  xml::initialise();

  // ---- The server, as `serve` would run it with the mock IdPs on. ----
  auto cfg = benchConfig(opt.seconds + opt.warmup);
  if (!cfg) return 1;
  const pki::Materials& pki = test::testPki();
  auto clock = std::make_shared<Clock>();
  auto metrics = std::make_shared<Metrics>();
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  auto log = std::make_shared<Logger>(devnull, LogLevel::info);
  auto idps = idp::IdentityProviders::create({cfg, pki, clock, log, metrics});
  if (!idps) {
    std::cerr << "mock IdPs: " << idps.error() << "\n";
    return 1;
  }
  std::unique_ptr<idp::IdentityProviders> provider = std::move(*idps);
  const xml::SigningKey spKey = test::spKey();
  auto sp = provider->registry().add(test::spMetadataXml(spKey.certificate().base64Der()), "bench",
                                     saml::Profile::spid, cfg->mock_idp.development);
  if (!sp) {
    std::cerr << "registering the SP: " << sp.error() << "\n";
    return 1;
  }
  auto router = std::make_shared<http::Router>();
  http::Admin admin(config::Admin{}, metrics);
  admin.addRoutes(*router);
  provider->addRoutes(*router, admin);
  http::ServerOptions so;
  so.listeners = cfg->server.listeners;
  so.tls = {pki.tls.cert, pki.tls.key, ""};
  so.threads = opt.server_threads;
  so.shutdown_grace = std::chrono::seconds(2);
  http::Server server(so, router, log, metrics);
  if (auto r = server.start(); !r) {
    std::cerr << r.error() << "\n";
    return 1;
  }

  // ---- Fresh signed AuthnRequests for every login the run can possibly make. ----
  RequestPool pool(spKey);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (!opt.sign_inline) {
    // The IdP's RSA work bounds the rate: a login costs it two signs and a verify, about two signs. The
    // fastest of a few probes (noise only slows), and a margin: a pool that runs dry skews the result.
    double signPerSecond = 0;
    for (int probe = 0; probe < 5; ++probe) {
      constexpr int kSigns = 10;
      const auto t0 = SteadyClock::now();
      for (int i = 0; i < kSigns; ++i) (void)pool.make();
      signPerSecond =
          std::max(signPerSecond, kSigns / std::chrono::duration<double>(SteadyClock::now() - t0).count());
    }
    const double bound = cores * signPerSecond / 2;
    pool.fill(static_cast<std::size_t>(1.25 * bound * (opt.seconds + opt.warmup)) + opt.connections, cores);
  }

  // ---- The clients. ----
  Shared sh;
  sh.origin = {true, "127.0.0.1", server.bound().front().port};
  sh.pool = &pool;
  const auto start = SteadyClock::now();
  sh.measure_from =
      start + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(opt.warmup));
  sh.end = sh.measure_from +
           std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(opt.seconds));
  const double cpuBefore = cpuSeconds(RUSAGE_SELF);
  std::vector<ThreadResult> results(opt.client_threads);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < opt.client_threads; ++t) {
    threads.emplace_back([&, t] {
      http::ClientOptions co;
      co.tls.ca = pki.ca.cert;
      co.max_idle_per_origin = opt.connections;
      http::Client client(co);
      {
        asio::io_context io;
        for (unsigned c = t; c < opt.connections; c += opt.client_threads) {
          asio::co_spawn(io, loginLoop(client, sh, results[t]), asio::detached);
        }
        io.run();
      }
      results[t].cpu_seconds = cpuSeconds(RUSAGE_THREAD);
    });
  }
  for (auto& t : threads) t.join();
  const double window = std::chrono::duration<double>(sh.end - sh.measure_from).count();
  const double cpuTotal = cpuSeconds(RUSAGE_SELF) - cpuBefore;
  server.shutdown();
  server.wait();

  std::vector<double> lat;
  std::size_t completed = 0, allCompleted = 0, failures = 0;
  double clientCpu = 0;
  std::string firstFailure;
  for (auto& r : results) {
    lat.insert(lat.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    completed += r.completed;
    allCompleted += r.all_completed;
    failures += r.failures;
    clientCpu += r.cpu_seconds;
    if (firstFailure.empty()) firstFailure = r.first_failure;
  }
  std::sort(lat.begin(), lat.end());
  const double rate = static_cast<double>(completed) / window;
  const double p50 = percentile(lat, 0.50), p99 = percentile(lat, 0.99);
  const double wall = std::chrono::duration<double>(sh.end - start).count();
  // CPU per login over warm-up and window alike (both count their logins), server and client together.
  const double cpuPerLoginUs = allCompleted ? cpuTotal / static_cast<double>(allCompleted) * 1e6 : 0;
  const double clientPerLoginUs = allCompleted ? clientCpu / static_cast<double>(allCompleted) * 1e6 : 0;

  if (opt.json) {
    std::printf(
        "{\"logins_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"logins\":%zu,\"failures\":%zu,"
        "\"seconds\":%.3f,\"connections\":%u,\"client_threads\":%u,\"server_threads\":%u,\"cores\":%u,"
        "\"presigned\":%zu,\"signed_inline\":%zu,\"cpu_seconds\":%.3f,\"client_cpu_seconds\":%.3f,"
        "\"wall_seconds\":%.3f,\"cpu_us_per_login\":%.1f,\"client_cpu_us_per_login\":%.1f}\n",
        rate, p50, p99, completed, failures, window, opt.connections, opt.client_threads, opt.server_threads,
        cores, pool.size(), pool.signedInline(), cpuTotal, clientCpu, wall, cpuPerLoginUs, clientPerLoginUs);
  } else {
    std::printf("%.1f logins/s over %.1f s (%zu logins), p50 %.2f ms, p99 %.2f ms\n", rate, window, completed,
                p50, p99);
    std::printf("%u connections on %u client threads, %u server threads, %u cores\n", opt.connections,
                opt.client_threads, opt.server_threads, cores);
    std::printf(
        "CPU over warm-up and window (%.1f s): %.2f s, of which the client threads %.2f s; per login %.0f "
        "us, "
        "of which the client %.0f us\n",
        wall, cpuTotal, clientCpu, cpuPerLoginUs, clientPerLoginUs);
    std::printf("AuthnRequests: %zu pre-signed, %zu signed inside the run\n", pool.size(),
                pool.signedInline());
  }
  if (failures > 0) {
    std::fprintf(stderr, "%zu logins failed; the first: %s\n", failures, firstFailure.c_str());
    return 1;
  }
  return 0;
}
