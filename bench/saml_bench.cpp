// What a mock IdP spends its CPU on, per SAML message (Google Benchmark; bench/run prints the tables).
//
// The three operations bench/run compares with `openssl speed rsa2048`:
//   BM_ResponseSign/24             buildResponse with the whole SPID attribute set, serialized: TWO RSA-2048
//                                  signatures (the Assertion, then the Response over the signed Assertion)
//   BM_AuthnRequestVerifyRedirect  what the IdP does with GET /sso: decodeRedirect, verifyRedirect (one RSA
//                                  verify of the query string), parse, readAuthnRequest, every policy rule
//   BM_AuthnRequestVerifyPost      the same for POST /sso: decodePost, parse, the embedded XML signature
//                                  verified by xmlsec (one RSA verify), readAuthnRequest, every rule
// and the parts they are made of, so that the table can say where the time goes:
//   BM_RsaSign / BM_RsaVerify      one raw RSA-2048 PKCS#1 v1.5 SHA-256 operation through our EVP code
//   BM_RsaSignAllCores             the same on every core at once (CPU time per signature)
//   BM_C14nDigest/assertion|response  exclusive c14n of the signed element (its Signature left out) and
//                                  SHA-256 over it: the digest each xmlsec signature computes
//   BM_ResponseParse, BM_ResponseSerialize, BM_PostForm, BM_RedirectDecode, BM_PostDecode,
//   BM_AuthnRequestParse/redirect|post, BM_AuthnRequestRead, BM_AuthnRequestPolicy, BM_AuthnRequestBuild,
//   BM_XmlSignAuthnRequest (one enveloped signature on a small document), BM_AuthnRequestBuildSign,
//   BM_ResponseVerify (parse and both signatures: what an SP does with the Response)
//
// Usage: sportello-bench-saml [Google Benchmark flags, e.g. --benchmark_format=json]
#include <benchmark/benchmark.h>
#include <libxml/c14n.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/http/message.hpp"
#include "core/saml/authn_request.hpp"
#include "core/saml/authn_rules.hpp"
#include "core/saml/binding.hpp"
#include "core/saml/response.hpp"
#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"
#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace std::chrono_literals;

namespace {

const saml::TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + 10h + 40min;

// mario.rossi of config/idp-users.json: a value for every SPID attribute.
const std::vector<std::pair<std::string, std::string>> kSpidAttributes = {
    {"spidCode", "SPTL7Q2M4K9X1A"},
    {"name", "Mario"},
    {"familyName", "Rossi"},
    {"placeOfBirth", "H501"},
    {"countyOfBirth", "RM"},
    {"dateOfBirth", "1982-03-15"},
    {"gender", "M"},
    {"companyName", "Rossi Mario Impianti Elettrici"},
    {"registeredOffice", "Via Appia Nuova 123 00183 Roma RM"},
    {"fiscalNumber", "TINIT-RSSMRA82C15H501O"},
    {"ivaCode", "VATIT-01234560587"},
    {"idCard", "cartaIdentita CA00000AA comuneRoma 2020-01-15 2031-03-15"},
    {"mobilePhone", "+393331234567"},
    {"email", "mario.rossi@example.com"},
    {"address", "Via Appia Nuova 123 00183 Roma RM"},
    {"digitalAddress", "mario.rossi@pec.example.com"},
    {"expirationDate", "2031-03-15"},
    {"domicileStreetAddress", "Via Appia Nuova 123"},
    {"domicilePostalCode", "00183"},
    {"domicileMunicipality", "Roma"},
    {"domicileProvince", "RM"},
    {"domicileNation", "IT"},
    {"companyFiscalNumber", "TINIT-RSSMRA82C15H501O"},
    {"qualification", "Titolare"},
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "sportello-bench-saml: %s\n", what.c_str());
  std::exit(1);
}

saml::ResponseSpec responseSpec(std::size_t attributes) {
  saml::ResponseSpec s;
  s.idp_entity_id = test::kIdpEntity;
  s.sp_entity_id = test::kSpEntity;
  s.acs_url = test::kAcs0;
  s.in_response_to = "_req4f2a9c";
  s.now = kNow;
  s.attributes.assign(kSpidAttributes.begin(),
                      kSpidAttributes.begin() + static_cast<std::ptrdiff_t>(attributes));
  return s;
}

saml::AuthnRequestSpec requestSpec() {
  saml::AuthnRequestSpec s;
  s.id = saml::newId();
  s.issue_instant = kNow - 3s;
  s.destination = test::kIdpSso;
  s.issuer = test::kSpEntity;
  return s;
}

// Exclusive c14n (no comments) of `element` without the subtree `excluded`, streamed into SHA-256: what
// an enveloped-signature Reference digests.
struct C14nScope {
  xmlNodePtr root = nullptr;
  xmlNodePtr excluded = nullptr;
};

int visible(void* data, xmlNodePtr node, xmlNodePtr parent) {
  const auto* scope = static_cast<const C14nScope*>(data);
  xmlNodePtr n = (node == nullptr || node->type == XML_NAMESPACE_DECL) ? parent : node;
  for (xmlNodePtr p = n; p != nullptr; p = p->parent) {
    if (p == scope->excluded) return 0;
    if (p == scope->root) return 1;
  }
  return 0;
}

int digestWrite(void* ctx, const char* buffer, int len) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx), buffer, static_cast<std::size_t>(len));
  return len;
}

std::string c14nSha256(xmlDocPtr doc, xmlNodePtr element, xmlNodePtr excluded) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  xmlOutputBufferPtr out = xmlOutputBufferCreateIO(digestWrite, nullptr, md, nullptr);
  C14nScope scope{element, excluded};
  int rc = xmlC14NExecute(doc, visible, &scope, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, out);
  xmlOutputBufferClose(out);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md, digest, &len);
  EVP_MD_CTX_free(md);
  if (rc < 0) return {};
  return std::string(reinterpret_cast<char*>(digest), len);
}

// The DigestValue in the Signature that is an immediate child of `element`.
std::string digestValueOf(xmlNodePtr element) {
  xmlNodePtr sig = xml::signatureOf(element);
  const std::string_view ds = "http://www.w3.org/2000/09/xmldsig#";
  xmlNodePtr si = sig ? xml::child(sig, ds, "SignedInfo") : nullptr;
  xmlNodePtr ref = si ? xml::child(si, ds, "Reference") : nullptr;
  xmlNodePtr dv = ref ? xml::child(ref, ds, "DigestValue") : nullptr;
  auto b64 = dv ? xml::text(dv) : std::nullopt;
  auto raw = b64 ? saml::base64Decode(*b64) : std::nullopt;
  return raw.value_or("");
}

// Everything the benchmarks read, built once and checked to be what it claims.
struct Fixture {
  xml::SigningKey idp = test::idpKey();
  xml::SigningKey sp = test::spKey();
  saml::SpMetadata spMetadata = test::spMetadata();
  xml::Certificate spCert = spMetadata.signing_certificates.front();  // pinned, from the SP's metadata
  std::string requestXml;        // unsigned, as the Redirect binding carries it
  std::string redirectQuery;     // signed query string
  std::string signedRequestXml;  // with its embedded signature
  std::string postBody;          // form body, embedded signature
  std::string responseXml;       // signed, all SPID attributes

  saml::AuthnRequestContext context(const char* binding) const {
    saml::AuthnRequestContext c;
    c.profile = saml::Profile::spid;
    c.now = kNow;
    c.idp_entity_id = test::kIdpEntity;
    c.sso_locations = {test::kIdpSso};
    c.sp = &spMetadata;
    c.development = false;  // every production rule too
    c.binding = binding;
    return c;
  }

  Fixture() {
    auto req = saml::buildAuthnRequest(requestSpec());
    requestXml = req.serialize();
    redirectQuery = saml::encodeRedirect(requestXml, true, std::string("rs-4f2a9c"), &sp);

    auto signedReq = saml::buildAuthnRequest(requestSpec());
    auto s = xml::sign(signedReq, signedReq.root(), sp, xml::SignatureAlgorithm::rsa_sha256,
                       xml::child(signedReq.root(), saml::ns::assertion, "Issuer"));
    if (!s) die("signing the POST AuthnRequest: " + s.error().message);
    signedRequestXml = signedReq.serialize();
    postBody =
        "SAMLRequest=" + http::percentEncode(saml::base64Encode(signedRequestXml)) + "&RelayState=rs-4f2a9c";

    auto resp = saml::buildResponse(responseSpec(kSpidAttributes.size()), idp);
    if (!resp) die("buildResponse: " + resp.error().message);
    responseXml = resp->serialize();

    // The c14n micro-benchmark digests what xmlsec digested, or it measures something else.
    auto parsed = xml::Document::parse(responseXml);
    if (!parsed) die("parsing the Response: " + parsed.error().message);
    xmlNodePtr root = parsed->root();
    xmlNodePtr assertion = xml::child(root, saml::ns::assertion, "Assertion");
    if (c14nSha256(parsed->get(), assertion, xml::signatureOf(assertion)) != digestValueOf(assertion) ||
        c14nSha256(parsed->get(), root, xml::signatureOf(root)) != digestValueOf(root)) {
      die("the c14n+SHA-256 of the benchmark does not reproduce the Response's DigestValues");
    }
  }
};

const Fixture& fx() {
  static const Fixture f;
  return f;
}

// ---- The three headline operations ----

void BM_ResponseSign(benchmark::State& state) {
  const auto& f = fx();
  const saml::ResponseSpec spec = responseSpec(static_cast<std::size_t>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto doc = saml::buildResponse(spec, f.idp);
    if (!doc) {
      state.SkipWithError(doc.error().message.c_str());
      break;
    }
    std::string x = doc->serialize();
    bytes = x.size();
    benchmark::DoNotOptimize(x.data());
  }
  state.counters["rsa_signs"] = 2;
  state.counters["xml_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ResponseSign)->Arg(24)->Arg(3)->Unit(benchmark::kMicrosecond);

void BM_AuthnRequestVerifyRedirect(benchmark::State& state) {
  const auto& f = fx();
  const auto& policy = saml::authnRequestPolicy();
  for (auto _ : state) {
    auto m = saml::decodeRedirect(f.redirectQuery);
    if (!m) {
      state.SkipWithError(m.error().message.c_str());
      break;
    }
    auto alg = saml::verifyRedirect(*m, f.spCert);
    auto doc = xml::Document::parse(m->xml);
    if (!doc) {
      state.SkipWithError(doc.error().message.c_str());
      break;
    }
    auto view = saml::readAuthnRequest(*doc);
    if (!view) {
      state.SkipWithError(view.error().message.c_str());
      break;
    }
    saml::AuthnRequestContext ctx = f.context("HTTP-Redirect");
    ctx.signature_present = !m->signature.empty();
    ctx.signature_valid = static_cast<bool>(alg);
    ctx.relay_state = m->relay_state;
    saml::Report report = policy.evaluate(*view, ctx);
    if (!report.ok()) {
      state.SkipWithError(("rule " + report.firstFailure()->rule + " failed").c_str());
      break;
    }
    benchmark::DoNotOptimize(report.verdicts.data());
  }
  state.counters["rsa_verifies"] = 1;
}
BENCHMARK(BM_AuthnRequestVerifyRedirect)->Unit(benchmark::kMicrosecond);

void BM_AuthnRequestVerifyPost(benchmark::State& state) {
  const auto& f = fx();
  const auto& policy = saml::authnRequestPolicy();
  for (auto _ : state) {
    auto m = saml::decodePost(f.postBody);
    if (!m) {
      state.SkipWithError(m.error().message.c_str());
      break;
    }
    auto doc = xml::Document::parse(m->xml);
    if (!doc) {
      state.SkipWithError(doc.error().message.c_str());
      break;
    }
    xmlNodePtr sig = xml::signatureOf(doc->root());
    auto v = xml::verify(*doc, doc->root(), sig, f.spCert);
    auto view = saml::readAuthnRequest(*doc);
    if (!view) {
      state.SkipWithError(view.error().message.c_str());
      break;
    }
    saml::AuthnRequestContext ctx = f.context("HTTP-POST");
    ctx.signature_present = sig != nullptr;
    ctx.signature_valid = static_cast<bool>(v);
    ctx.relay_state = m->relay_state;
    saml::Report report = policy.evaluate(*view, ctx);
    if (!report.ok()) {
      state.SkipWithError(("rule " + report.firstFailure()->rule + " failed").c_str());
      break;
    }
    benchmark::DoNotOptimize(report.verdicts.data());
  }
  state.counters["rsa_verifies"] = 1;
}
BENCHMARK(BM_AuthnRequestVerifyPost)->Unit(benchmark::kMicrosecond);

// ---- Parts ----

void BM_RsaSign(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    auto s = xml::signRaw(f.redirectQuery, f.idp, xml::SignatureAlgorithm::rsa_sha256);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_RsaSign)->Unit(benchmark::kMicrosecond);

// The same on every core at once, with the one key object the IdP's I/O threads share: what a signature
// costs when the round trip keeps all cores busy (on a VM whose vCPUs share physical cores, more).
void BM_RsaSignAllCores(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    auto s = xml::signRaw(f.redirectQuery, f.idp, xml::SignatureAlgorithm::rsa_sha256);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_RsaSignAllCores)->ThreadPerCpu()->Unit(benchmark::kMicrosecond);

void BM_RsaVerify(benchmark::State& state) {
  const auto& f = fx();
  auto m = saml::decodeRedirect(f.redirectQuery);
  for (auto _ : state) {
    auto v = xml::verifyRaw(m->signed_octets, m->signature, f.spCert, xml::SignatureAlgorithm::rsa_sha256);
    if (!v) {
      state.SkipWithError(v.error().message.c_str());
      break;
    }
  }
}
BENCHMARK(BM_RsaVerify)->Unit(benchmark::kMicrosecond);

// The Assertion (as the first signature digests it), or the Response around the signed Assertion.
void BM_C14nDigest(benchmark::State& state, bool assertion) {
  auto doc = xml::Document::parse(fx().responseXml);
  xmlNodePtr element = doc->root();
  if (assertion) element = xml::child(element, saml::ns::assertion, "Assertion");
  xmlNodePtr excluded = xml::signatureOf(element);
  for (auto _ : state) {
    std::string d = c14nSha256(doc->get(), element, excluded);
    benchmark::DoNotOptimize(d.data());
  }
}
BENCHMARK_CAPTURE(BM_C14nDigest, assertion, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_C14nDigest, response, false)->Unit(benchmark::kMicrosecond);

void BM_ResponseSerialize(benchmark::State& state) {
  auto doc = xml::Document::parse(fx().responseXml);
  for (auto _ : state) {
    std::string x = doc->serialize();
    benchmark::DoNotOptimize(x.data());
  }
}
BENCHMARK(BM_ResponseSerialize)->Unit(benchmark::kMicrosecond);

// What the consent handler adds after signing: base64 and the auto-submitting page.
void BM_PostForm(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    std::string page = saml::postForm(test::kAcs0, false, f.responseXml, std::string("rs-4f2a9c"));
    benchmark::DoNotOptimize(page.data());
  }
}
BENCHMARK(BM_PostForm)->Unit(benchmark::kMicrosecond);

void BM_ResponseParse(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    auto doc = xml::Document::parse(f.responseXml);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_ResponseParse)->Unit(benchmark::kMicrosecond);

// What the SP side will do with the Response: parse, both signatures (two RSA verifies, xmlsec).
void BM_ResponseVerify(benchmark::State& state) {
  const auto& f = fx();
  const xml::Certificate& cert = f.idp.certificate();
  for (auto _ : state) {
    auto doc = xml::Document::parse(f.responseXml);
    xmlNodePtr root = doc->root();
    auto r = xml::verify(*doc, root, xml::signatureOf(root), cert);
    xmlNodePtr assertion = xml::child(root, saml::ns::assertion, "Assertion");
    auto a = xml::verify(*doc, assertion, xml::signatureOf(assertion), cert);
    if (!r || !a) {
      state.SkipWithError("the Response does not verify");
      break;
    }
  }
  state.counters["rsa_verifies"] = 2;
}
BENCHMARK(BM_ResponseVerify)->Unit(benchmark::kMicrosecond);

void BM_RedirectDecode(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    auto m = saml::decodeRedirect(f.redirectQuery);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_RedirectDecode)->Unit(benchmark::kMicrosecond);

void BM_PostDecode(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    auto m = saml::decodePost(f.postBody);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_PostDecode)->Unit(benchmark::kMicrosecond);

// The request as the Redirect binding carries it, or with its embedded signature (HTTP-POST).
void BM_AuthnRequestParse(benchmark::State& state, bool embeddedSignature) {
  const auto& f = fx();
  const std::string& x = embeddedSignature ? f.signedRequestXml : f.requestXml;
  for (auto _ : state) {
    auto doc = xml::Document::parse(x);
    benchmark::DoNotOptimize(doc);
  }
  state.counters["xml_bytes"] = static_cast<double>(x.size());
}
BENCHMARK_CAPTURE(BM_AuthnRequestParse, redirect, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AuthnRequestParse, post, true)->Unit(benchmark::kMicrosecond);

void BM_AuthnRequestRead(benchmark::State& state) {
  auto doc = xml::Document::parse(fx().requestXml);
  for (auto _ : state) {
    auto view = saml::readAuthnRequest(*doc);
    benchmark::DoNotOptimize(view);
  }
}
BENCHMARK(BM_AuthnRequestRead)->Unit(benchmark::kMicrosecond);

void BM_AuthnRequestPolicy(benchmark::State& state) {
  const auto& f = fx();
  auto doc = xml::Document::parse(f.requestXml);
  auto view = saml::readAuthnRequest(*doc);
  saml::AuthnRequestContext ctx = f.context("HTTP-Redirect");
  ctx.signature_present = ctx.signature_valid = true;
  ctx.relay_state = "rs-4f2a9c";
  const auto& policy = saml::authnRequestPolicy();
  for (auto _ : state) {
    saml::Report report = policy.evaluate(*view, ctx);
    benchmark::DoNotOptimize(report.verdicts.data());
  }
  state.counters["rules"] = static_cast<double>(policy.rules().size());
}
BENCHMARK(BM_AuthnRequestPolicy)->Unit(benchmark::kMicrosecond);

void BM_AuthnRequestBuild(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = saml::buildAuthnRequest(requestSpec());
    benchmark::DoNotOptimize(doc.root());
  }
}
BENCHMARK(BM_AuthnRequestBuild)->Unit(benchmark::kMicrosecond);

// One enveloped XML signature on a small document: minus BM_AuthnRequestBuild and BM_RsaSign, what
// xml::sign and xmlsec cost per signature whatever the document's size (templates, key copy, EVP set-up).
void BM_XmlSignAuthnRequest(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    auto doc = saml::buildAuthnRequest(requestSpec());
    auto s = xml::sign(doc, doc.root(), f.idp, xml::SignatureAlgorithm::rsa_sha256,
                       xml::child(doc.root(), saml::ns::assertion, "Issuer"));
    if (!s) {
      state.SkipWithError(s.error().message.c_str());
      break;
    }
  }
  state.counters["rsa_signs"] = 1;
}
BENCHMARK(BM_XmlSignAuthnRequest)->Unit(benchmark::kMicrosecond);

// The SP's side of a Redirect login, which the round-trip client does before its clock starts.
void BM_AuthnRequestBuildSign(benchmark::State& state) {
  const auto& f = fx();
  for (auto _ : state) {
    auto doc = saml::buildAuthnRequest(requestSpec());
    std::string q = saml::encodeRedirect(doc.serialize(), true, std::string("rs-4f2a9c"), &f.sp);
    benchmark::DoNotOptimize(q.data());
  }
  state.counters["rsa_signs"] = 1;
}
BENCHMARK(BM_AuthnRequestBuildSign)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  xml::initialise();
  fx();  // build and check the fixture before any timing
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
