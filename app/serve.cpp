#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/admin_routes.hpp"
#include "app/commands.hpp"
#include "app/comune_wiring.hpp"
#include "app/options.hpp"
#include "app/status_page.hpp"
#include "core/http/admin.hpp"
#include "core/http/server.hpp"
#include "core/xml/document.hpp"
#include "gateway/gateway.hpp"
#include "mocks/idp/idp.hpp"

namespace sportello::app {

namespace {

// The bound addresses (and the absolute path of the CA to trust) for CI, written once every listener
// is ready. Written to a temporary file and
// renamed, so that a script polling for the file never reads half of it.
bool writePortsFile(const std::string& path, const std::vector<http::BoundListener>& bound,
                    const std::string& ca, const std::string& public_url, std::string& error) {
  std::string json = "{\"pid\":" + std::to_string(::getpid()) + ",\"ca\":";
  appendJsonString(json, ca);
  // Browsers must start at public_url: cookies set under another host name (127.0.0.1 vs localhost) do
  // not come back when the IdP posts to the ACS under the public one.
  json += ",\"public_url\":";
  appendJsonString(json, public_url);
  json += ",\"listeners\":{";
  for (std::size_t i = 0; i < bound.size(); ++i) {
    const auto& b = bound[i];
    if (i > 0) json += ",";
    appendJsonString(json, b.name);
    json += ":{\"url\":";
    appendJsonString(json, b.url());
    json += ",\"host\":";
    appendJsonString(json, b.host);
    json += ",\"port\":" + std::to_string(b.port) + ",\"tls\":" + (b.tls ? "true" : "false") + "}";
  }
  json += "}}\n";
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json;
    if (!out.flush()) {
      error = "cannot write " + tmp;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) error = "cannot rename " + tmp + " to " + path + ": " + ec.message();
  return !ec;
}

std::shared_ptr<Logger> makeLogger(const config::Config& cfg, std::string& error) {
  int fd = 2;
  if (!cfg.log.file.empty()) {
    fd = ::open(cfg.log.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
      error = "cannot open log file " + cfg.log.file + ": " + std::strerror(errno);
      return nullptr;
    }
  }
  return std::make_shared<Logger>(fd, cfg.log.level);  // the descriptor lives as long as the process
}

}  // namespace

int serve(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  std::string file, listen, dataDir, portsFile;
  desc.add_options()("help,h", "this text")("config,c", po::value(&file)->default_value(kDefaultConfig),
                                            "configuration file")(
      "listen", po::value(&listen), "HOST:PORT of the main listener (port 0 = any free port)")(
      "data-dir", po::value(&dataDir), "where state lives (default: the configuration's data_dir, ./var)")(
      "ports-file", po::value(&portsFile),
      "write the bound addresses as JSON here once every listener is ready");
  po::variables_map vm;
  const char* usage =
      "Usage: sportello serve [-c FILE] [--listen HOST:PORT] [--data-dir DIR] [--ports-file FILE]\n\n"
      "Starts every component the configuration enables and serves until SIGINT or SIGTERM, then\n"
      "drains in-flight requests and exits 0. Logs are JSON lines on stderr (or log.file).\n\n";
  if (int rc = parseOptions(args, desc, usage, vm); rc >= 0) return rc;

  config::Overrides ov;
  if (vm.count("listen")) {
    auto ep = config::parseEndpoint(listen);
    if (!ep) {
      std::cerr << "--listen: " << ep.error() << "\n";
      return 2;
    }
    ov.listen = *ep;
  }
  if (vm.count("data-dir")) ov.data_dir = dataDir;
  auto cfg = loadOrReport(file, ov);
  if (!cfg) return 2;

  std::string error;
  auto log = makeLogger(*cfg, error);
  if (!log) {
    std::cerr << error << "\n";
    return 1;
  }
  std::vector<pki::Finding> findings;
  auto materials = pki::ensure(pkiOptions(*cfg), findings);
  for (const auto& f : findings) {
    auto level = f.severity == pki::Finding::Severity::error     ? LogLevel::error
                 : f.severity == pki::Finding::Severity::warning ? LogLevel::warn
                                                                 : LogLevel::info;
    log->log(level, "pki_finding", {{"rule", f.rule}, {"file", f.file}, {"message", f.message}});
  }
  if (!materials) {
    std::cerr << "serve: test PKI: " << materials.error() << "\n";
    return 1;
  }

  auto metrics = std::make_shared<Metrics>();
  auto clock = std::make_shared<Clock>();
  auto router = std::make_shared<http::Router>();
  auto serverOptions = http::ServerOptions::fromConfig(*cfg, {materials->tls.cert, materials->tls.key, ""});
  serverOptions.listener_client_ca = materials->ca.cert;
  http::Server server(serverOptions, router, log, metrics);
  if (auto r = server.bind(); !r) {
    std::cerr << "serve: " << r.error() << "\n";
    return 1;
  }
  // Without a public_url in the file, the URLs the components announce (IdP entityIDs, SSO locations)
  // follow the main listener as bound, so that --listen 127.0.0.1:0 gives working URLs.
  if (!cfg->server.public_url_set) {
    for (const auto& b : server.bound()) {
      if (b.name != "main") continue;
      bool loopback = b.host == "127.0.0.1" || b.host == "::1";
      std::string host =
          loopback ? "localhost" : (b.host.find(':') != std::string::npos ? "[" + b.host + "]" : b.host);
      cfg = config::withPublicUrl(
          *cfg, std::string(b.tls ? "https://" : "http://") + host + ":" + std::to_string(b.port));
    }
  }

  http::Admin admin(cfg->admin, metrics);
  admin.addRoutes(*router);
  addClockRoutes(*router, admin, clock);
  admin.addReadiness({"server", [&server] { return server.ready(); }});

  xml::initialise();
  std::unique_ptr<idp::IdentityProviders> idps;
  if (!cfg->idps.empty()) {
    auto created = idp::IdentityProviders::create({cfg, *materials, clock, log, metrics});
    if (!created) {
      std::cerr << "serve: mock IdPs: " << created.error() << "\n";
      return 1;
    }
    idps = std::move(*created);
    idps->addRoutes(*router, admin);
  }
  auto listenerUrl = [&server](std::string_view name) -> std::string {
    for (const auto& b : server.bound()) {
      if (b.name == name) return b.url();
    }
    return {};
  };
  auto gw = gateway::Gateway::create({cfg, *materials, clock, log, metrics, listenerUrl});
  if (!gw) {
    std::cerr << "serve: gateway: " << gw.error() << "\n";
    return 1;
  }
  (*gw)->addRoutes(*router, admin);
  if (idps) {
    // The mock IdPs know the comune's SP from the start, as a federation registry would.
    for (auto p : {saml::Profile::spid, saml::Profile::cie}) {
      auto added = idps->registry().add((*gw)->sp().metadata(p), "gateway", p, cfg->mock_idp.development);
      if (!added) log->error("sp_registration", {{"profile", saml::toString(p)}, {"error", added.error()}});
    }
  }
  auto comune = ComuneComponents::create({cfg, *materials, clock, log, metrics}, *router, admin);
  if (!comune) {
    std::cerr << "serve: " << comune.error() << "\n";
    return 1;
  }
  router->get("/",
              [&](http::Request&) { return http::Response::html(200, statusPage(*cfg, server.bound())); });
  addEndpointsRoute(
      *router, admin, *cfg, [&]() -> const std::vector<http::BoundListener>& { return server.bound(); },
      app::EndpointParts{{"idps", [&] { return idps ? idps->endpointsJson() : std::string("[]"); }},
                         {"sp", [&] { return (*gw)->endpointsJson(); }},
                         {"comune", [&] { return (*comune)->endpointsJson(); }}});

  if (auto r = server.run(); !r) {
    std::cerr << "serve: " << r.error() << "\n";
    return 1;
  }
  (*comune)->start(server);
  server.stopOnSignals();
  const std::string caPath = std::filesystem::absolute(materials->ca.cert).lexically_normal().string();
  if (!portsFile.empty() &&
      !writePortsFile(portsFile, server.bound(), caPath, cfg->server.public_url, error)) {
    log->error("ports_file", {{"error", error}});
    server.shutdown();
    server.wait();
    return 1;
  }
  log->info("ready", {{"config", file},
                      {"data_dir", cfg->data_dir},
                      {"public_url", cfg->server.public_url},
                      {"version", SPORTELLO_VERSION}});
  server.wait();
  (*comune)->stop();
  return 0;
}

}  // namespace sportello::app
