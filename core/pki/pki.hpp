// The test PKI: everything Sportello needs to speak TLS and sign SAML on a laptop, generated with the
// OpenSSL 3 API (no shelling out) into one directory.
//
//   ca.crt / ca.key                 test CA (ECDSA P-256, self-signed, CA:true, keyCertSign+cRLSign)
//   tls.crt / tls.key               server certificate signed by the CA (ECDSA P-256, serverAuth),
//                                   SAN: localhost, 127.0.0.1, ::1 and every configured host name
//   sp-signing.crt / .key           the gateway's SAML signing certificate per Avviso SPID n.29 v3 (RSA,
//                                   self-signed, see SpIdentity)
//   idp-<name>.crt / .key           one SAML signing certificate per mock IdP (RSA 2048, self-signed)
//   node-client.crt / .key          client certificate of the mock pagoPA node for mutual TLS to ECs
//                                   (ECDSA P-256, signed by the CA, clientAuth)
//
// Contract of ensure():
//  - A missing pair is generated; keys are written with mode 0600, certificates 0644.
//  - An existing pair is reused, never overwritten. Findings report what is wrong with it:
//    expired or not yet valid (error), expiring within 30 days (warning), key that does not match the
//    certificate (error), TLS certificate lacking a configured host name (warning), half a pair present
//    (error: never completed silently).
//  - Returns the paths of every file whether generated or reused; fails only when the options are
//    invalid, the directory cannot be created or written, or findings contain an error.
//  - Never throws. The directory is created with mode 0700 when missing; files are written to a temporary
//    name and renamed into place without replacing anything.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/base/result.hpp"

namespace sportello::pki {

struct SpIdentity {
  std::string entity_id;       // subject uri (2.5.4.83)
  std::string organization;    // O and CN
  std::string ipa_code;        // public SP: organizationIdentifier PA:IT-<ipa_code>
  std::string vat_number;      // private SP: organizationIdentifier VATIT-<vat_number>
  std::string locality;        // L
  std::string country = "IT";  // C
  bool public_sector = true;   // certificatePolicies 1.3.76.16.6 + 1.3.76.16.4.2.1 (public) / 1.3.76.16.4.3.1
  int key_bits = 2048;
};

struct Options {
  std::string dir;
  std::vector<std::string> hostnames;  // extra TLS SANs (DNS names or IP literals)
  std::vector<std::string> idp_names;  // one SAML signing pair each
  SpIdentity sp;
  int ca_days = 3650;
  int leaf_days = 825;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();  // for validity checks
};

struct Pair {
  std::string cert;  // PEM file path
  std::string key;   // PEM file path
  bool generated = false;
};

struct Materials {
  Pair ca;
  Pair tls;
  Pair sp_signing;
  std::map<std::string, Pair> idp_signing;  // by IdP name
  Pair node_client;
};

struct Finding {
  enum class Severity { info, warning, error };
  Severity severity = Severity::info;
  std::string file;
  std::string message;  // "expired on 2026-01-01T00:00:00Z; delete ca.crt and ca.key to regenerate"
  std::string rule;     // stable name for logs and tests: "pki.expired", "pki.key-mismatch", ...
};

// Appends to `findings` (existing entries are kept).
Result<Materials, std::string> ensure(const Options& options, std::vector<Finding>& findings);

bool hasErrors(const std::vector<Finding>& findings);
const char* severityName(Finding::Severity severity);  // "info" | "warning" | "error"

// How to make curl, browsers, the Debian trust store and Python trust the test CA (what
// `sportello certs` prints). `url` is where the gateway answers, for the example commands.
std::string trustInstructions(const Materials& materials, const std::string& url = "https://localhost:8443/");

}  // namespace sportello::pki
