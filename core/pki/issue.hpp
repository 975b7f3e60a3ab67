// Internal to core/pki: key generation and the five certificate profiles of the test PKI (see pki.hpp
// for what each is for). Every certificate gets a random 16-byte positive serial, SHA-256, X.509 v3,
// notBefore five minutes before `now` and notAfter `days` after it, never later than its issuer's.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/pki/ossl.hpp"
#include "core/pki/pki.hpp"

namespace sportello::pki::detail {

struct Issued {
  X509Ptr cert;
  PkeyPtr key;
};

struct Window {
  std::time_t now = 0;
  int days = 0;
};

// Subject names and policies that both issuing and checking need.
inline constexpr const char* kUriOid = "2.5.4.83";                  // X.520 uri
inline constexpr const char* kAgidCertPolicy = "1.3.76.16.6";       // agIDcert
inline constexpr const char* kPublicSpPolicy = "1.3.76.16.4.2.1";   // spid-publicsector-SP
inline constexpr const char* kPrivateSpPolicy = "1.3.76.16.4.3.1";  // spid-privatesector-SP
inline constexpr const char* kTestOrganization = "Sportello (test only)";

std::string organizationIdentifier(const SpIdentity& sp);  // "PA:IT-<ipa>" or "VATIT-<vat>"
// localhost, 127.0.0.1, ::1, then `hostnames` (brackets around IPv6 literals dropped), without repeats.
std::vector<std::string> tlsNames(const std::vector<std::string>& hostnames);
bool isIpLiteral(const std::string& name);

Result<Issued, std::string> issueCa(Window window);
Result<Issued, std::string> issueTls(X509* ca, EVP_PKEY* ca_key, const std::vector<std::string>& hostnames,
                                     Window window);
Result<Issued, std::string> issueNodeClient(X509* ca, EVP_PKEY* ca_key, Window window);
Result<Issued, std::string> issueSpSigning(const SpIdentity& sp, Window window);
Result<Issued, std::string> issueIdpSigning(const std::string& idp_name, Window window);

}  // namespace sportello::pki::detail
