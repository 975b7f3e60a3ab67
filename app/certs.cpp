#include "app/commands.hpp"
#include "app/options.hpp"

namespace sportello::app {

int certs(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  std::string file, dataDir;
  desc.add_options()("help,h", "this text")("config,c", po::value(&file)->default_value(kDefaultConfig),
                                            "configuration (host names, IdPs, SP identity)")(
      "data-dir", po::value(&dataDir), "where state lives (default: the configuration's data_dir)");
  po::variables_map vm;
  const char* usage =
      "Usage: sportello certs [-c FILE] [--data-dir DIR]\n\n"
      "Creates the test PKI (CA, TLS, SAML signing and client certificates) where missing, checks what\n"
      "exists (never overwriting it), and prints where the CA is and how to trust it.\n\n";
  if (int rc = parseOptions(args, desc, usage, vm); rc >= 0) return rc;
  config::Overrides ov;
  if (vm.count("data-dir")) ov.data_dir = dataDir;
  auto cfg = loadOrReport(file, ov);
  if (!cfg) return 2;
  std::vector<pki::Finding> findings;
  auto materials = pki::ensure(pkiOptions(*cfg), findings);
  bool clean = reportFindings(findings);
  if (!materials || !clean) {
    if (!materials) std::cerr << "certs: " << materials.error() << "\n";
    return 1;
  }
  std::size_t generated = 0;
  auto count = [&](const pki::Pair& p) { generated += p.generated ? 1 : 0; };
  count(materials->ca);
  count(materials->tls);
  count(materials->sp_signing);
  count(materials->node_client);
  for (const auto& [name, p] : materials->idp_signing) count(p);
  std::cout << "Test PKI in " << cfg->pkiDir() << " (" << generated << " pair" << (generated == 1 ? "" : "s")
            << " created now, the rest reused).\n\n"
            << pki::trustInstructions(*materials, cfg->server.public_url + "/");
  return 0;
}

}  // namespace sportello::app
