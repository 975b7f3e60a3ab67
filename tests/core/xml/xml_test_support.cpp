#include "tests/core/xml/xml_test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/test_env.hpp"

namespace sportello::xml::test {

std::string fixture(const std::string& name) {
  const std::string path = std::string(SPORTELLO_TEST_DATA) + "/fixtures/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {
SigningKey load(const pki::Pair& pair) {
  auto k = SigningKey::fromPemFiles(pair.key, pair.cert);
  if (!k) throw std::runtime_error("test key: " + k.error());
  return *k;
}
}  // namespace

const SigningKey& idpKey(const std::string& idp) {
  static const SigningKey aurora = load(sportello::test::testPki().idp_signing.at("aurora-id"));
  static const SigningKey cie = load(sportello::test::testPki().idp_signing.at("cie-test"));
  if (idp == "aurora-id") return aurora;
  if (idp == "cie-test") return cie;
  throw std::runtime_error("no test IdP " + idp);
}

const SigningKey& spKey() {
  static const SigningKey sp = load(sportello::test::testPki().sp_signing);
  return sp;
}

Document parseOrThrow(std::string_view xml) {
  auto d = Document::parse(xml);
  if (!d) throw std::runtime_error("parse: " + d.error().rule + ": " + d.error().message);
  return std::move(*d);
}

Document reparse(const Document& doc) {
  return parseOrThrow(doc.serialize());
}

xmlNodePtr assertionOf(const Document& doc) {
  auto all = children(doc.root(), kSaml, "Assertion");
  return all.empty() ? nullptr : all.front();
}

xmlNodePtr issuerOf(xmlNodePtr element) {
  return child(element, kSaml, "Issuer");
}

xmlNodePtr nameIdOf(xmlNodePtr assertion) {
  return find(assertion, kSaml, "NameID");
}

xmlNodePtr find(xmlNodePtr from, std::string_view ns, std::string_view local) {
  if (is(from, ns, local)) return from;
  for (xmlNodePtr c : children(from)) {
    if (xmlNodePtr f = find(c, ns, local)) return f;
  }
  return nullptr;
}

Document signedResponse(SignWhat what, SignatureAlgorithm alg, const SigningKey& key) {
  Document doc = parseOrThrow(fixture("response.xml"));
  if (what.assertion) {
    xmlNodePtr a = assertionOf(doc);
    auto r = sign(doc, a, key, alg, issuerOf(a));
    if (!r) throw std::runtime_error("sign assertion: " + r.error().rule + ": " + r.error().message);
  }
  if (what.response) {
    auto r = sign(doc, doc.root(), key, alg, issuerOf(doc.root()));
    if (!r) throw std::runtime_error("sign response: " + r.error().rule + ": " + r.error().message);
  }
  return doc;
}

Listener::Listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) {
    throw std::runtime_error("bind/listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

Listener::~Listener() {
  if (fd_ >= 0) ::close(fd_);
}

int Listener::connections() {
  for (;;) {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) break;
    ++seen_;
    ::close(c);
  }
  return seen_;
}

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

}  // namespace sportello::xml::test
