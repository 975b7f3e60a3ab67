#include "core/pki/issue.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <utility>

namespace sportello::pki::detail {

namespace {

// Tolerates a verifier whose clock runs a little behind the machine that issued the certificate.
constexpr std::time_t kBackdate = 5 * 60;

using Done = Result<void, std::string>;

Result<PkeyPtr, std::string> ecKey() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return fail(opensslError("generating an EC P-256 key"));
  return key;
}

Result<PkeyPtr, std::string> rsaKey(int bits) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  if (!key) return fail(opensslError("generating an RSA-" + std::to_string(bits) + " key"));
  return key;
}

Done addEntry(X509_NAME* name, const char* oid, const std::string& value) {
  // `oid` is a short name ("CN") or, for attributes OpenSSL 3.0 has no name for (uri, 2.5.4.83), a dotted
  // OID. Attributes without a built-in string type are encoded as UTF8String (the default "utf8only" mask).
  ObjectPtr obj(OBJ_txt2obj(oid, 0));
  if (!obj || X509_NAME_add_entry_by_OBJ(name, obj.get(), MBSTRING_UTF8,
                                         reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), -1, 0) != 1) {
    return fail(opensslError(std::string("setting subject ") + oid + "=" + value));
  }
  return {};
}

Done addEntries(X509_NAME* name, const std::vector<std::pair<const char*, std::string>>& entries) {
  for (const auto& [oid, value] : entries) {
    if (auto done = addEntry(name, oid, value); !done) return done;
  }
  return {};
}

Done setRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return fail(opensslError("generating a serial number"));
  // Clear the sign bit (serials must be positive) and set the next one so the DER integer is always
  // exactly 16 bytes and never zero.
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
  BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return fail(opensslError("setting a serial number"));
  }
  return {};
}

Done addExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return fail(opensslError(std::string("adding ") + OBJ_nid2sn(nid) + " " + value));
  }
  return {};
}

struct Profile {
  X509_NAME* subject = nullptr;
  EVP_PKEY* key = nullptr;         // the subject's
  X509* issuer = nullptr;          // nullptr: self-signed
  EVP_PKEY* issuer_key = nullptr;  // nullptr: self-signed
  Window window;
  std::vector<std::pair<int, const char*>> extensions;  // in x509v3_config syntax
  GENERAL_NAMES* subject_alt_names = nullptr;
  CONF* policies_conf = nullptr;  // sections named by `policies`
  const char* policies = nullptr;
};

Result<X509Ptr, std::string> sign(const Profile& p) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return fail(opensslError("X509_new"));
  if (auto done = setRandomSerial(cert.get()); !done) return fail(done.error());
  const X509_NAME* issuer_name = p.issuer != nullptr ? X509_get_subject_name(p.issuer) : p.subject;
  if (X509_set_subject_name(cert.get(), p.subject) != 1 ||
      X509_set_issuer_name(cert.get(), issuer_name) != 1 || X509_set_pubkey(cert.get(), p.key) != 1) {
    return fail(opensslError("setting subject, issuer and public key"));
  }
  const std::time_t not_after = p.window.now + static_cast<std::time_t>(p.window.days) * 86400;
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()), p.window.now - kBackdate) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after) == nullptr) {
    return fail(opensslError("setting the validity period"));
  }
  // A leaf that outlives its CA would only fail later with a less obvious error.
  if (p.issuer != nullptr &&
      ASN1_TIME_compare(X509_get0_notAfter(p.issuer), X509_get0_notAfter(cert.get())) < 0 &&
      X509_set1_notAfter(cert.get(), X509_get0_notAfter(p.issuer)) != 1) {
    return fail(opensslError("limiting the validity period to the CA's"));
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, p.issuer != nullptr ? p.issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : p.extensions) {
    if (auto done = addExtension(cert.get(), &ctx, nid, value); !done) return fail(done.error());
  }
  if (p.subject_alt_names != nullptr &&
      X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, p.subject_alt_names, 0, X509V3_ADD_DEFAULT) != 1) {
    return fail(opensslError("adding subjectAltName"));
  }
  if (p.policies != nullptr) {
    X509V3_set_nconf(&ctx, p.policies_conf);
    ExtensionPtr ext(X509V3_EXT_nconf_nid(p.policies_conf, &ctx, NID_certificate_policies, p.policies));
    if (!ext || X509_add_ext(cert.get(), ext.get(), -1) != 1) {
      return fail(opensslError("adding certificatePolicies"));
    }
  }
  if (X509_sign(cert.get(), p.issuer_key != nullptr ? p.issuer_key : p.key, EVP_sha256()) <= 0) {
    return fail(opensslError("signing the certificate"));
  }
  return cert;
}

Result<GeneralNamesPtr, std::string> subjectAltNames(const std::vector<std::string>& names) {
  GeneralNamesPtr out(sk_GENERAL_NAME_new_null());
  if (!out) return fail(opensslError("allocating subjectAltName"));
  for (const auto& name : names) {
    GeneralNamePtr gen(GENERAL_NAME_new());
    if (!gen) return fail(opensslError("allocating subjectAltName"));
    if (isIpLiteral(name)) {
      ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str());
      if (ip == nullptr) return fail(opensslError("encoding IP address " + name));
      GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, ip);
    } else {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr) return fail(opensslError("allocating subjectAltName"));
      GENERAL_NAME_set0_value(gen.get(), GEN_DNS, dns);
      if (ASN1_STRING_set(dns, name.data(), static_cast<int>(name.size())) != 1) {
        return fail(opensslError("encoding DNS name " + name));
      }
    }
    if (sk_GENERAL_NAME_push(out.get(), gen.get()) <= 0) return fail(opensslError("building subjectAltName"));
    gen.release();  // owned by the stack now
  }
  return out;
}

Result<Issued, std::string> selfSignedRsa(NamePtr subject, int bits, Window window,
                                          std::vector<std::pair<int, const char*>> extensions,
                                          CONF* policies_conf = nullptr, const char* policies = nullptr) {
  auto key = rsaKey(bits);
  if (!key) return fail(key.error());
  Profile p;
  p.subject = subject.get();
  p.key = key->get();
  p.window = window;
  p.extensions = std::move(extensions);
  p.policies_conf = policies_conf;
  p.policies = policies;
  auto cert = sign(p);
  if (!cert) return fail(cert.error());
  return Issued{std::move(*cert), std::move(*key)};
}

}  // namespace

std::string organizationIdentifier(const SpIdentity& sp) {
  return sp.public_sector ? "PA:IT-" + sp.ipa_code : "VATIT-" + sp.vat_number;
}

bool isIpLiteral(const std::string& name) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, name.c_str(), buf) == 1 || ::inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

std::vector<std::string> tlsNames(const std::vector<std::string>& hostnames) {
  std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
  for (std::string name : hostnames) {
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  return names;
}

Result<Issued, std::string> issueCa(Window window) {
  auto key = ecKey();
  if (!key) return fail(key.error());
  NamePtr subject(X509_NAME_new());
  if (!subject) return fail(opensslError("X509_NAME_new"));
  if (auto done = addEntries(subject.get(), {{"CN", "Sportello Test CA"}, {"O", kTestOrganization}}); !done) {
    return fail(done.error());
  }
  Profile p;
  p.subject = subject.get();
  p.key = key->get();
  p.window = window;
  p.extensions = {{NID_basic_constraints, "critical,CA:TRUE"},
                  {NID_key_usage, "critical,keyCertSign,cRLSign"},
                  {NID_subject_key_identifier, "hash"}};
  auto cert = sign(p);
  if (!cert) return fail(cert.error());
  return Issued{std::move(*cert), std::move(*key)};
}

Result<Issued, std::string> issueTls(X509* ca, EVP_PKEY* ca_key, const std::vector<std::string>& hostnames,
                                     Window window) {
  auto key = ecKey();
  if (!key) return fail(key.error());
  NamePtr subject(X509_NAME_new());
  if (!subject) return fail(opensslError("X509_NAME_new"));
  if (auto done = addEntries(subject.get(), {{"CN", "localhost"}, {"O", kTestOrganization}}); !done) {
    return fail(done.error());
  }
  auto sans = subjectAltNames(tlsNames(hostnames));
  if (!sans) return fail(sans.error());
  Profile p;
  p.subject = subject.get();
  p.key = key->get();
  p.issuer = ca;
  p.issuer_key = ca_key;
  p.window = window;
  p.extensions = {{NID_basic_constraints, "CA:FALSE"},
                  {NID_key_usage, "critical,digitalSignature"},
                  {NID_ext_key_usage, "serverAuth"},
                  {NID_subject_key_identifier, "hash"},
                  {NID_authority_key_identifier, "keyid:always"}};
  p.subject_alt_names = sans->get();
  auto cert = sign(p);
  if (!cert) return fail(cert.error());
  return Issued{std::move(*cert), std::move(*key)};
}

Result<Issued, std::string> issueNodeClient(X509* ca, EVP_PKEY* ca_key, Window window) {
  auto key = ecKey();
  if (!key) return fail(key.error());
  NamePtr subject(X509_NAME_new());
  if (!subject) return fail(opensslError("X509_NAME_new"));
  if (auto done =
          addEntries(subject.get(), {{"CN", "pagoPA node (Sportello test)"}, {"O", kTestOrganization}});
      !done) {
    return fail(done.error());
  }
  Profile p;
  p.subject = subject.get();
  p.key = key->get();
  p.issuer = ca;
  p.issuer_key = ca_key;
  p.window = window;
  p.extensions = {{NID_basic_constraints, "CA:FALSE"},
                  {NID_key_usage, "critical,digitalSignature"},
                  {NID_ext_key_usage, "clientAuth"},
                  {NID_subject_key_identifier, "hash"},
                  {NID_authority_key_identifier, "keyid:always"}};
  auto cert = sign(p);
  if (!cert) return fail(cert.error());
  return Issued{std::move(*cert), std::move(*key)};
}

Result<Issued, std::string> issueSpSigning(const SpIdentity& sp, Window window) {
  NamePtr subject(X509_NAME_new());
  if (!subject) return fail(opensslError("X509_NAME_new"));
  // Avviso SPID n.29 v3: exactly these attributes; no personal names and no e-mail address.
  if (auto done = addEntries(subject.get(), {{"CN", sp.organization},
                                             {"O", sp.organization},
                                             {"organizationIdentifier", organizationIdentifier(sp)},
                                             {kUriOid, sp.entity_id},
                                             {"L", sp.locality},
                                             {"C", sp.country}});
      !done) {
    return fail(done.error());
  }

  // The policy qualifiers are the ones AgID's own generator and validator use.
  const std::string policies_text = std::string("[agid]\npolicyIdentifier = ") + kAgidCertPolicy +
                                    "\nuserNotice.1 = @agid_notice\n"
                                    "[agid_notice]\nexplicitText = UTF8:agIDcert\n"
                                    "[sp]\npolicyIdentifier = " +
                                    (sp.public_sector ? kPublicSpPolicy : kPrivateSpPolicy) +
                                    "\nuserNotice.1 = @sp_notice\n"
                                    "[sp_notice]\nexplicitText = UTF8:" +
                                    (sp.public_sector ? "cert_SP_Pub" : "cert_SP_Priv") + "\n";
  ConfPtr conf(NCONF_new(nullptr));
  BioPtr bio(BIO_new_mem_buf(policies_text.data(), static_cast<int>(policies_text.size())));
  long error_line = 0;
  if (!conf || !bio || NCONF_load_bio(conf.get(), bio.get(), &error_line) <= 0) {
    return fail(opensslError("preparing certificatePolicies"));
  }
  return selfSignedRsa(std::move(subject), sp.key_bits, window,
                       {{NID_basic_constraints, "CA:FALSE"},
                        {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
                        {NID_subject_key_identifier, "hash"}},
                       conf.get(), "@agid,@sp");
}

Result<Issued, std::string> issueIdpSigning(const std::string& idp_name, Window window) {
  NamePtr subject(X509_NAME_new());
  if (!subject) return fail(opensslError("X509_NAME_new"));
  if (auto done =
          addEntries(subject.get(), {{"CN", idp_name + " (Sportello test IdP)"}, {"O", kTestOrganization}});
      !done) {
    return fail(done.error());
  }
  return selfSignedRsa(std::move(subject), 2048, window,
                       {{NID_basic_constraints, "CA:FALSE"},
                        {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
                        {NID_subject_key_identifier, "hash"}});
}

}  // namespace sportello::pki::detail
