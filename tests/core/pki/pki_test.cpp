// The test PKI, checked with OpenSSL itself: one PKI generated per suite (RSA keys are slow), copied for
// every test that damages it.
#include "core/pki/pki.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/pki/files.hpp"
#include "core/pki/ossl.hpp"

namespace sportello::pki {
namespace {

namespace fs = std::filesystem;
using detail::GeneralNamesPtr;
using detail::PkeyPtr;
using detail::StoreCtxPtr;
using detail::StorePtr;
using detail::X509Ptr;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Severity = Finding::Severity;
using std::chrono::hours;

constexpr auto kDay = hours(24);

fs::path makeTempDir() {
  unsigned char bytes[8];
  EXPECT_EQ(RAND_bytes(bytes, sizeof bytes), 1);
  std::string name = "sportello-pki-test-";
  for (unsigned char b : bytes) {
    static const char* const hex = "0123456789abcdef";
    name += hex[b >> 4];
    name += hex[b & 15];
  }
  fs::path dir = fs::temp_directory_path() / name;
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  auto r = detail::readFile(p.string());
  return r ? *r : std::string();
}

X509Ptr loadCert(const std::string& path) {
  auto pem = detail::readFile(path);
  if (!pem) return nullptr;
  auto cert = detail::certFromPem(*pem);
  return cert ? std::move(*cert) : nullptr;
}

PkeyPtr loadKey(const std::string& path) {
  auto pem = detail::readFile(path);
  if (!pem) return nullptr;
  auto key = detail::keyFromPem(*pem);
  return key ? std::move(*key) : nullptr;
}

unsigned modeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

Options baseOptions(const fs::path& dir) {
  Options o;
  o.dir = dir.string();
  o.hostnames = {"sportello.test", "192.0.2.10", "[2001:db8::5]"};
  o.idp_names = {"alpha", "beta"};
  o.sp.entity_id = "https://sportello.test/spid/metadata";
  o.sp.organization = "Comune di Vigata";
  o.sp.ipa_code = "c_vgt";
  o.sp.locality = "Vigata";
  return o;
}

std::vector<const Pair*> allPairs(const Materials& m) {
  std::vector<const Pair*> out{&m.ca, &m.tls, &m.sp_signing, &m.node_client};
  for (const auto& [name, pair] : m.idp_signing) out.push_back(&pair);
  return out;
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(dir))
    out[entry.path().filename().string()] = slurp(entry.path());
  return out;
}

std::vector<std::string> rulesOf(const std::vector<Finding>& findings, Severity severity) {
  std::vector<std::string> out;
  for (const auto& f : findings) {
    if (f.severity == severity) out.push_back(fs::path(f.file).filename().string() + " " + f.rule);
  }
  return out;
}

const Finding* findingFor(const std::vector<Finding>& findings, const std::string& file,
                          const std::string& rule) {
  for (const auto& f : findings) {
    if (fs::path(f.file).filename() == file && f.rule == rule) return &f;
  }
  return nullptr;
}

// --- certificate inspection -------------------------------------------------------------------------

bool isCritical(const X509* cert, int nid) {
  const int i = X509_get_ext_by_NID(cert, nid, -1);
  return i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, i)) == 1;
}

bool hasExtension(const X509* cert, int nid) {
  return X509_get_ext_by_NID(cert, nid, -1) >= 0;
}

std::string dotted(const ASN1_OBJECT* obj) {
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

// Subject entries as (dotted OID, UTF-8 value), in order.
std::vector<std::pair<std::string, std::string>> subjectOf(X509* cert) {
  std::vector<std::pair<std::string, std::string>> out;
  const X509_NAME* name = X509_get_subject_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    out.emplace_back(dotted(X509_NAME_ENTRY_get_object(e)),
                     std::string(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len)));
    OPENSSL_free(utf8);
  }
  return out;
}

int entryType(X509* cert, const char* oid) {
  const X509_NAME* name = X509_get_subject_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    if (dotted(X509_NAME_ENTRY_get_object(e)) == oid) return ASN1_STRING_type(X509_NAME_ENTRY_get_data(e));
  }
  return -1;
}

// Policy OID -> explicitText of its userNotice ("" when none).
std::map<std::string, std::string> policiesOf(X509* cert) {
  std::map<std::string, std::string> out;
  auto* policies =
      static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr));
  if (policies == nullptr) return out;
  for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
    const POLICYINFO* info = sk_POLICYINFO_value(policies, i);
    std::string text;
    for (int q = 0; q < sk_POLICYQUALINFO_num(info->qualifiers); ++q) {
      const POLICYQUALINFO* qual = sk_POLICYQUALINFO_value(info->qualifiers, q);
      if (OBJ_obj2nid(qual->pqualid) == NID_id_qt_unotice && qual->d.usernotice->exptext != nullptr) {
        const ASN1_STRING* s = qual->d.usernotice->exptext;
        text.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                    static_cast<std::size_t>(ASN1_STRING_length(s)));
      }
    }
    out[dotted(info->policyid)] = text;
  }
  CERTIFICATEPOLICIES_free(policies);
  return out;
}

// "DNS:name" / "IP:address" entries of subjectAltName.
std::set<std::string> sansOf(X509* cert) {
  std::set<std::string> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names.get(), i);
    if (gen->type == GEN_DNS) {
      out.insert("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen->d.dNSName)),
                                      static_cast<std::size_t>(ASN1_STRING_length(gen->d.dNSName))));
    } else if (gen->type == GEN_IPADD) {
      const int len = ASN1_STRING_length(gen->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(gen->d.iPAddress), text, sizeof text);
      out.insert(std::string("IP:") + text);
    }
  }
  return out;
}

std::string curveOf(X509* cert) {
  char name[64] = {};
  std::size_t len = 0;
  EVP_PKEY_get_group_name(X509_get0_pubkey(cert), name, sizeof name, &len);
  return name;
}

// Full path validation as a TLS peer would do it, for `purpose` and optionally a host name.
bool chainsTo(X509* leaf, X509* ca, int purpose, const char* host = nullptr) {
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca) != 1) return false;
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) != 1) return false;
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  if (host != nullptr) X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx.get()), host, 0);
  const bool ok = X509_verify_cert(ctx.get()) == 1;
  if (!ok) ADD_FAILURE() << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  return ok;
}

double validityDays(X509* cert) {
  const auto nb = detail::toTimeT(X509_get0_notBefore(cert));
  const auto na = detail::toTimeT(X509_get0_notAfter(cert));
  return nb && na ? static_cast<double>(*na - *nb) / 86400.0 : -1;
}

// --- fixture ------------------------------------------------------------------------------------------

class PkiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_root_ = makeTempDir();
    shared_dir_ = shared_root_ / "var" / "pki";  // two levels missing: mkdir -p
    const auto started = std::chrono::steady_clock::now();
    auto r = ensure(baseOptions(shared_dir_), shared_findings_);
    generation_ms_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
            .count();
    if (r) {
      shared_ = *r;
    } else {
      shared_error_ = r.error();
    }
  }
  static void TearDownTestSuite() { fs::remove_all(shared_root_); }

  void SetUp() override {
    ASSERT_THAT(shared_error_, IsEmpty());
    dir_ = makeTempDir();
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }

  // The shared PKI copied into a directory of this test's own, to damage at will.
  fs::path copyShared() {
    const fs::path dst = dir_ / "pki";
    fs::copy(shared_dir_, dst, fs::copy_options::recursive);
    return dst;
  }

  static inline fs::path shared_root_;
  static inline fs::path shared_dir_;
  static inline Materials shared_;
  static inline std::vector<Finding> shared_findings_;
  static inline std::string shared_error_;
  static inline long long generation_ms_ = 0;
  fs::path dir_;
};

// --- generation ---------------------------------------------------------------------------------------

TEST_F(PkiTest, GeneratesEveryPairWithPrivateKeyModes) {
  EXPECT_THAT(shared_findings_, IsEmpty());
  EXPECT_EQ(modeOf(shared_dir_), 0700u);
  EXPECT_EQ(modeOf(shared_dir_.parent_path()), 0700u);
  const std::map<std::string, const Pair*> expected{{"ca", &shared_.ca},
                                                    {"tls", &shared_.tls},
                                                    {"sp-signing", &shared_.sp_signing},
                                                    {"node-client", &shared_.node_client},
                                                    {"idp-alpha", &shared_.idp_signing.at("alpha")},
                                                    {"idp-beta", &shared_.idp_signing.at("beta")}};
  EXPECT_EQ(shared_.idp_signing.size(), 2u);
  for (const auto& [stem, pair] : expected) {
    SCOPED_TRACE(stem);
    EXPECT_EQ(pair->cert, (shared_dir_ / (stem + ".crt")).string());
    EXPECT_EQ(pair->key, (shared_dir_ / (stem + ".key")).string());
    EXPECT_TRUE(pair->generated);
    EXPECT_EQ(modeOf(pair->cert), 0644u);
    EXPECT_EQ(modeOf(pair->key), 0600u);
    X509Ptr cert = loadCert(pair->cert);
    PkeyPtr key = loadKey(pair->key);
    ASSERT_TRUE(cert && key);
    EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
    EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  }
  // Nothing else (no temporary files left behind).
  EXPECT_EQ(snapshot(shared_dir_).size(), 12u);
  std::cout << "[ info     ] generating the whole PKI took " << generation_ms_ << " ms\n";
}

TEST_F(PkiTest, SecondRunReusesEveryPairByteForByte) {
  const auto before = snapshot(shared_dir_);
  std::vector<Finding> findings;
  auto again = ensure(baseOptions(shared_dir_), findings);
  ASSERT_TRUE(again) << again.error();
  EXPECT_THAT(findings, IsEmpty());
  for (const Pair* pair : allPairs(*again)) EXPECT_FALSE(pair->generated) << pair->cert;
  EXPECT_EQ(again->ca.cert, shared_.ca.cert);
  EXPECT_EQ(snapshot(shared_dir_), before);
}

TEST_F(PkiTest, CaIsASelfSignedP256Authority) {
  X509Ptr ca = loadCert(shared_.ca.cert);
  ASSERT_TRUE(ca);
  using Subject = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(subjectOf(ca.get()),
            (Subject{{"2.5.4.3", "Sportello Test CA"}, {"2.5.4.10", "Sportello (test only)"}}));
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_get_issuer_name(ca.get())), 0);
  EXPECT_EQ(X509_verify(ca.get(), X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(ca.get())), EVP_PKEY_EC);
  EXPECT_EQ(curveOf(ca.get()), "prime256v1");
  EXPECT_EQ(X509_get_signature_nid(ca.get()), NID_ecdsa_with_SHA256);
  EXPECT_TRUE(isCritical(ca.get(), NID_basic_constraints));
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_TRUE(isCritical(ca.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(ca.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NE(X509_get0_subject_key_id(ca.get()), nullptr);
  EXPECT_NEAR(validityDays(ca.get()), 3650, 0.01);
}

TEST_F(PkiTest, SpSigningCertificateFollowsAvviso29ForAPublicSp) {
  X509Ptr sp = loadCert(shared_.sp_signing.cert);
  ASSERT_TRUE(sp);
  // RSA >= 2048 with SHA-256, self-signed.
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(sp.get())), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(sp.get())), 2048);
  EXPECT_EQ(X509_get_signature_nid(sp.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_verify(sp.get(), X509_get0_pubkey(sp.get())), 1);
  // keyUsage critical, exactly digitalSignature + nonRepudiation.
  EXPECT_TRUE(isCritical(sp.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(sp.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
  // basicConstraints CA:FALSE, not critical (AgID's validator insists on both); no EKU.
  EXPECT_TRUE(hasExtension(sp.get(), NID_basic_constraints));
  EXPECT_FALSE(isCritical(sp.get(), NID_basic_constraints));
  EXPECT_EQ(X509_check_ca(sp.get()), 0);
  EXPECT_FALSE(hasExtension(sp.get(), NID_ext_key_usage));
  // certificatePolicies, not critical: agIDcert and public SP, with AgID's notices.
  EXPECT_FALSE(isCritical(sp.get(), NID_certificate_policies));
  EXPECT_EQ(policiesOf(sp.get()), (std::map<std::string, std::string>{{"1.3.76.16.6", "agIDcert"},
                                                                      {"1.3.76.16.4.2.1", "cert_SP_Pub"}}));
  // Subject: exactly CN, O, organizationIdentifier, uri, L, C; no personal names, no e-mail.
  using Subject = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(subjectOf(sp.get()), (Subject{{"2.5.4.3", "Comune di Vigata"},
                                          {"2.5.4.10", "Comune di Vigata"},
                                          {"2.5.4.97", "PA:IT-c_vgt"},
                                          {"2.5.4.83", "https://sportello.test/spid/metadata"},
                                          {"2.5.4.7", "Vigata"},
                                          {"2.5.4.6", "IT"}}));
  EXPECT_EQ(entryType(sp.get(), "2.5.4.83"), V_ASN1_UTF8STRING);
  const X509_NAME* subject = X509_get_subject_name(sp.get());
  for (int nid :
       {NID_pkcs9_emailAddress, NID_givenName, NID_surname, NID_initials, NID_pseudonym, NID_name}) {
    EXPECT_EQ(X509_NAME_get_index_by_NID(subject, nid, -1), -1) << OBJ_nid2sn(nid);
  }
  EXPECT_NEAR(validityDays(sp.get()), 3650, 0.01);
}

TEST_F(PkiTest, SpSigningCertificateFollowsAvviso29ForAPrivateSp) {
  Options o = baseOptions(dir_);
  o.idp_names.clear();
  o.sp.public_sector = false;
  o.sp.ipa_code.clear();
  o.sp.vat_number = "01234567890";
  o.sp.organization = "Servizi Vigata S.p.A.";
  o.sp.key_bits = 3072;
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_TRUE(m) << m.error();
  X509Ptr sp = loadCert(m->sp_signing.cert);
  ASSERT_TRUE(sp);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(sp.get())), 3072);
  EXPECT_EQ(X509_get_signature_nid(sp.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(policiesOf(sp.get()), (std::map<std::string, std::string>{{"1.3.76.16.6", "agIDcert"},
                                                                      {"1.3.76.16.4.3.1", "cert_SP_Priv"}}));
  using Subject = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(subjectOf(sp.get()), (Subject{{"2.5.4.3", "Servizi Vigata S.p.A."},
                                          {"2.5.4.10", "Servizi Vigata S.p.A."},
                                          {"2.5.4.97", "VATIT-01234567890"},
                                          {"2.5.4.83", "https://sportello.test/spid/metadata"},
                                          {"2.5.4.7", "Vigata"},
                                          {"2.5.4.6", "IT"}}));
}

TEST_F(PkiTest, TlsCertificateCoversEveryNameAndChainsToTheCa) {
  X509Ptr tls = loadCert(shared_.tls.cert);
  X509Ptr ca = loadCert(shared_.ca.cert);
  ASSERT_TRUE(tls && ca);
  EXPECT_EQ(sansOf(tls.get()),
            (std::set<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:sportello.test",
                                   "IP:192.0.2.10", "IP:2001:db8::5"}));
  EXPECT_EQ(detail::nameEntry(X509_get_subject_name(tls.get()), "CN"), "localhost");
  EXPECT_TRUE(chainsTo(tls.get(), ca.get(), X509_PURPOSE_SSL_SERVER, "localhost"));
  EXPECT_TRUE(chainsTo(tls.get(), ca.get(), X509_PURPOSE_SSL_SERVER, "sportello.test"));
  EXPECT_EQ(X509_check_ip_asc(tls.get(), "2001:db8::5", 0), 1);
  EXPECT_EQ(X509_get_extended_key_usage(tls.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_TRUE(isCritical(tls.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(tls.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_check_ca(tls.get()), 0);
  ASSERT_NE(X509_get0_authority_key_id(tls.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(tls.get()), X509_get0_subject_key_id(ca.get())),
            0);
  EXPECT_EQ(curveOf(tls.get()), "prime256v1");
  EXPECT_EQ(X509_get_signature_nid(tls.get()), NID_ecdsa_with_SHA256);
  EXPECT_NEAR(validityDays(tls.get()), 825, 0.01);
}

TEST_F(PkiTest, NodeClientCertificateIsForClientAuthAndChainsToTheCa) {
  X509Ptr node = loadCert(shared_.node_client.cert);
  X509Ptr ca = loadCert(shared_.ca.cert);
  ASSERT_TRUE(node && ca);
  EXPECT_EQ(detail::nameEntry(X509_get_subject_name(node.get()), "CN"), "pagoPA node (Sportello test)");
  EXPECT_TRUE(chainsTo(node.get(), ca.get(), X509_PURPOSE_SSL_CLIENT));
  EXPECT_EQ(X509_get_extended_key_usage(node.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_TRUE(isCritical(node.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(node.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(curveOf(node.get()), "prime256v1");
}

TEST_F(PkiTest, IdpSigningCertificatesAreSelfSignedRsa2048) {
  for (const auto& [name, pair] : shared_.idp_signing) {
    SCOPED_TRACE(name);
    X509Ptr cert = loadCert(pair.cert);
    ASSERT_TRUE(cert);
    using Subject = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(subjectOf(cert.get()),
              (Subject{{"2.5.4.3", name + " (Sportello test IdP)"}, {"2.5.4.10", "Sportello (test only)"}}));
    EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
    EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
    EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
    EXPECT_TRUE(isCritical(cert.get(), NID_key_usage));
    EXPECT_EQ(X509_get_key_usage(cert.get()),
              static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
  }
  EXPECT_NE(slurp(shared_.idp_signing.at("alpha").key), slurp(shared_.idp_signing.at("beta").key));
}

TEST_F(PkiTest, SerialsAreRandomPositiveAndSixteenBytes) {
  std::set<std::string> serials;
  for (const Pair* pair : allPairs(shared_)) {
    X509Ptr cert = loadCert(pair->cert);
    ASSERT_TRUE(cert);
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
    EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER) << pair->cert;  // not V_ASN1_NEG_INTEGER
    EXPECT_EQ(ASN1_STRING_length(serial), 16) << pair->cert;
    serials.emplace(reinterpret_cast<const char*>(ASN1_STRING_get0_data(serial)), 16);
  }
  EXPECT_EQ(serials.size(), allPairs(shared_).size());
}

TEST_F(PkiTest, LeafNeverOutlivesTheCa) {
  Options o = baseOptions(dir_);
  o.idp_names.clear();
  o.ca_days = 100;
  o.leaf_days = 825;
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_TRUE(m) << m.error();
  X509Ptr ca = loadCert(m->ca.cert);
  X509Ptr tls = loadCert(m->tls.cert);
  ASSERT_TRUE(ca && tls);
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(tls.get()), X509_get0_notAfter(ca.get())), 0);
}

TEST_F(PkiTest, NewIdpGetsAPairAndTheRestIsReused) {
  const fs::path dir = copyShared();
  const auto before = snapshot(dir);
  Options o = baseOptions(dir);
  o.idp_names.push_back("gamma");
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_TRUE(m) << m.error();
  EXPECT_THAT(findings, IsEmpty());
  EXPECT_TRUE(m->idp_signing.at("gamma").generated);
  EXPECT_FALSE(m->idp_signing.at("alpha").generated);
  EXPECT_FALSE(m->tls.generated);
  auto after = snapshot(dir);
  EXPECT_EQ(after.size(), before.size() + 2);
  for (const auto& [file, bytes] : before) EXPECT_EQ(after.at(file), bytes) << file;
}

TEST_F(PkiTest, TrustInstructionsNameTheCaAndEveryClient) {
  const std::string text = trustInstructions(shared_, "https://localhost:9443/");
  EXPECT_THAT(text, HasSubstr("curl --cacert " + shared_.ca.cert + " https://localhost:9443/"));
  EXPECT_THAT(text, HasSubstr("/usr/local/share/ca-certificates/sportello-test-ca.crt"));
  EXPECT_THAT(text, HasSubstr("update-ca-certificates"));
  EXPECT_THAT(text, HasSubstr("REQUESTS_CA_BUNDLE=" + shared_.ca.cert));
  EXPECT_THAT(text, HasSubstr("Firefox"));
  EXPECT_THAT(text, HasSubstr("Chrom"));
  EXPECT_THAT(text, HasSubstr(shared_.ca.key));  // the warning about who holds the CA key
  Materials odd;
  odd.ca.cert = "/tmp/with space/ca.crt";
  EXPECT_THAT(trustInstructions(odd), HasSubstr("--cacert '/tmp/with space/ca.crt' https://localhost:8443/"));
}

// --- existing pairs with problems ---------------------------------------------------------------------

TEST_F(PkiTest, ExpiredPairsAreErrorsAndLeftAlone) {
  const fs::path dir = copyShared();
  const auto before = snapshot(dir);
  Options o = baseOptions(dir);
  o.now = std::chrono::system_clock::now() + 4000 * kDay;
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(m.error(), HasSubstr("problems with the test PKI in " + dir.string()));
  const auto errors = rulesOf(findings, Severity::error);
  for (const char* file :
       {"ca.crt", "tls.crt", "node-client.crt", "sp-signing.crt", "idp-alpha.crt", "idp-beta.crt"}) {
    EXPECT_THAT(errors, Contains(std::string(file) + " pki.expired"));
  }
  const Finding* tls = findingFor(findings, "tls.crt", "pki.expired");
  ASSERT_NE(tls, nullptr);
  EXPECT_THAT(tls->message, HasSubstr("expired on 20"));
  EXPECT_THAT(tls->message, HasSubstr("delete tls.crt and tls.key to regenerate"));
  EXPECT_EQ(tls->file, (dir / "tls.crt").string());
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(PkiTest, NotYetValidPairIsAnError) {
  const fs::path dir = copyShared();
  Options o = baseOptions(dir);
  o.now = std::chrono::system_clock::now() - kDay;
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(rulesOf(findings, Severity::error), Contains("ca.crt pki.not-yet-valid"));
  EXPECT_THAT(findingFor(findings, "ca.crt", "pki.not-yet-valid")->message, HasSubstr("check the clock"));
}

TEST_F(PkiTest, PairExpiringWithinThirtyDaysIsAWarning) {
  const fs::path dir = copyShared();
  Options o = baseOptions(dir);
  o.now = std::chrono::system_clock::now() + 815 * kDay;
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_TRUE(m) << m.error();
  EXPECT_THAT(rulesOf(findings, Severity::warning),
              ::testing::UnorderedElementsAre("tls.crt pki.expiring", "node-client.crt pki.expiring"));
  // Certificate times have one-second resolution and `now` does not, so the floor of the remaining
  // days is 9 or 10 depending on where the second boundary falls: either is right.
  EXPECT_THAT(findingFor(findings, "tls.crt", "pki.expiring")->message,
              ::testing::ContainsRegex("in (9|10) days; delete tls.crt"));
}

TEST_F(PkiTest, KeyThatDoesNotMatchIsAnError) {
  const fs::path dir = copyShared();
  fs::remove(dir / "tls.key");
  fs::copy_file(dir / "node-client.key", dir / "tls.key");
  const auto before = snapshot(dir);
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir), findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(rulesOf(findings, Severity::error), ::testing::ElementsAre("tls.key pki.key-mismatch"));
  EXPECT_THAT(findings[0].message, HasSubstr("delete tls.crt and tls.key to regenerate"));
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(PkiTest, HalfAPairIsAnErrorAndThePresentHalfIsUntouched) {
  const fs::path dir = copyShared();
  fs::remove(dir / "tls.key");
  fs::remove(dir / "idp-alpha.crt");
  const auto before = snapshot(dir);
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir), findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(rulesOf(findings, Severity::error),
              ::testing::UnorderedElementsAre("tls.crt pki.half-pair", "idp-alpha.key pki.half-pair"));
  EXPECT_THAT(findingFor(findings, "tls.crt", "pki.half-pair")->message,
              HasSubstr("tls.key is missing; restore it, or delete tls.crt"));
  EXPECT_EQ(snapshot(dir), before);
  EXPECT_FALSE(fs::exists(dir / "tls.key"));
}

TEST_F(PkiTest, TlsCertificateLackingAConfiguredNameIsAWarning) {
  const fs::path dir = copyShared();
  Options o = baseOptions(dir);
  o.hostnames.push_back("new.sportello.test");
  o.hostnames.push_back("198.51.100.7");
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_TRUE(m) << m.error();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::warning);
  EXPECT_EQ(findings[0].rule, "pki.missing-hostname");
  EXPECT_THAT(findings[0].message, HasSubstr("new.sportello.test, 198.51.100.7"));
  EXPECT_THAT(findings[0].message, HasSubstr("delete tls.crt and tls.key to regenerate"));
  EXPECT_FALSE(m->tls.generated);
}

TEST_F(PkiTest, LeavesOfAReplacedCaAreErrors) {
  const fs::path dir = copyShared();
  fs::remove(dir / "ca.crt");
  fs::remove(dir / "ca.key");
  const std::string old_tls = slurp(dir / "tls.crt");
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir), findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(
      rulesOf(findings, Severity::error),
      ::testing::UnorderedElementsAre("tls.crt pki.wrong-issuer", "node-client.crt pki.wrong-issuer"));
  EXPECT_THAT(findingFor(findings, "tls.crt", "pki.wrong-issuer")->message,
              HasSubstr("delete tls.crt and tls.key to regenerate"));
  EXPECT_NE(slurp(dir / "ca.crt"), slurp(shared_dir_ / "ca.crt"));  // a new CA...
  EXPECT_EQ(slurp(dir / "tls.crt"), old_tls);                       // ...and the old leaf kept
}

TEST_F(PkiTest, LeavesAreNotGeneratedWhileTheCaCannotSign) {
  const fs::path dir = copyShared();
  fs::remove(dir / "ca.key");
  fs::remove(dir / "tls.crt");
  fs::remove(dir / "tls.key");
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir), findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(rulesOf(findings, Severity::error), ::testing::ElementsAre("ca.crt pki.half-pair"));
  EXPECT_THAT(rulesOf(findings, Severity::info), ::testing::ElementsAre("tls.crt pki.not-generated"));
  EXPECT_FALSE(fs::exists(dir / "tls.crt"));
  EXPECT_FALSE(fs::exists(dir / "tls.key"));
  EXPECT_FALSE(fs::exists(dir / "ca.key"));
}

TEST_F(PkiTest, UnreadableCertificateIsAnError) {
  const fs::path dir = copyShared();
  fs::remove(dir / "node-client.crt");
  std::ofstream(dir / "node-client.crt") << "not a certificate\n";
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir), findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(rulesOf(findings, Severity::error), ::testing::ElementsAre("node-client.crt pki.unreadable"));
  EXPECT_THAT(findings[0].message, HasSubstr("delete node-client.crt and node-client.key"));
}

TEST_F(PkiTest, KeyReadableByOthersIsAWarning) {
  const fs::path dir = copyShared();
  ASSERT_EQ(::chmod((dir / "tls.key").c_str(), 0644), 0);
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir), findings);
  ASSERT_TRUE(m) << m.error();
  EXPECT_THAT(rulesOf(findings, Severity::warning), ::testing::ElementsAre("tls.key pki.key-permissions"));
  EXPECT_THAT(findings[0].message, HasSubstr("chmod 600"));
}

TEST_F(PkiTest, SpCertificateMadeForAnotherEntityIsAWarning) {
  const fs::path dir = copyShared();
  Options o = baseOptions(dir);
  o.sp.entity_id = "https://other.example/metadata";
  std::vector<Finding> findings;
  auto m = ensure(o, findings);
  ASSERT_TRUE(m) << m.error();
  EXPECT_THAT(rulesOf(findings, Severity::warning), ::testing::ElementsAre("sp-signing.crt pki.sp-identity"));
  EXPECT_THAT(findings[0].message, HasSubstr("https://other.example/metadata"));
}

TEST_F(PkiTest, ExistingFindingsAreKept) {
  std::vector<Finding> findings{Finding{Severity::error, "elsewhere", "earlier", "other.rule"}};
  auto m = ensure(baseOptions(shared_dir_), findings);
  ASSERT_TRUE(m) << m.error();  // an earlier error is not this run's
  EXPECT_EQ(findings.size(), 1u);
  EXPECT_TRUE(hasErrors(findings));
  EXPECT_STREQ(severityName(findings[0].severity), "error");
}

// --- bad environments and options ---------------------------------------------------------------------

TEST_F(PkiTest, DirectoryThatCannotBeCreatedIsAnErrorResult) {
  std::ofstream(dir_ / "file") << "x";
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir_ / "file" / "pki"), findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(m.error(), HasSubstr((dir_ / "file").string()));
  EXPECT_THAT(findings, IsEmpty());
}

TEST_F(PkiTest, DirectoryWithoutWritePermissionIsAnErrorResult) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const fs::path dir = dir_ / "ro";
  fs::create_directory(dir);
  ASSERT_EQ(::chmod(dir.c_str(), 0500), 0);
  std::vector<Finding> findings;
  auto m = ensure(baseOptions(dir), findings);
  ASSERT_FALSE(m);
  EXPECT_THAT(m.error(), HasSubstr(dir.string()));
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(PkiTest, InvalidOptionsAreRejectedBeforeTouchingTheDisk) {
  auto rejects = [&](const char* what, auto&& edit) {
    SCOPED_TRACE(what);
    Options o = baseOptions(dir_ / "never");
    edit(o);
    std::vector<Finding> findings;
    auto m = ensure(o, findings);
    ASSERT_FALSE(m);
    EXPECT_THAT(m.error(), HasSubstr(what));
    EXPECT_FALSE(fs::exists(dir_ / "never"));
  };
  rejects("key_bits", [](Options& o) { o.sp.key_bits = 1024; });
  rejects("leaf_days", [](Options& o) { o.leaf_days = 826; });
  rejects("ca_days", [](Options& o) { o.ca_days = 0; });
  rejects("bad name", [](Options& o) { o.hostnames.push_back("bad name"); });
  rejects("../x", [](Options& o) { o.idp_names.push_back("../x"); });
  rejects("vat_number", [](Options& o) { o.sp.public_sector = false; });
  rejects("ipa_code", [](Options& o) { o.sp.ipa_code.clear(); });
  rejects("country", [](Options& o) { o.sp.country = "Italy"; });
  rejects("entity_id", [](Options& o) { o.sp.entity_id.clear(); });
  rejects("organization", [](Options& o) { o.sp.organization = std::string(65, 'x'); });
  rejects("no directory", [](Options& o) { o.dir.clear(); });
}

TEST_F(PkiTest, NewFilesAreNeverWrittenOverExistingOnes) {
  const std::string path = (dir_ / "exists").string();
  std::ofstream(path) << "mine";
  auto written = detail::writeNewFile(path, "theirs", 0600);
  ASSERT_FALSE(written);
  EXPECT_EQ(slurp(path), "mine");
  EXPECT_EQ(snapshot(dir_).size(), 1u);  // no temporary file left behind
}

}  // namespace
}  // namespace sportello::pki
