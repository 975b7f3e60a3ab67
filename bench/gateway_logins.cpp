// Complete gateway logins per second, end to end over HTTPS keep-alive, for bench/run gateway.
//
// In one process, as `sportello serve` wires them: the production http::Server (TLS, access log formatted
// and written to /dev/null) with the mock IdPs and the gateway (SP, sessions, proxy with one route
// "/bench/" auth "any" to an upstream), and the upstream itself: a plain-HTTP http::Server on loopback
// that answers GET /bench/x with --body-bytes bytes. `--connections` client coroutines spread over
// `--client-threads` threads (one io_context and one http::Client each) each walk logins as a browser
// does, with their own cookies:
//   GET  /login?idp=aurora-id&next=/bench/x       302 to the IdP's SSO (SP signs an AuthnRequest), login
//   cookie GET  /idp/aurora-id/sso?SAMLRequest=..         login page (IdP verifies the query signature), tx
//   POST /idp/aurora-id/login    tx, username, password                   consent page
//   POST /idp/aurora-id/consent  tx, decision=accept       form with SAMLResponse (IdP signs Assertion,
//   Response) POST /spid/acs  SAMLResponse, RelayState; login cookie   200 and the session cookie (SP
//   verifies both) GET  /bench/x   session cookie                         200 from the upstream, with
//   identity headers
// RSA work per login: 3 signs (AuthnRequest, Assertion, Response) and 3 verifies (query signature,
// Response, Assertion). Nothing is signed ahead of time: the SP signs in its /login handler.
// The client checks every status, the cookies, the form fields and the upstream's body; it verifies no
// signature (it shares the cores with the server and must not dominate).
//
// Usage: sportello-bench-gateway-logins [--seconds 10] [--warmup 2] [--connections 8] [--client-threads 2]
//                                       [--server-threads 2] [--body-bytes 1024] [--json]
// --json prints one line: {"logins_per_second", "p50_ms", "p99_ms", "logins", "failures", "steps_ms": {..},
// ...}.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
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
#include "core/xml/document.hpp"
#include "gateway/gateway.hpp"
#include "mocks/idp/idp.hpp"
#include "tests/support/test_env.hpp"

using namespace sportello;
namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

const std::string kIdpName = "aurora-id";
const std::string kFirstPage = "/bench/x";

struct Options {
  double seconds = 10;
  double warmup = 2;
  unsigned connections = 8;
  unsigned client_threads = 2;
  unsigned server_threads = 2;
  std::size_t body_bytes = 1024;
  bool json = false;
};

// The steps of one login, for the per-step latencies.
enum Step : std::size_t { kLogin, kSso, kCredentials, kConsent, kAcs, kPage, kSteps };
constexpr std::array<const char*, kSteps> kStepNames = {"login",   "sso", "credentials",
                                                        "consent", "acs", "page"};

// The value of a hidden form field (the pages write name="..." value="..."), HTML entities undone.
std::string field(const std::string& html, std::string_view name) {
  std::string needle = "name=\"" + std::string(name) + "\" value=\"";
  auto at = html.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  auto end = html.find('"', at);
  if (end == std::string::npos) return {};
  std::string out;
  for (std::size_t i = at; i < end; ++i) {
    if (html[i] == '&' && html.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else {
      out += html[i];
    }
  }
  return out;
}

// The value of the Set-Cookie named `name` in `resp`, or "".
std::string setCookieValue(const http::Response& resp, std::string_view name) {
  for (auto c : resp.headers.all("Set-Cookie")) {
    if (c.size() > name.size() && c.substr(0, name.size()) == name && c[name.size()] == '=') {
      auto v = c.substr(name.size() + 1);
      return std::string(v.substr(0, v.find(';')));
    }
  }
  return {};
}

double cpuSeconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Shared {
  http::Origin origin;
  std::size_t body_bytes = 0;
  SteadyClock::time_point measure_from, end;
};

struct ThreadResult {
  std::vector<double> latencies_ms;      // logins that started and ended inside the window
  std::array<double, kSteps> step_ms{};  // summed over those logins
  std::size_t completed = 0;             // logins that ended inside the window
  std::size_t all_completed = 0;         // logins that ended at all (warm-up included), for CPU per login
  std::size_t failures = 0;
  std::string first_failure;
  double cpu_seconds = 0;  // this client thread's CPU time over the whole run
};

std::string describe(const char* step, const Result<http::Response, http::ClientError>& r) {
  return r ? std::string(step) + ": HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 300)
           : std::string(step) + ": " + r.error().message();
}

// One browser login and its first proxied page; false (and `why`) when any step is not what a browser
// would get. `steps` gets each step's wall time.
asio::awaitable<bool> oneLogin(http::Client& client, const Shared& sh, std::array<double, kSteps>& steps,
                               std::string& why) {
  const http::Origin& origin = sh.origin;
  auto t = SteadyClock::now();
  auto lap = [&](Step s) {
    const auto now = SteadyClock::now();
    steps[s] = std::chrono::duration<double, std::milli>(now - t).count();
    t = now;
  };

  http::Request start;
  start.method = "GET";
  start.target = "/login?idp=" + kIdpName + "&next=" + http::percentEncode(kFirstPage);
  auto redirect = co_await client.send(origin, std::move(start));
  if (!redirect || redirect->status != 302) {
    why = describe("login", redirect);
    co_return false;
  }
  const std::string loginCookie = setCookieValue(*redirect, "sportello_login");
  auto location = http::parseUrl(redirect->headers.get("Location").value_or(""));
  if (loginCookie.empty() || !location) {
    why = "login: no login cookie or no absolute Location";
    co_return false;
  }
  lap(kLogin);

  http::Request sso;
  sso.method = "GET";
  sso.target = location->target;
  auto page = co_await client.send(origin, std::move(sso));
  if (!page || page->status != 200) {
    why = describe("sso", page);
    co_return false;
  }
  const std::string tx = field(page->body, "tx");
  if (tx.empty()) {
    why = "sso: no tx in the login page";
    co_return false;
  }
  lap(kSso);

  const std::string base = "/idp/" + kIdpName;
  http::Request login;
  login.method = "POST";
  login.target = base + "/login";
  login.headers.add("Content-Type", "application/x-www-form-urlencoded");
  login.body = "tx=" + tx + "&action=login&username=mario.rossi&password=password123";
  auto consentPage = co_await client.send(origin, std::move(login));
  if (!consentPage || consentPage->status != 200 ||
      consentPage->body.find("action=\"consent\"") == std::string::npos) {
    why = describe("credentials", consentPage);
    co_return false;
  }
  lap(kCredentials);

  http::Request consent;
  consent.method = "POST";
  consent.target = base + "/consent";
  consent.headers.add("Content-Type", "application/x-www-form-urlencoded");
  consent.body = "tx=" + tx + "&decision=accept";
  auto form = co_await client.send(origin, std::move(consent));
  const std::string samlResponse = form ? field(form->body, "SAMLResponse") : std::string();
  const std::string relayState = form ? field(form->body, "RelayState") : std::string();
  if (!form || form->status != 200 || samlResponse.empty() || relayState.empty()) {
    why = describe("consent", form);
    co_return false;
  }
  lap(kConsent);

  http::Request acs;
  acs.method = "POST";
  acs.target = "/spid/acs";
  acs.headers.add("Content-Type", "application/x-www-form-urlencoded");
  acs.headers.add("Cookie", "sportello_login=" + loginCookie);
  acs.body =
      "SAMLResponse=" + http::percentEncode(samlResponse) + "&RelayState=" + http::percentEncode(relayState);
  auto accepted = co_await client.send(origin, std::move(acs));
  const std::string session = accepted ? setCookieValue(*accepted, "sportello_session") : std::string();
  if (!accepted || accepted->status != 200 || session.empty()) {
    why = describe("acs", accepted);
    co_return false;
  }
  lap(kAcs);

  http::Request first;
  first.method = "GET";
  first.target = kFirstPage;
  first.headers.add("Cookie", "sportello_session=" + session);
  auto proxied = co_await client.send(origin, std::move(first));
  if (!proxied || proxied->status != 200 || proxied->body.size() != sh.body_bytes ||
      proxied->body.find("RSSMRA") == std::string::npos) {
    why = describe("page", proxied);
    co_return false;
  }
  lap(kPage);
  co_return true;
}

asio::awaitable<void> loginLoop(http::Client& client, const Shared& sh, ThreadResult& out) {
  std::string why;
  std::array<double, kSteps> steps{};
  while (true) {
    const auto t0 = SteadyClock::now();
    if (t0 >= sh.end) break;
    const bool ok = co_await oneLogin(client, sh, steps, why);
    const auto t1 = SteadyClock::now();
    if (!ok) {
      if (out.failures++ == 0) out.first_failure = why;
      if (out.failures > 100) break;  // something is broken: do not spin
      continue;
    }
    ++out.all_completed;
    if (t1 >= sh.measure_from && t1 <= sh.end) {
      ++out.completed;
      if (t0 >= sh.measure_from) {
        out.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        for (std::size_t s = 0; s < kSteps; ++s) out.step_ms[s] += steps[s];
      }
    }
  }
}

std::shared_ptr<const config::Config> gatewayConfig(std::uint16_t upstreamPort) {
  std::string toml = R"toml(
[[server.listeners]]
name = "main"
address = "127.0.0.1:0"
[mock_idp]
users_file = ")toml" +
                     std::string(SPORTELLO_SOURCE_DIR) +
                     R"toml(/config/idp-users.json"
[[idps]]
name = "aurora-id"
display_name = "Aurora ID (test)"
[[idps]]
name = "cie-test"
profile = "cie"
display_name = "CIE (test)"
[[routes]]
prefix = "/bench/"
upstream = "http://127.0.0.1:)toml" +
                     std::to_string(upstreamPort) + R"toml("
auth = "any"
min_level = 1
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
      else if (a == "--body-bytes")
        o.body_bytes = std::stoul(next());
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
  const pki::Materials& pki = test::testPki();
  auto clock = std::make_shared<Clock>();
  auto metrics = std::make_shared<Metrics>();
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  auto log = std::make_shared<Logger>(devnull, LogLevel::info);

  // ---- The upstream: plain HTTP on loopback, a fixed body that names the citizen it was told about. ----
  auto upRouter = std::make_shared<http::Router>();
  const std::size_t bodyBytes = std::max<std::size_t>(opt.body_bytes, 16);
  upRouter->get(kFirstPage, [bodyBytes](http::Request& req) {
    // The fiscal number the gateway added, then padding: the client checks both.
    std::string body(req.headers.get("X-Sportello-Fiscal-Number").value_or("none"));
    body.resize(bodyBytes, '.');
    return http::Response::text(200, std::move(body));
  });
  http::ServerOptions uo;
  config::Listener plain;
  plain.name = "upstream";
  plain.address = {"127.0.0.1", 0};
  plain.tls = false;
  uo.listeners = {plain};
  uo.threads = 1;
  uo.access_log = false;
  uo.shutdown_grace = std::chrono::seconds(2);
  http::Server upstream(uo, upRouter, log, std::make_shared<Metrics>());
  if (auto r = upstream.start(); !r) {
    std::cerr << "upstream: " << r.error() << "\n";
    return 1;
  }

  // ---- The front door, as `serve` wires it: mock IdPs and gateway on the URL the server got. ----
  auto loaded = gatewayConfig(upstream.bound().front().port);
  if (!loaded) return 1;
  auto router = std::make_shared<http::Router>();
  http::ServerOptions so;
  so.listeners = loaded->server.listeners;
  so.tls = {pki.tls.cert, pki.tls.key, ""};
  so.threads = opt.server_threads;
  so.shutdown_grace = std::chrono::seconds(2);
  http::Server server(so, router, log, metrics);
  if (auto r = server.bind(); !r) {
    std::cerr << r.error() << "\n";
    return 1;
  }
  const std::uint16_t port = server.bound().front().port;
  auto cfg = config::withPublicUrl(*loaded, "https://localhost:" + std::to_string(port));
  http::Admin admin(config::Admin{}, metrics);
  admin.addRoutes(*router);
  auto idps = idp::IdentityProviders::create({cfg, pki, clock, log, metrics});
  if (!idps) {
    std::cerr << "mock IdPs: " << idps.error() << "\n";
    return 1;
  }
  std::unique_ptr<idp::IdentityProviders> provider = std::move(*idps);
  provider->addRoutes(*router, admin);
  gateway::Gateway::Options go;
  go.config = cfg;
  go.materials = pki;
  go.clock = clock;
  go.log = log;
  go.metrics = metrics;
  auto gw = gateway::Gateway::create(std::move(go));
  if (!gw) {
    std::cerr << "gateway: " << gw.error() << "\n";
    return 1;
  }
  std::unique_ptr<gateway::Gateway> gateway = std::move(*gw);
  gateway->addRoutes(*router, admin);
  for (auto p : {saml::Profile::spid, saml::Profile::cie}) {
    if (auto added = provider->registry().add(gateway->sp().metadata(p), "gateway", p, true); !added) {
      std::cerr << "registering the SP: " << added.error() << "\n";
      return 1;
    }
  }
  if (auto r = server.run(); !r) {
    std::cerr << r.error() << "\n";
    return 1;
  }

  // ---- The clients. ----
  Shared sh;
  sh.origin = {true, "127.0.0.1", port};
  sh.body_bytes = bodyBytes;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
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
  const auto upstreamStats = gateway->proxy().upstreamStats();
  const std::size_t sessions = gateway->sessions().size();
  server.shutdown();
  server.wait();
  upstream.shutdown();
  upstream.wait();

  std::vector<double> lat;
  std::array<double, kSteps> stepSum{};
  std::size_t completed = 0, allCompleted = 0, failures = 0;
  double clientCpu = 0;
  std::string firstFailure;
  for (auto& r : results) {
    lat.insert(lat.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    for (std::size_t s = 0; s < kSteps; ++s) stepSum[s] += r.step_ms[s];
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
  const double timed = lat.empty() ? 1.0 : static_cast<double>(lat.size());

  if (opt.json) {
    std::string steps;
    for (std::size_t s = 0; s < kSteps; ++s) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s\"%s\":%.3f", s ? "," : "", kStepNames[s], stepSum[s] / timed);
      steps += buf;
    }
    std::printf(
        "{\"logins_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"logins\":%zu,\"failures\":%zu,"
        "\"seconds\":%.3f,\"connections\":%u,\"client_threads\":%u,\"server_threads\":%u,\"cores\":%u,"
        "\"cpu_seconds\":%.3f,\"client_cpu_seconds\":%.3f,\"wall_seconds\":%.3f,\"cpu_us_per_login\":%.1f,"
        "\"client_cpu_us_per_login\":%.1f,\"sessions\":%zu,\"upstream_opened\":%llu,\"upstream_reused\":%llu,"
        "\"steps_ms\":{%s}}\n",
        rate, p50, p99, completed, failures, window, opt.connections, opt.client_threads, opt.server_threads,
        cores, cpuTotal, clientCpu, wall, cpuPerLoginUs, clientPerLoginUs, sessions,
        static_cast<unsigned long long>(upstreamStats.connects),
        static_cast<unsigned long long>(upstreamStats.reused), steps.c_str());
  } else {
    std::printf("%.1f logins/s over %.1f s (%zu logins), p50 %.2f ms, p99 %.2f ms\n", rate, window, completed,
                p50, p99);
    std::printf("%u connections on %u client threads, %u server threads, %u cores\n", opt.connections,
                opt.client_threads, opt.server_threads, cores);
    std::printf(
        "CPU over warm-up and window (%.1f s): %.2f s, of which the client threads %.2f s; per login "
        "%.0f us, of which the client %.0f us\n",
        wall, cpuTotal, clientCpu, cpuPerLoginUs, clientPerLoginUs);
    std::printf("mean wall time per step, ms:");
    for (std::size_t s = 0; s < kSteps; ++s) std::printf(" %s %.2f", kStepNames[s], stepSum[s] / timed);
    std::printf("\nsessions at the end: %zu; upstream connections opened %llu, reused %llu\n", sessions,
                static_cast<unsigned long long>(upstreamStats.connects),
                static_cast<unsigned long long>(upstreamStats.reused));
  }
  if (failures > 0) {
    std::fprintf(stderr, "%zu logins failed; the first: %s\n", failures, firstFailure.c_str());
    return 1;
  }
  return 0;
}
