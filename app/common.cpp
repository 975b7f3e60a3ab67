#include <iostream>

#include "app/commands.hpp"

namespace sportello::app {

std::shared_ptr<const config::Config> loadOrReport(const std::string& path,
                                                   const config::Overrides& overrides) {
  auto loaded = config::loadFile(path, overrides);
  if (loaded) return *loaded;
  for (const auto& p : loaded.error()) std::cerr << p.format() << "\n";
  std::cerr << loaded.error().size() << (loaded.error().size() == 1 ? " problem" : " problems") << " in "
            << path << "\n";
  return nullptr;
}

pki::Options pkiOptions(const config::Config& cfg) {
  pki::Options o;
  o.dir = cfg.pkiDir();
  o.hostnames = cfg.server.hostnames;
  for (const auto& idp : cfg.idps) o.idp_names.push_back(idp.name);
  o.sp.entity_id = cfg.sp.entity_id;
  o.sp.organization = cfg.sp.organization;
  o.sp.ipa_code = cfg.sp.ipa_code;
  o.sp.vat_number = cfg.sp.vat_number;
  o.sp.locality = cfg.sp.locality;
  o.sp.country = cfg.sp.country;
  o.sp.public_sector = cfg.sp.public_sector;
  o.sp.key_bits = cfg.sp.key_bits;
  o.ca_days = cfg.pki.ca_days;
  o.leaf_days = cfg.pki.leaf_days;
  return o;
}

bool reportFindings(const std::vector<pki::Finding>& findings) {
  for (const auto& f : findings) {
    if (f.severity == pki::Finding::Severity::info) continue;
    std::cerr << "pki: " << pki::severityName(f.severity) << ": " << f.file << ": " << f.message << " ["
              << f.rule << "]\n";
  }
  return !pki::hasErrors(findings);
}

}  // namespace sportello::app
