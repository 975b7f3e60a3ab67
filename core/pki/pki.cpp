#include "core/pki/pki.hpp"

#include <openssl/err.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <utility>

#include "core/base/clock.hpp"
#include "core/pki/files.hpp"
#include "core/pki/issue.hpp"
#include "core/pki/ossl.hpp"

namespace sportello::pki {

namespace {

using namespace detail;  // NOLINT(google-build-using-namespace): the component's own internals

constexpr std::time_t kDay = 86400;
constexpr std::time_t kExpiryWarning = 30 * kDay;

// One certificate/key pair as found on disk or just made.
struct Slot {
  std::string stem;  // "tls" -> tls.crt, tls.key
  Pair pair;
  X509Ptr cert;
  PkeyPtr key;
  bool usable = false;  // both parsed and the key belongs to the certificate
};

bool validDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = name.rfind("*.", 0) == 0 ? 2 : 0;  // one leading wildcard label
  std::size_t label = 0;
  for (std::size_t i = start; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (std::isalnum(c) || c == '-' || c == '_') {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0;
}

bool validIdpName(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
  });
}

Result<void, std::string> validate(const Options& o) {
  auto bad = [](std::string what) { return fail("pki: " + std::move(what)); };
  if (o.dir.empty()) return bad("no directory given");
  if (o.ca_days < 1 || o.ca_days > 36500) return bad("ca_days must be between 1 and 36500");
  // 825 days is the longest server-certificate lifetime Apple platforms and some browsers accept.
  if (o.leaf_days < 1 || o.leaf_days > 825) return bad("leaf_days must be between 1 and 825");
  for (const auto& h : o.hostnames) {
    std::string name = h;
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    if (!isIpLiteral(name) && !validDnsName(name)) {
      return bad("host name \"" + h + "\" is neither an IP address nor a DNS name");
    }
  }
  for (const auto& n : o.idp_names) {
    if (!validIdpName(n)) return bad("IdP name \"" + n + "\" cannot be used in a file name");
  }
  const SpIdentity& sp = o.sp;
  if (sp.key_bits != 2048 && sp.key_bits != 3072 && sp.key_bits != 4096) {
    return bad("sp key_bits must be 2048, 3072 or 4096 (Avviso SPID n.29)");
  }
  if (sp.entity_id.empty()) return bad("sp entity_id is empty");
  // The X.520 upper bounds OpenSSL enforces for CN/O (64) and L (128).
  if (sp.organization.empty() || sp.organization.size() > 64)
    return bad("sp organization must be 1-64 characters");
  if (sp.locality.empty() || sp.locality.size() > 128) return bad("sp locality must be 1-128 characters");
  if (sp.country.size() != 2 || !std::isupper(static_cast<unsigned char>(sp.country[0])) ||
      !std::isupper(static_cast<unsigned char>(sp.country[1]))) {
    return bad("sp country must be a two-letter ISO 3166 code such as IT");
  }
  if (sp.public_sector) {
    // AgID's validator: "PA:IT-" followed by 1-11 non-blank characters.
    if (sp.ipa_code.empty() || sp.ipa_code.size() > 11 ||
        std::any_of(sp.ipa_code.begin(), sp.ipa_code.end(),
                    [](unsigned char c) { return std::isspace(c); })) {
      return bad("sp ipa_code must be the 1-11 character IPA code of a public SP");
    }
  } else if (sp.vat_number.size() != 11 || !std::all_of(sp.vat_number.begin(), sp.vat_number.end(),
                                                        [](unsigned char c) { return std::isdigit(c); })) {
    return bad("sp vat_number must be the 11 digits of an Italian partita IVA (private SP)");
  }
  return {};
}

class Ensurer {
 public:
  Ensurer(const Options& options, std::vector<Finding>& findings)
      : o_(options), findings_(findings), now_(std::chrono::system_clock::to_time_t(options.now)) {}

  Result<Materials, std::string> run() {
    const std::size_t first = findings_.size();
    if (auto ok = validate(o_); !ok) return fail(ok.error());
    if (auto ok = makeDirectories(o_.dir); !ok) return fail("pki: " + ok.error());
    const Window ca_window{now_, o_.ca_days};
    const Window leaf_window{now_, o_.leaf_days};

    Slot ca = slot("ca");
    if (auto ok = obtain(ca, [&] { return issueCa(ca_window); }); !ok) return fail(ok.error());
    const bool ca_can_sign = ca.usable && currentlyValid(ca.cert.get());

    Slot tls = slot("tls");
    Slot node = slot("node-client");
    for (Slot* leaf : {&tls, &node}) {
      const bool present = exists(leaf->pair.cert) || exists(leaf->pair.key);
      if (!present && !ca_can_sign) {
        add(Finding::Severity::info, leaf->pair.cert, "pki.not-generated",
            "not generated because the test CA cannot sign; fix ca.crt/ca.key first");
        continue;
      }
      auto generate = [&, leaf] {
        return leaf == &tls ? issueTls(ca.cert.get(), ca.key.get(), o_.hostnames, leaf_window)
                            : issueNodeClient(ca.cert.get(), ca.key.get(), leaf_window);
      };
      if (auto ok = obtain(*leaf, generate); !ok) return fail(ok.error());
      if (!leaf->pair.generated) checkIssuedBy(*leaf, ca);
    }
    if (tls.cert && !tls.pair.generated) checkHostnames(tls);

    Slot sp = slot("sp-signing");
    if (auto ok = obtain(sp, [&] { return issueSpSigning(o_.sp, ca_window); }); !ok) return fail(ok.error());
    if (sp.cert && !sp.pair.generated) checkSpIdentity(sp);

    Materials m;
    for (const auto& name : o_.idp_names) {
      Slot idp = slot("idp-" + name);
      if (auto ok = obtain(idp, [&] { return issueIdpSigning(name, ca_window); }); !ok)
        return fail(ok.error());
      m.idp_signing[name] = idp.pair;
    }

    std::size_t errors = 0;
    const Finding* first_error = nullptr;
    for (std::size_t i = first; i < findings_.size(); ++i) {
      if (findings_[i].severity != Finding::Severity::error) continue;
      if (errors++ == 0) first_error = &findings_[i];
    }
    if (first_error != nullptr) {
      return fail("pki: " + std::to_string(errors) + (errors == 1 ? " problem" : " problems") +
                  " with the test PKI in " + o_.dir +
                  " (first: " + std::filesystem::path(first_error->file).filename().string() + ": " +
                  first_error->message + ")");
    }
    m.ca = ca.pair;
    m.tls = tls.pair;
    m.node_client = node.pair;
    m.sp_signing = sp.pair;
    return m;
  }

 private:
  Slot slot(const std::string& stem) const {
    Slot s;
    s.stem = stem;
    s.pair.cert = (std::filesystem::path(o_.dir) / (stem + ".crt")).string();
    s.pair.key = (std::filesystem::path(o_.dir) / (stem + ".key")).string();
    return s;
  }

  static bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
  }

  static std::string advice(const Slot& s) {
    if (s.stem == "ca") {
      return "delete ca.crt and ca.key, and the tls and node-client pairs it signed, to regenerate them";
    }
    std::string out = "delete " + s.stem + ".crt and " + s.stem + ".key to regenerate";
    if (s.stem == "sp-signing") out += " (IdPs that know the SP metadata must then fetch it again)";
    return out;
  }

  void add(Finding::Severity severity, const std::string& file, const char* rule, std::string message) {
    findings_.push_back(Finding{severity, file, std::move(message), rule});
  }

  // Generates the pair when both files are missing; otherwise loads and checks what is there.
  // Fails only when generating or writing fails.
  Result<void, std::string> obtain(Slot& s, const std::function<Result<Issued, std::string>()>& generate) {
    const bool has_cert = exists(s.pair.cert);
    const bool has_key = exists(s.pair.key);
    if (!has_cert && !has_key) return create(s, generate);
    if (has_cert != has_key) {
      const std::string present = s.stem + (has_cert ? ".crt" : ".key");
      const std::string missing = s.stem + (has_cert ? ".key" : ".crt");
      add(Finding::Severity::error, has_cert ? s.pair.cert : s.pair.key, "pki.half-pair",
          missing + " is missing; restore it, or delete " + present + " to regenerate the pair");
      return {};
    }
    load(s);
    return {};
  }

  Result<void, std::string> create(Slot& s, const std::function<Result<Issued, std::string>()>& generate) {
    auto issued = generate();
    if (!issued) return fail("pki: cannot generate " + s.stem + ": " + issued.error());
    auto key_pem = keyToPem(issued->key.get());
    if (!key_pem) return fail("pki: " + key_pem.error());
    auto cert_pem = certToPem(issued->cert.get());
    if (!cert_pem) return fail("pki: " + cert_pem.error());
    // The key goes first: a crash in between leaves a lone key, which the next run reports.
    if (auto ok = writeNewFile(s.pair.key, *key_pem, 0600); !ok) return fail("pki: " + ok.error());
    if (auto ok = writeNewFile(s.pair.cert, *cert_pem, 0644); !ok) {
      ::unlink(s.pair.key.c_str());  // ours, written a moment ago: do not leave half a pair behind
      return fail("pki: " + ok.error());
    }
    s.cert = std::move(issued->cert);
    s.key = std::move(issued->key);
    s.usable = true;
    s.pair.generated = true;
    return {};
  }

  void load(Slot& s) {
    if (auto pem = readFile(s.pair.cert); !pem) {
      add(Finding::Severity::error, s.pair.cert, "pki.unreadable", pem.error() + "; " + advice(s));
    } else if (auto cert = certFromPem(*pem); !cert) {
      add(Finding::Severity::error, s.pair.cert, "pki.unreadable", cert.error() + "; " + advice(s));
    } else {
      s.cert = std::move(*cert);
    }
    if (auto pem = readFile(s.pair.key); !pem) {
      add(Finding::Severity::error, s.pair.key, "pki.unreadable", pem.error() + "; " + advice(s));
    } else if (auto key = keyFromPem(*pem); !key) {
      add(Finding::Severity::error, s.pair.key, "pki.unreadable", key.error() + "; " + advice(s));
    } else {
      s.key = std::move(*key);
    }
    checkKeyMode(s);
    if (!s.cert) return;
    checkValidity(s);
    if (!s.key) return;
    if (X509_check_private_key(s.cert.get(), s.key.get()) != 1) {
      ERR_clear_error();
      add(Finding::Severity::error, s.pair.key, "pki.key-mismatch",
          s.stem + ".key is not the private key of " + s.stem + ".crt; restore the matching key, or " +
              advice(s));
      return;
    }
    s.usable = true;
  }

  void checkKeyMode(const Slot& s) {
    struct stat st {};
    if (::stat(s.pair.key.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    add(Finding::Severity::warning, s.pair.key, "pki.key-permissions",
        "other users may read this private key (mode " + std::string(mode) + "); run chmod 600 " +
            s.pair.key);
  }

  bool currentlyValid(const X509* cert) const {
    const auto not_before = toTimeT(X509_get0_notBefore(cert));
    const auto not_after = toTimeT(X509_get0_notAfter(cert));
    return not_before && not_after && *not_before <= now_ && now_ <= *not_after;
  }

  void checkValidity(const Slot& s) {
    const ASN1_TIME* nb = X509_get0_notBefore(s.cert.get());
    const ASN1_TIME* na = X509_get0_notAfter(s.cert.get());
    const auto not_before = toTimeT(nb);
    const auto not_after = toTimeT(na);
    if (!not_before || !not_after) {
      add(Finding::Severity::error, s.pair.cert, "pki.unreadable",
          "unreadable validity period; " + advice(s));
    } else if (now_ < *not_before) {
      add(Finding::Severity::error, s.pair.cert, "pki.not-yet-valid",
          "not valid before " + formatTime(nb) + " (now is " + formatUtc(o_.now) + "); check the clock, or " +
              advice(s));
    } else if (now_ > *not_after) {
      add(Finding::Severity::error, s.pair.cert, "pki.expired",
          "expired on " + formatTime(na) + "; " + advice(s));
    } else if (*not_after - now_ < kExpiryWarning) {
      add(Finding::Severity::warning, s.pair.cert, "pki.expiring",
          "expires on " + formatTime(na) + ", in " + std::to_string((*not_after - now_) / kDay) + " days; " +
              advice(s));
    }
  }

  // A CA regenerated under existing leaves leaves them signed by a key nobody trusts any more.
  void checkIssuedBy(const Slot& leaf, const Slot& ca) {
    if (!leaf.cert || !ca.cert) return;
    EVP_PKEY* ca_public = X509_get0_pubkey(ca.cert.get());
    if (ca_public != nullptr && X509_verify(leaf.cert.get(), ca_public) == 1) return;
    ERR_clear_error();
    add(Finding::Severity::error, leaf.pair.cert, "pki.wrong-issuer",
        "not signed by the current test CA in ca.crt (was the CA regenerated?); " + advice(leaf));
  }

  void checkHostnames(const Slot& tls) {
    std::vector<std::string> missing;
    for (const auto& name : tlsNames(o_.hostnames)) {
      if (!covers(tls.cert.get(), name)) missing.push_back(name);
    }
    if (missing.empty()) return;
    std::string list;
    for (const auto& name : missing) list += (list.empty() ? "" : ", ") + name;
    add(Finding::Severity::warning, tls.pair.cert, "pki.missing-hostname",
        "does not cover " + list + " (browsers will refuse that name); " + advice(tls));
  }

  static bool covers(X509* cert, const std::string& name) {
    if (isIpLiteral(name)) return X509_check_ip_asc(cert, name.c_str(), 0) == 1;
    if (X509_check_host(cert, name.data(), name.size(), 0, nullptr) == 1) return true;
    // X509_check_host cannot match a configured wildcard ("*.example.test") against itself.
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (sans == nullptr) return false;
    GeneralNamesPtr owned(sans);
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* gen = sk_GENERAL_NAME_value(sans, i);
      if (gen->type != GEN_DNS) continue;
      const std::string dns(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen->d.dNSName)),
                            static_cast<std::size_t>(ASN1_STRING_length(gen->d.dNSName)));
      if (std::equal(dns.begin(), dns.end(), name.begin(), name.end(),
                     [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); })) {
        return true;
      }
    }
    return false;
  }

  // An SP certificate made for another entity ID or organisation no longer matches the metadata.
  void checkSpIdentity(const Slot& sp) {
    const X509_NAME* subject = X509_get_subject_name(sp.cert.get());
    const std::string has = nameEntry(subject, kUriOid).value_or("(none)") + " / " +
                            nameEntry(subject, "organizationIdentifier").value_or("(none)");
    const std::string wants = o_.sp.entity_id + " / " + organizationIdentifier(o_.sp);
    if (has == wants) return;
    add(Finding::Severity::warning, sp.pair.cert, "pki.sp-identity",
        "made for " + has + " but the SP is configured as " + wants + "; " + advice(sp));
  }

  const Options& o_;
  std::vector<Finding>& findings_;
  std::time_t now_;
};

}  // namespace

Result<Materials, std::string> ensure(const Options& options, std::vector<Finding>& findings) {
  // The contract is "never throws"; the only exceptions possible here are std::bad_alloc and friends.
  try {
    return Ensurer(options, findings).run();
  } catch (const std::exception& e) {
    ERR_clear_error();
    return fail(std::string("pki: ") + e.what());
  }
}

bool hasErrors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Finding::Severity::error; });
}

const char* severityName(Finding::Severity severity) {
  switch (severity) {
    case Finding::Severity::info:
      return "info";
    case Finding::Severity::warning:
      return "warning";
    case Finding::Severity::error:
      return "error";
  }
  return "?";
}

}  // namespace sportello::pki
