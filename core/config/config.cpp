// The schema lives here as code: one read function per section, in the order of the sample file.
// Checks that need one value are made where it is read (so the problem points at its line); checks
// across values (duplicate names, port clashes) run after the overrides, so a clash that only the
// command line creates is still found.
#include "core/config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>

#include <toml++/toml.h>

#include "core/config/reader.hpp"

namespace sportello::config {
namespace {

using detail::Context;
using detail::Need;
using detail::TableReader;

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
// Certificates valid past 9999 need GeneralizedTime quirks nobody tests; a century is plenty for a mock.
constexpr std::int64_t kMaxDays = 36'500;

// What the cross-checks need to point back at, beside the typed values.
struct ListenerSource {
  std::string key;  // "server.listeners[1]"
  Location name_where;
  Location address_where;
  bool address_ok = false;  // a valid address was given (or defaulted, or overridden)
  bool overridden = false;  // the address came from --listen
};

struct IdpSource {
  std::string key;  // "idps[2]"
  Location name_where;
};

struct Sources {
  std::vector<ListenerSource> listeners;
  std::vector<IdpSource> idps;  // [[idps]] then [[external_idps]]: one namespace of IdP names
  std::vector<IdpSource> routes;
};

// The SPID attribute names (spec/spid-cie.md); config cannot depend on core/saml, which repeats them.
bool isSpidAttribute(std::string_view name) {
  static constexpr std::string_view kNames[] = {"spidCode",
                                                "name",
                                                "familyName",
                                                "placeOfBirth",
                                                "countyOfBirth",
                                                "dateOfBirth",
                                                "gender",
                                                "companyName",
                                                "registeredOffice",
                                                "fiscalNumber",
                                                "ivaCode",
                                                "idCard",
                                                "mobilePhone",
                                                "email",
                                                "address",
                                                "digitalAddress",
                                                "expirationDate",
                                                "domicileStreetAddress",
                                                "domicilePostalCode",
                                                "domicileMunicipality",
                                                "domicileProvince",
                                                "domicileNation",
                                                "companyFiscalNumber",
                                                "qualification"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

std::string inQuotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

bool isLowerAlnumDash(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

std::string lowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  while (!s.empty() && (s.back() == '.' || s.back() == '\n')) s.pop_back();
  return s;
}

// Enough of RFC 3986 to catch typos: an absolute http(s) URL with a host and an optional valid port.
// The empty string means the URL is acceptable; otherwise the reason it is not.
std::string urlProblem(std::string_view url) {
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return c == ' ' || (c >= 0 && c < 0x20) || c == 0x7f; })) {
    return "contains a space or control character";
  }
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "not absolute (expected http:// or https://)";
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return "scheme must be http or https";
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return "user info is not allowed";
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return "missing ']' after IPv6 address";
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "unexpected characters after the host";
      port = after.substr(1);
      if (port.empty()) return "empty port";
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return "empty port";
  }
  if (host.empty()) return "missing host";
  if (!port.empty()) {
    const bool digits = port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return "port is not a number";
    const auto n = std::stoul(std::string(port));
    if (n < 1 || n > 65535) return "port out of range (1-65535)";
  }
  return {};
}

void checkUrl(TableReader& t, std::string_view key, const std::string& url) {
  if (std::string why = urlProblem(url); !why.empty()) {
    t.context().report(t.line(key), t.path(key), "invalid URL " + inQuotes(url) + ": " + why);
  }
}

void checkNotEmpty(TableReader& t, std::string_view key, const std::string& value) {
  if (value.empty()) t.context().report(t.line(key), t.path(key), "must not be empty");
}

// A TLS subject name: a DNS name (wildcards allowed) or an IP literal.
bool isHostNameOrAddress(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '*';
  });
}

bool isWildcardHost(std::string_view host) {
  return host == "0.0.0.0" || host == "::";
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Two listeners that the kernel would refuse to bind both: same port, and the same host or a wildcard.
bool clash(const Endpoint& a, const Endpoint& b) {
  if (a.port == 0 || a.port != b.port) return false;
  return lowered(a.host) == lowered(b.host) || isWildcardHost(a.host) || isWildcardHost(b.host);
}

void readLimits(TableReader t, Limits& limits) {
  t.readInt("max_header_bytes", limits.max_header_bytes, 1);
  t.readInt("max_body_bytes", limits.max_body_bytes, 1);
  t.read("header_timeout_ms", limits.header_timeout, 1);
  t.read("body_timeout_ms", limits.body_timeout, 1);
  t.read("idle_timeout_ms", limits.idle_timeout, 1);
  t.read("write_timeout_ms", limits.write_timeout, 1);
  t.readInt("max_connections", limits.max_connections, 1);
  t.finish();
}

void readListener(TableReader t, std::vector<Listener>& listeners, Sources& sources) {
  Listener listener;
  ListenerSource source;
  source.key = t.path();
  listener.where = Location{t.context().file, t.line(), 0};
  if (t.read("name", listener.name, Need::required)) checkNotEmpty(t, "name", listener.name);
  source.name_where = t.where("name");
  std::string address;
  if (t.read("address", address, Need::required)) {
    if (auto endpoint = parseEndpoint(address)) {
      listener.address = *endpoint;
      source.address_ok = true;
    } else {
      t.context().report(t.line("address"), t.path("address"), endpoint.error());
    }
  }
  source.address_where = t.where("address");
  t.read("tls", listener.tls);
  if (t.read("client_cert", listener.client_cert) && listener.client_cert && !listener.tls) {
    t.context().report(t.line("client_cert"), t.path("client_cert"), "needs tls = true");
  }
  t.finish();
  listeners.push_back(std::move(listener));
  sources.listeners.push_back(std::move(source));
}

void readServer(TableReader t, Server& server, Sources& sources) {
  if (t.read("public_url", server.public_url)) {
    server.public_url_set = true;
    checkUrl(t, "public_url", server.public_url);
  }
  if (t.read("hostnames", server.hostnames)) {
    for (std::size_t i = 0; i < server.hostnames.size(); ++i) {
      if (!isHostNameOrAddress(server.hostnames[i])) {
        t.context().report(t.line("hostnames"), t.path("hostnames") + "[" + std::to_string(i) + "]",
                           "invalid host name " + inQuotes(server.hostnames[i]));
      }
    }
  }
  t.readInt("threads", server.threads, 0, 256);
  t.read("shutdown_grace_ms", server.shutdown_grace, 0);
  t.read("hsts_max_age_s", server.hsts_max_age, 0, kMaxInt64);
  readLimits(t.table("limits"), server.limits);
  server.listeners.clear();
  t.tables("listeners", [&](TableReader listener, std::size_t) {
    readListener(std::move(listener), server.listeners, sources);
  });
  if (server.listeners.empty()) {
    server.listeners.push_back(
        Listener{"main", Endpoint{"127.0.0.1", 8443}, true, Location{t.context().file, 0, 0}});
    sources.listeners.push_back(ListenerSource{"server.listeners[0]", server.listeners[0].where,
                                               server.listeners[0].where, true, false});
  }
  t.finish();
}

void readAdmin(TableReader t, Admin& admin) {
  t.read("loopback_only", admin.loopback_only);
  t.read("token", admin.token);
  t.finish();
}

void readLog(TableReader t, Log& log) {
  std::string level;
  if (t.read("level", level) && !parseLogLevel(level, log.level)) {
    t.context().report(t.line("level"), t.path("level"),
                       "expected \"debug\", \"info\", \"warn\" or \"error\", got " + inQuotes(level));
  }
  t.read("access", log.access);
  t.read("file", log.file);
  t.finish();
}

void readPki(TableReader t, Pki& pki) {
  if (t.read("dir", pki.dir)) checkNotEmpty(t, "dir", pki.dir);
  t.readInt("ca_days", pki.ca_days, 1, kMaxDays);
  t.readInt("leaf_days", pki.leaf_days, 1, kMaxDays);
  t.finish();
}

void readSp(TableReader t, Sp& sp) {
  if (t.read("entity_id", sp.entity_id)) checkUrl(t, "entity_id", sp.entity_id);
  if (t.read("organization", sp.organization)) checkNotEmpty(t, "organization", sp.organization);
  t.read("ipa_code", sp.ipa_code);
  if (t.read("locality", sp.locality)) checkNotEmpty(t, "locality", sp.locality);
  if (t.read("country", sp.country)) {
    const bool ok = sp.country.size() == 2 && std::all_of(sp.country.begin(), sp.country.end(),
                                                          [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!ok) {
      t.context().report(t.line("country"), t.path("country"),
                         "expected two upper-case letters (ISO 3166-1 alpha-2), got " + inQuotes(sp.country));
    }
  }
  t.read("public_sector", sp.public_sector);
  if (t.read("vat_number", sp.vat_number) && !sp.vat_number.empty()) {
    const bool ok = sp.vat_number.size() == 11 && std::all_of(sp.vat_number.begin(), sp.vat_number.end(),
                                                              [](char c) { return c >= '0' && c <= '9'; });
    if (!ok) {
      t.context().report(t.line("vat_number"), t.path("vat_number"),
                         "expected 11 digits (partita IVA), got " + inQuotes(sp.vat_number));
    }
  }
  if (std::int64_t bits = 0; t.read("key_bits", bits, std::numeric_limits<std::int64_t>::min(), kMaxInt64)) {
    if (bits == 2048 || bits == 3072 || bits == 4096) {
      sp.key_bits = static_cast<int>(bits);
    } else {
      t.context().report(t.line("key_bits"), t.path("key_bits"),
                         "must be 2048, 3072 or 4096, got " + std::to_string(bits));
    }
  }
  if (t.read("cie_entity_id", sp.cie_entity_id)) checkUrl(t, "cie_entity_id", sp.cie_entity_id);
  if (t.read("authn_binding", sp.authn_binding) && sp.authn_binding != "HTTP-Redirect" &&
      sp.authn_binding != "HTTP-POST") {
    t.context().report(t.line("authn_binding"), t.path("authn_binding"),
                       "expected \"HTTP-Redirect\" or \"HTTP-POST\", got " + inQuotes(sp.authn_binding));
  }
  t.readInt("default_level", sp.default_level, 1, 3);
  std::int64_t skew = sp.clock_skew.count();
  if (t.read("clock_skew_s", skew, 0, 3'600)) sp.clock_skew = std::chrono::seconds(skew);
  if (t.read("contact_email", sp.contact_email) && sp.contact_email.find('@') == std::string::npos) {
    t.context().report(t.line("contact_email"), t.path("contact_email"),
                       "expected an e-mail address, got " + inQuotes(sp.contact_email));
  }
  if (t.read("contact_phone", sp.contact_phone) && !sp.contact_phone.starts_with("+39")) {
    t.context().report(
        t.line("contact_phone"), t.path("contact_phone"),
        "expected an Italian number in international form (+39...), got " + inQuotes(sp.contact_phone));
  }
  if (t.read("organization_url", sp.organization_url)) checkUrl(t, "organization_url", sp.organization_url);
  t.tables("attribute_services", [&](TableReader a, std::size_t) {
    Sp::AttributeService service;
    a.readInt("index", service.index, 0, 65'535);
    if (!a.read("name", service.name, Need::required)) service.name = "Servizi online";
    a.read("attributes", service.attributes);
    if (service.attributes.empty()) {
      a.context().report(a.line(), a.path("attributes"), "at least one attribute is required");
    }
    for (const auto& name : service.attributes) {
      if (!isSpidAttribute(name)) {
        a.context().report(a.line("attributes"), a.path("attributes"),
                           "unknown SPID attribute " + inQuotes(name));
      }
    }
    for (const auto& other : sp.attribute_services) {
      if (other.index == service.index) {
        a.context().report(a.line("index"), a.path("index"),
                           "duplicate attribute service index " + std::to_string(service.index));
      }
    }
    a.finish();
    sp.attribute_services.push_back(std::move(service));
  });
  if (sp.attribute_services.empty()) {
    sp.attribute_services.push_back(
        {0, "Servizi online del Comune", {"name", "familyName", "fiscalNumber", "dateOfBirth", "email"}});
    sp.attribute_services.push_back(
        {1,
         "Servizi con dati completi",
         {"spidCode", "name", "familyName", "placeOfBirth", "countyOfBirth", "dateOfBirth", "gender",
          "fiscalNumber", "email", "mobilePhone", "address", "digitalAddress"}});
  }
  // Avviso SPID n.29 puts one of these two in the certificate's organizationIdentifier.
  if (sp.public_sector && sp.ipa_code.empty()) {
    t.context().report(t.line("ipa_code"), t.path("ipa_code"), "required when sp.public_sector is true");
  }
  if (!sp.public_sector && sp.vat_number.empty()) {
    t.context().report(t.line("vat_number"), t.path("vat_number"), "required when sp.public_sector is false");
  }
  t.finish();
}

void readIdp(TableReader t, std::vector<Idp>& idps, Sources& sources) {
  Idp idp;
  IdpSource source;
  source.key = t.path();
  idp.where = Location{t.context().file, t.line(), 0};
  if (t.read("name", idp.name, Need::required)) {
    const bool ok = !idp.name.empty() && idp.name.size() <= 32 &&
                    std::all_of(idp.name.begin(), idp.name.end(), isLowerAlnumDash);
    if (!ok) {
      t.context().report(
          t.line("name"), t.path("name"),
          "invalid name " + inQuotes(idp.name) + ": use 1 to 32 characters from a-z, 0-9 and '-'");
    }
  }
  source.name_where = t.where("name");
  if (t.read("profile", idp.profile) && idp.profile != "spid" && idp.profile != "cie") {
    t.context().report(t.line("profile"), t.path("profile"),
                       "expected \"spid\" or \"cie\", got " + inQuotes(idp.profile));
  }
  if (!t.read("display_name", idp.display_name)) idp.display_name = idp.name;
  if (t.read("entity_id", idp.entity_id) && !idp.entity_id.empty()) {
    idp.entity_id_set = true;
    checkUrl(t, "entity_id", idp.entity_id);
  }
  t.read("enabled", idp.enabled);
  t.finish();
  idps.push_back(std::move(idp));
  sources.idps.push_back(std::move(source));
}

void readMockIdp(TableReader t, MockIdp& m) {
  if (t.read("users_file", m.users_file)) checkNotEmpty(t, "users_file", m.users_file);
  t.read("sp_metadata", m.sp_metadata);
  t.read("development", m.development);
  t.read("headless_login", m.headless_login);
  std::int64_t seconds = m.assertion_validity.count();
  if (t.read("assertion_validity_s", seconds, 1, 86'400))
    m.assertion_validity = std::chrono::seconds(seconds);
  seconds = m.clock_skew.count();
  if (t.read("clock_skew_s", seconds, 0, 3'600)) m.clock_skew = std::chrono::seconds(seconds);
  t.readInt("journal_size", m.journal_size, 1, 100'000);
  t.finish();
}

void readSessions(TableReader t, Sessions& s) {
  if (t.read("cookie_name", s.cookie_name)) {
    const bool ok =
        !s.cookie_name.empty() && std::all_of(s.cookie_name.begin(), s.cookie_name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '-';
        });
    if (!ok) {
      t.context().report(t.line("cookie_name"), t.path("cookie_name"),
                         "use letters, digits, '_' and '-', got " + inQuotes(s.cookie_name));
    }
  }
  std::int64_t v = s.idle_timeout.count();
  if (t.read("idle_timeout_s", v, 1, 86'400)) s.idle_timeout = std::chrono::seconds(v);
  v = s.absolute_timeout.count();
  if (t.read("absolute_timeout_s", v, 1, 7 * 86'400)) s.absolute_timeout = std::chrono::seconds(v);
  v = s.login_timeout.count();
  if (t.read("login_timeout_s", v, 10, 86'400)) s.login_timeout = std::chrono::seconds(v);
  t.readInt("max_sessions", s.max_sessions, 1, 10'000'000);
  if (s.idle_timeout > s.absolute_timeout) {
    t.context().report(
        t.line("idle_timeout_s"), t.path("idle_timeout_s"),
        "must not exceed absolute_timeout_s (" + std::to_string(s.absolute_timeout.count()) + ")");
  }
  t.finish();
}

void readExternalIdp(TableReader t, std::vector<ExternalIdp>& idps, Sources& sources) {
  ExternalIdp idp;
  IdpSource source;
  source.key = t.path();
  idp.where = Location{t.context().file, t.line(), 0};
  if (t.read("name", idp.name, Need::required)) {
    const bool ok = !idp.name.empty() && idp.name.size() <= 32 &&
                    std::all_of(idp.name.begin(), idp.name.end(), isLowerAlnumDash);
    if (!ok) {
      t.context().report(
          t.line("name"), t.path("name"),
          "invalid name " + inQuotes(idp.name) + ": use 1 to 32 characters from a-z, 0-9 and '-'");
    }
  }
  source.name_where = t.where("name");
  if (t.read("profile", idp.profile) && idp.profile != "spid" && idp.profile != "cie") {
    t.context().report(t.line("profile"), t.path("profile"),
                       "expected \"spid\" or \"cie\", got " + inQuotes(idp.profile));
  }
  t.read("display_name", idp.display_name);
  if (t.read("metadata", idp.metadata, Need::required)) {
    checkNotEmpty(t, "metadata", idp.metadata);
    if (idp.metadata.starts_with("http://") || idp.metadata.starts_with("https://")) {
      checkUrl(t, "metadata", idp.metadata);
    }
  }
  t.read("ca_file", idp.ca_file);
  t.finish();
  idps.push_back(std::move(idp));
  sources.idps.push_back(std::move(source));
}

void readRoute(TableReader t, std::vector<Route>& routes, Sources& sources) {
  Route r;
  IdpSource source;
  source.key = t.path();
  r.where = Location{t.context().file, t.line(), 0};
  if (t.read("prefix", r.prefix, Need::required)) {
    if (r.prefix.empty() || r.prefix.front() != '/' || r.prefix.back() != '/' ||
        r.prefix.find_first_of("?#%* ") != std::string::npos || r.prefix.find("..") != std::string::npos) {
      t.context().report(t.line("prefix"), t.path("prefix"),
                         "expected a path that starts and ends with '/' (no '?', '#', '%', '*', '..'), got " +
                             inQuotes(r.prefix));
    }
    for (std::string_view reserved : {"/spid/", "/cie/", "/idp/", "/_admin/", "/login/", "/logout/"}) {
      if (r.prefix.starts_with(reserved) || (reserved.starts_with(r.prefix))) {
        t.context().report(
            t.line("prefix"), t.path("prefix"),
            inQuotes(r.prefix) + " overlaps " + inQuotes(reserved) + ", which the gateway serves");
        break;
      }
    }
  }
  source.name_where = t.where("prefix");
  if (t.read("upstream", r.upstream, Need::required) && !r.upstream.starts_with("listener:")) {
    checkUrl(t, "upstream", r.upstream);
  }
  if (t.read("auth", r.auth) && r.auth != "none" && r.auth != "spid" && r.auth != "cie" && r.auth != "any") {
    t.context().report(t.line("auth"), t.path("auth"),
                       "expected \"none\", \"spid\", \"cie\" or \"any\", got " + inQuotes(r.auth));
  }
  t.readInt("min_level", r.min_level, 1, 3);
  t.read("strip_prefix", r.strip_prefix);
  t.read("connect_timeout_ms", r.connect_timeout, 1);
  t.read("timeout_ms", r.timeout, 1);
  t.readInt("max_body_bytes", r.max_body_bytes, 1);
  t.finish();
  routes.push_back(std::move(r));
  sources.routes.push_back(std::move(source));
}

bool isDigits(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void checkFiscalCode(TableReader& t, std::string_view key, const std::string& v) {
  if (!isDigits(v, 11)) {
    t.context().report(t.line(key), t.path(key),
                       "expected 11 digits (the creditor's fiscal code), got " + inQuotes(v));
  }
}

void readEc(TableReader t, Ec& ec) {
  t.read("enabled", ec.enabled);
  if (t.read("database", ec.database)) checkNotEmpty(t, "database", ec.database);
  t.read("seed_demo", ec.seed_demo);
  if (t.read("id_broker_pa", ec.id_broker_pa)) checkNotEmpty(t, "id_broker_pa", ec.id_broker_pa);
  if (t.read("id_station", ec.id_station)) checkNotEmpty(t, "id_station", ec.id_station);
  t.read("require_client_cert", ec.require_client_cert);
  t.read("api_key", ec.api_key);
  t.tables("creditors", [&](TableReader c, std::size_t) {
    Creditor cr;
    cr.where = Location{c.context().file, c.line(), 0};
    if (c.read("fiscal_code", cr.fiscal_code, Need::required))
      checkFiscalCode(c, "fiscal_code", cr.fiscal_code);
    if (c.read("company_name", cr.company_name, Need::required))
      checkNotEmpty(c, "company_name", cr.company_name);
    c.read("office_name", cr.office_name);
    if (c.readInt("aux_digit", cr.aux_digit, 0, 3) && cr.aux_digit == 1) {
      c.context().report(c.line("aux_digit"), c.path("aux_digit"), "aux digit 1 is legacy: use 0, 2 or 3");
    }
    c.readInt("segregation_code", cr.segregation_code, 0, 99);
    c.readInt("application_code", cr.application_code, 0, 99);
    for (const auto& other : ec.creditors) {
      if (other.fiscal_code == cr.fiscal_code) {
        c.context().report(c.line("fiscal_code"), c.path("fiscal_code"),
                           "duplicate creditor " + inQuotes(cr.fiscal_code));
      }
    }
    c.finish();
    ec.creditors.push_back(std::move(cr));
  });
  if (ec.creditors.empty()) {
    ec.creditors.push_back({"80012350841", "Comune di Vigata", "Ufficio Tributi", 3, 47, 0, {}});
    ec.creditors.push_back(
        {"80002490847", "Libero Consorzio Comunale di Montelusa", "Servizio Tributi", 3, 48, 0, {}});
  }
  t.finish();
}

void readPagopa(TableReader t, Pagopa& p) {
  t.read("enabled", p.enabled);
  if (t.read("database", p.database)) checkNotEmpty(t, "database", p.database);
  std::int64_t v = p.token_validity.count();
  if (t.read("token_validity_s", v, 1, 1'800)) p.token_validity = std::chrono::seconds(v);
  if (t.read("id_psp", p.id_psp)) checkNotEmpty(t, "id_psp", p.id_psp);
  if (t.read("id_broker_psp", p.id_broker_psp)) checkNotEmpty(t, "id_broker_psp", p.id_broker_psp);
  if (t.read("id_channel", p.id_channel)) checkNotEmpty(t, "id_channel", p.id_channel);
  if (t.read("password", p.password)) checkNotEmpty(t, "password", p.password);
  v = p.retry_initial.count();
  if (t.read("retry_initial_s", v, 1, 86'400)) p.retry_initial = std::chrono::seconds(v);
  v = p.retry_max.count();
  if (t.read("retry_max_s", v, 1, 7 * 86'400)) p.retry_max = std::chrono::seconds(v);
  t.tables("stations", [&](TableReader st, std::size_t) {
    Station s;
    s.where = Location{st.context().file, st.line(), 0};
    if (st.read("ec_fiscal_code", s.ec_fiscal_code, Need::required))
      checkFiscalCode(st, "ec_fiscal_code", s.ec_fiscal_code);
    if (st.read("id_broker_pa", s.id_broker_pa, Need::required))
      checkNotEmpty(st, "id_broker_pa", s.id_broker_pa);
    if (st.read("id_station", s.id_station, Need::required)) checkNotEmpty(st, "id_station", s.id_station);
    if (st.read("url", s.url) && !s.url.empty()) {
      s.url_set = true;
      checkUrl(st, "url", s.url);
    }
    st.readInt("version", s.version, 1, 2);
    std::vector<std::string> codes;
    auto readCodes = [&](std::string_view key, std::vector<int>& out) {
      const toml::node* n = st.take(key);
      if (n == nullptr) return;
      const toml::array* a = n->as_array();
      if (a == nullptr) {
        st.context().report(st.line(key), st.path(key), "expected an array of two-digit codes");
        return;
      }
      for (const auto& e : *a) {
        auto i = e.value<std::int64_t>();
        if (!i || *i < 0 || *i > 99) {
          st.context().report(st.line(key), st.path(key), "expected codes from 0 to 99");
          return;
        }
        out.push_back(static_cast<int>(*i));
      }
    };
    readCodes("segregation_codes", s.segregation_codes);
    readCodes("application_codes", s.application_codes);
    st.read("client_cert", s.client_cert);
    st.read("timeout_ms", s.timeout, 1);
    st.finish();
    p.stations.push_back(std::move(s));
  });
  if (p.retry_initial > p.retry_max) {
    t.context().report(t.line("retry_initial_s"), t.path("retry_initial_s"), "must not exceed retry_max_s");
  }
  t.finish();
}

void readConfig(Context& ctx, const toml::table* root, Config& config, Sources& sources) {
  TableReader t(ctx, root, "", "", 0);
  if (t.read("data_dir", config.data_dir)) checkNotEmpty(t, "data_dir", config.data_dir);
  readServer(t.table("server"), config.server, sources);
  readAdmin(t.table("admin"), config.admin);
  readLog(t.table("log"), config.log);
  readPki(t.table("pki"), config.pki);
  readSp(t.table("sp"), config.sp);
  readMockIdp(t.table("mock_idp"), config.mock_idp);
  t.tables("idps", [&](TableReader idp, std::size_t) { readIdp(std::move(idp), config.idps, sources); });
  readSessions(t.table("sessions"), config.sessions);
  t.tables("external_idps", [&](TableReader idp, std::size_t) {
    readExternalIdp(std::move(idp), config.external_idps, sources);
  });
  t.tables("routes", [&](TableReader r, std::size_t) { readRoute(std::move(r), config.routes, sources); });
  readEc(t.table("ec"), config.ec);
  readPagopa(t.table("pagopa"), config.pagopa);
  t.finish();
}

void applyOverrides(Context& ctx, const Overrides& overrides, Config& config, Sources& sources) {
  if (overrides.listen) {
    auto& listeners = config.server.listeners;
    auto main =
        std::find_if(listeners.begin(), listeners.end(), [](const Listener& l) { return l.name == "main"; });
    if (main == listeners.end()) {
      ctx.problems.push_back(Problem{Location{"--listen", 0, 0}, "server.listeners",
                                     "no listener named \"main\" to take this address"});
    } else {
      main->address = *overrides.listen;
      ListenerSource& source = sources.listeners[static_cast<std::size_t>(main - listeners.begin())];
      source.address_where = Location{"--listen", 0, 0};
      source.address_ok = true;
      source.overridden = true;
    }
  }
  if (overrides.data_dir) {
    config.data_dir = *overrides.data_dir;
    if (config.data_dir.empty()) {
      ctx.problems.push_back(Problem{Location{"--data-dir", 0, 0}, "data_dir", "must not be empty"});
    }
  }
}

void checkAcross(Context& ctx, const Config& config, const Sources& sources) {
  const auto& listeners = config.server.listeners;
  for (std::size_t j = 0; j < listeners.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (!listeners[j].name.empty() && listeners[i].name == listeners[j].name) {
        const ListenerSource& dup = sources.listeners[j];
        ctx.problems.push_back(Problem{dup.name_where, dup.key + ".name",
                                       "duplicate listener name " + inQuotes(listeners[j].name) + " (also " +
                                           sources.listeners[i].key + ")"});
        break;
      }
    }
    for (std::size_t i = 0; i < j; ++i) {
      const ListenerSource& a = sources.listeners[i];
      const ListenerSource& b = sources.listeners[j];
      if (!a.address_ok || !b.address_ok || !clash(listeners[i].address, listeners[j].address)) continue;
      // Blame the command line when it took part: that is what the user just typed.
      const bool blame_first = a.overridden;
      const ListenerSource& here = blame_first ? a : b;
      const ListenerSource& there = blame_first ? b : a;
      const Listener& other = blame_first ? listeners[j] : listeners[i];
      ctx.problems.push_back(Problem{here.address_where, here.key + ".address",
                                     "port clash with " + there.key + " (" + other.address.toString() + ")"});
      break;
    }
  }

  // Mock and external IdPs share one namespace of names (the discovery page and /login?idp= use them).
  std::vector<std::string_view> idpNames;
  for (const auto& idp : config.idps) idpNames.push_back(idp.name);
  for (const auto& idp : config.external_idps) idpNames.push_back(idp.name);
  for (std::size_t j = 0; j < idpNames.size() && j < sources.idps.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (!idpNames[j].empty() && idpNames[i] == idpNames[j]) {
        const IdpSource& dup = sources.idps[j];
        ctx.problems.push_back(
            Problem{dup.name_where, dup.key + ".name",
                    "duplicate idp name " + inQuotes(idpNames[j]) + " (also " + sources.idps[i].key + ")"});
        break;
      }
    }
  }
  for (std::size_t j = 0; j < config.routes.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (!config.routes[j].prefix.empty() && config.routes[i].prefix == config.routes[j].prefix) {
        const IdpSource& dup = sources.routes[j];
        ctx.problems.push_back(Problem{dup.name_where, dup.key + ".prefix",
                                       "duplicate route prefix " + inQuotes(config.routes[j].prefix) +
                                           " (also " + sources.routes[i].key + ")"});
        break;
      }
    }
  }
  for (std::size_t j = 0; j < config.routes.size(); ++j) {
    const std::string& up = config.routes[j].upstream;
    if (!up.starts_with("listener:")) continue;
    std::string name = up.substr(9, up.find('/') == std::string::npos ? std::string::npos : up.find('/') - 9);
    if (config.listener(name) == nullptr) {
      ctx.problems.push_back(Problem{
          sources.routes[j].name_where, sources.routes[j].key + ".upstream",
          "no listener named " + inQuotes(name) + " (listener:<name> names one of server.listeners)"});
    }
  }
  if (config.sp.entity_id == config.sp.cie_entity_id) {
    ctx.problems.push_back(Problem{Location{ctx.file, 0, 0}, "sp.cie_entity_id",
                                   "must differ from sp.entity_id (SPID and CIE metadata are two entities)"});
  }
}

// The reader walks in schema order; people read files top to bottom, so problems are listed by line,
// with those about the file as a whole or the command line last.
void sortProblems(std::vector<Problem>& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    const int la = a.where.line == 0 ? INT_MAX : a.where.line;
    const int lb = b.where.line == 0 ? INT_MAX : b.where.line;
    return la < lb;
  });
}

}  // namespace

// Stations not given in the file: one per built-in creditor, on the built-in EC's station. URLs not set in
// the file follow public_url.
void deriveStations(Config& c) {
  if (c.pagopa.stations.empty() && c.ec.enabled) {
    for (const auto& cr : c.ec.creditors) {
      Station s;
      s.ec_fiscal_code = cr.fiscal_code;
      s.id_broker_pa = c.ec.id_broker_pa;
      s.id_station = c.ec.id_station;
      s.client_cert = true;
      c.pagopa.stations.push_back(std::move(s));
    }
  }
  for (auto& s : c.pagopa.stations) {
    if (!s.url_set) s.url = c.server.public_url + "/comune/station";
  }
}

std::string Problem::format() const {
  std::string out = where.file;
  if (where.line != 0) out += ":" + std::to_string(where.line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

const Listener* Config::listener(std::string_view name) const {
  for (const Listener& l : server.listeners) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

std::string Config::pkiDir() const {
  return (std::filesystem::path(data_dir) / pki.dir).string();
}

Loaded loadString(std::string_view text, const std::string& source_name, const std::string& base_dir,
                  const Overrides& overrides) {
  Context ctx;
  ctx.file = source_name;
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    // toml++ stops at the first syntax error; nothing after it can be trusted, so it is the only problem.
    ctx.problems.push_back(Problem{Location{source_name, static_cast<int>(e.source().begin.line),
                                            static_cast<int>(e.source().begin.column)},
                                   "", lowerFirst(std::string(e.description()))});
    return fail(std::move(ctx.problems));
  }

  auto config = std::make_shared<Config>();
  config->source_file = source_name;
  config->base_dir = base_dir;
  Sources sources;
  readConfig(ctx, &root, *config, sources);
  applyOverrides(ctx, overrides, *config, sources);
  checkAcross(ctx, *config, sources);
  if (!ctx.problems.empty()) {
    sortProblems(ctx.problems);
    return fail(std::move(ctx.problems));
  }
  // Files named in the configuration are relative to it; URLs stay as they are.
  auto resolve = [&](std::string& f) {
    if (f.empty() || f.starts_with("https://") || f.starts_with("http://")) return;
    f = (std::filesystem::path(base_dir) / f).lexically_normal().string();
  };
  resolve(config->mock_idp.users_file);
  for (auto& f : config->mock_idp.sp_metadata) resolve(f);
  for (auto& idp : config->external_idps) {
    resolve(idp.metadata);
    resolve(idp.ca_file);
  }
  for (auto& idp : config->idps) {
    if (idp.entity_id.empty()) idp.entity_id = config->server.public_url + "/idp/" + idp.name;
  }
  deriveStations(*config);
  if (!config->log.file.empty()) {
    config->log.file = (std::filesystem::path(base_dir) / config->log.file).lexically_normal().string();
  }
  return std::shared_ptr<const Config>(std::move(config));
}

std::shared_ptr<const Config> withPublicUrl(const Config& config, const std::string& public_url) {
  auto copy = std::make_shared<Config>(config);
  copy->server.public_url = public_url;
  for (auto& idp : copy->idps) {
    if (!idp.entity_id_set) idp.entity_id = public_url + "/idp/" + idp.name;
  }
  deriveStations(*copy);
  return copy;
}

Loaded loadFile(const std::string& path, const Overrides& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(
        std::vector<Problem>{Problem{Location{path, 0, 0}, "", "cannot read the file: it is a directory"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string why = lowerFirst(std::generic_category().message(errno));
    return fail(std::vector<Problem>{Problem{Location{path, 0, 0}, "", "cannot read the file: " + why}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  return loadString(text.str(), path, base_dir, overrides);
}

std::vector<std::string> knownKeys() {
  std::vector<std::string> keys;
  Context ctx;
  ctx.declared = &keys;
  Config config;
  Sources sources;
  const toml::table empty;
  readConfig(ctx, &empty, config, sources);
  return keys;
}

}  // namespace sportello::config
