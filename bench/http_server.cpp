// The HTTP core under load, for bench/run: the production Server with two routes nginx can mirror
// byte for byte.
//   GET /static  the contents of --static-file
//   GET /echo    the query string
// Usage: sportello-bench-http --cert C --key K --static-file F --ports-file P [--threads N] [--access-log]
#include <fcntl.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/http/server.hpp"

using namespace sportello;

int main(int argc, char** argv) {
  std::string cert, key, staticFile, portsFile;
  unsigned threads = 0;
  bool accessLog = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--cert")
      cert = next();
    else if (a == "--key")
      key = next();
    else if (a == "--static-file")
      staticFile = next();
    else if (a == "--ports-file")
      portsFile = next();
    else if (a == "--threads")
      threads = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--access-log")
      accessLog = true;
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  std::ifstream in(staticFile, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();

  auto router = std::make_shared<http::Router>();
  router->get("/static", [&body](http::Request&) {
    http::Response r;
    r.headers.add("Content-Type", "application/octet-stream");
    r.body = body;
    return r;
  });
  router->get("/echo",
              [](http::Request& req) { return http::Response::text(200, std::string(req.query())); });

  http::ServerOptions o;
  o.listeners = {config::Listener{"main", {"127.0.0.1", 0}, true, {}}};
  o.tls = {cert, key, ""};
  o.threads = threads;
  o.access_log = accessLog;
  o.shutdown_grace = std::chrono::seconds(2);
  // Access lines go to /dev/null when enabled: the cost measured is formatting and writing them.
  auto log = std::make_shared<Logger>(accessLog ? ::open("/dev/null", O_WRONLY) : 2, LogLevel::info);
  http::Server server(o, router, log, std::make_shared<Metrics>());
  if (auto r = server.start(); !r) {
    std::cerr << r.error() << "\n";
    return 1;
  }
  server.stopOnSignals();
  std::ofstream(portsFile) << server.bound().front().port << "\n";
  server.wait();
  return 0;
}
