// The loader's contract: every problem reported with file, line and key; one fixture per kind of bad config.
#include "core/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace sportello::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kFixtures = std::string(SPORTELLO_TEST_DATA) + "/fixtures/";

std::vector<std::string> formatted(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const Problem& p : problems) {
    std::string s = p.format();
    // Keep expectations readable and independent of where the tree is checked out.
    if (s.rfind(kFixtures, 0) == 0) s.erase(0, kFixtures.size());
    out.push_back(std::move(s));
  }
  return out;
}

// The formatted problems of a fixture; empty when it loads.
std::vector<std::string> problemsIn(const std::string& name, const Overrides& overrides = {}) {
  Loaded loaded = loadFile(kFixtures + name, overrides);
  if (loaded) return {};
  return formatted(loaded.error());
}

std::vector<std::string> problemsInText(std::string_view text) {
  Loaded loaded = loadString(text, "t.toml");
  if (loaded) return {};
  return formatted(loaded.error());
}

std::shared_ptr<const Config> load(std::string_view text, const Overrides& overrides = {}) {
  Loaded loaded = loadString(text, "t.toml", "/etc/sportello", overrides);
  if (!loaded) {
    for (const std::string& p : formatted(loaded.error())) ADD_FAILURE() << p;
    return nullptr;
  }
  return *loaded;
}

// --- Problem and Endpoint -----------------------------------------------------------------------

TEST(Problem, FormatsFileLineKeyAndMessage) {
  EXPECT_EQ((Problem{{"a.toml", 12, 3}, "server.threads", "must be between 0 and 256, got 300"}.format()),
            "a.toml:12: server.threads: must be between 0 and 256, got 300");
  EXPECT_EQ((Problem{{"a.toml", 0, 0}, "server.listeners", "no listener"}.format()),
            "a.toml: server.listeners: no listener");
  EXPECT_EQ((Problem{{"a.toml", 4, 1}, "", "error while parsing"}.format()), "a.toml:4: error while parsing");
  EXPECT_EQ((Problem{{"a.toml", 0, 0}, "", "cannot read the file"}.format()), "a.toml: cannot read the file");
}

TEST(Endpoint, ParsesHostAndPort) {
  struct Case {
    std::string text;
    std::string host;
    std::uint16_t port;
  };
  for (const Case& c : std::vector<Case>{{"127.0.0.1:8443", "127.0.0.1", 8443},
                                         {"[::1]:0", "::1", 0},
                                         {"localhost:8080", "localhost", 8080},
                                         {"0.0.0.0:65535", "0.0.0.0", 65535},
                                         {"[::]:443", "::", 443},
                                         {"[fe80::1%eth0]:443", "fe80::1%eth0", 443},
                                         {"idp.example-test.it:08443", "idp.example-test.it", 8443}}) {
    auto endpoint = parseEndpoint(c.text);
    ASSERT_TRUE(endpoint) << c.text << ": " << endpoint.error();
    EXPECT_EQ(endpoint->host, c.host) << c.text;
    EXPECT_EQ(endpoint->port, c.port) << c.text;
  }
}

TEST(Endpoint, ToStringBracketsIpv6AndRoundTrips) {
  EXPECT_EQ((Endpoint{"127.0.0.1", 8443}.toString()), "127.0.0.1:8443");
  EXPECT_EQ((Endpoint{"::1", 0}.toString()), "[::1]:0");
  EXPECT_EQ((Endpoint{"localhost", 8080}.toString()), "localhost:8080");
  for (const char* text : {"127.0.0.1:8443", "[::1]:0", "localhost:8080", "[2001:db8::5]:65535"}) {
    auto endpoint = parseEndpoint(text);
    ASSERT_TRUE(endpoint) << text;
    EXPECT_EQ(endpoint->toString(), text);
  }
}

TEST(Endpoint, RejectsMalformedText) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "invalid host:port \"\": empty"},
      {"127.0.0.1", "invalid host:port \"127.0.0.1\": missing port"},
      {"127.0.0.1:", "invalid host:port \"127.0.0.1:\": missing port"},
      {"127.0.0.1:65536", "invalid host:port \"127.0.0.1:65536\": port out of range (0-65535)"},
      {"127.0.0.1:99999999999", "invalid host:port \"127.0.0.1:99999999999\": port out of range (0-65535)"},
      {"127.0.0.1:https", "invalid host:port \"127.0.0.1:https\": port is not a number"},
      {"127.0.0.1:-1", "invalid host:port \"127.0.0.1:-1\": port is not a number"},
      {"127.0.0.1: 80", "invalid host:port \"127.0.0.1: 80\": port is not a number"},
      {":8443", "invalid host:port \":8443\": empty host"},
      {"::1:8443", "invalid host:port \"::1:8443\": IPv6 addresses need brackets, as in [::1]:8443"},
      {"::1", "invalid host:port \"::1\": IPv6 addresses need brackets, as in [::1]:8443"},
      {"[::1]", "invalid host:port \"[::1]\": missing port"},
      {"[::1]8443", "invalid host:port \"[::1]8443\": expected ':' before the port"},
      {"[::1:8443", "invalid host:port \"[::1:8443\": missing ']' after IPv6 address"},
      {"[]:80", "invalid host:port \"[]:80\": empty host"},
      {"[localhost]:80", "invalid host:port \"[localhost]:80\": brackets are only for IPv6 addresses"},
      {"local host:80",
       "invalid host:port \"local host:80\": host has characters not allowed in a host name"},
      {"https://localhost:80", "invalid host:port \"https://localhost:80\": a URL, not host:port"},
  };
  for (const auto& [text, message] : cases) {
    auto endpoint = parseEndpoint(text);
    ASSERT_FALSE(endpoint) << text;
    EXPECT_EQ(endpoint.error(), message);
  }
}

// --- Defaults and derived values ------------------------------------------------------------------

TEST(Load, EmptyFileGivesTheDefaults) {
  auto config = load("");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->source_file, "t.toml");
  EXPECT_EQ(config->base_dir, "/etc/sportello");
  EXPECT_EQ(config->data_dir, "var");
  EXPECT_EQ(config->server.public_url, "https://localhost:8443");
  EXPECT_THAT(config->server.hostnames, IsEmpty());
  EXPECT_EQ(config->server.threads, 0u);
  EXPECT_EQ(config->server.shutdown_grace, std::chrono::milliseconds(10'000));
  EXPECT_EQ(config->server.hsts_max_age, 31'536'000);
  EXPECT_EQ(config->server.limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(config->server.limits.max_body_bytes, 1024u * 1024);
  EXPECT_EQ(config->server.limits.header_timeout, std::chrono::milliseconds(10'000));
  EXPECT_EQ(config->server.limits.body_timeout, std::chrono::milliseconds(30'000));
  EXPECT_EQ(config->server.limits.idle_timeout, std::chrono::milliseconds(60'000));
  EXPECT_EQ(config->server.limits.write_timeout, std::chrono::milliseconds(30'000));
  EXPECT_EQ(config->server.limits.max_connections, 10'000u);
  ASSERT_EQ(config->server.listeners.size(), 1u);
  EXPECT_EQ(config->server.listeners[0].name, "main");
  EXPECT_EQ(config->server.listeners[0].address, (Endpoint{"127.0.0.1", 8443}));
  EXPECT_TRUE(config->server.listeners[0].tls);
  EXPECT_TRUE(config->admin.loopback_only);
  EXPECT_EQ(config->admin.token, "");
  EXPECT_EQ(config->log.level, LogLevel::info);
  EXPECT_TRUE(config->log.access);
  EXPECT_EQ(config->log.file, "");
  EXPECT_EQ(config->pki.dir, "pki");
  EXPECT_EQ(config->pki.ca_days, 3650);
  EXPECT_EQ(config->pki.leaf_days, 825);
  EXPECT_EQ(config->sp.entity_id, "https://localhost:8443/spid/metadata");
  EXPECT_EQ(config->sp.organization, "Comune di Vigata");
  EXPECT_EQ(config->sp.ipa_code, "c_vgt");
  EXPECT_EQ(config->sp.country, "IT");
  EXPECT_TRUE(config->sp.public_sector);
  EXPECT_EQ(config->sp.key_bits, 2048);
  EXPECT_THAT(config->idps, IsEmpty());
  EXPECT_EQ(config->pkiDir(), "var/pki");
}

TEST(Load, ReadsEveryValueGiven) {
  auto config = load(R"(
data_dir = "/srv/sportello"
[server]
public_url = "https://comune.example:9443/"
hostnames = ["comune.example", "10.0.0.5"]
threads = 4
shutdown_grace_ms = 0
hsts_max_age_s = 0
[server.limits]
max_header_bytes = 8192
max_body_bytes = 2048
header_timeout_ms = 1
body_timeout_ms = 2
idle_timeout_ms = 3
write_timeout_ms = 4
max_connections = 5
[[server.listeners]]
name = "main"
address = "[::]:0"
tls = false
[admin]
loopback_only = false
token = "s3cret"
[log]
level = "debug"
access = false
file = "logs/sportello.log"
[pki]
dir = "/var/lib/sportello-pki"
ca_days = 10
leaf_days = 5
[sp]
entity_id = "http://sp.example:8080/metadata"
organization = "Ditta Rossi"
ipa_code = ""
locality = "Montelusa"
country = "SM"
public_sector = false
vat_number = "01234567890"
key_bits = 4096
[[idps]]
name = "borgo-id"
profile = "cie"
enabled = false
)");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->data_dir, "/srv/sportello");
  EXPECT_EQ(config->server.public_url, "https://comune.example:9443/");
  EXPECT_THAT(config->server.hostnames, ElementsAre("comune.example", "10.0.0.5"));
  EXPECT_EQ(config->server.threads, 4u);
  EXPECT_EQ(config->server.shutdown_grace, std::chrono::milliseconds(0));
  EXPECT_EQ(config->server.hsts_max_age, 0);
  EXPECT_EQ(config->server.limits.max_header_bytes, 8192u);
  EXPECT_EQ(config->server.limits.max_body_bytes, 2048u);
  EXPECT_EQ(config->server.limits.header_timeout, std::chrono::milliseconds(1));
  EXPECT_EQ(config->server.limits.body_timeout, std::chrono::milliseconds(2));
  EXPECT_EQ(config->server.limits.idle_timeout, std::chrono::milliseconds(3));
  EXPECT_EQ(config->server.limits.write_timeout, std::chrono::milliseconds(4));
  EXPECT_EQ(config->server.limits.max_connections, 5u);
  ASSERT_EQ(config->server.listeners.size(), 1u);
  EXPECT_EQ(config->server.listeners[0].address, (Endpoint{"::", 0}));
  EXPECT_FALSE(config->server.listeners[0].tls);
  EXPECT_EQ(config->server.listeners[0].where.line, 17);
  EXPECT_FALSE(config->admin.loopback_only);
  EXPECT_EQ(config->admin.token, "s3cret");
  EXPECT_EQ(config->log.level, LogLevel::debug);
  EXPECT_FALSE(config->log.access);
  EXPECT_EQ(config->log.file, "/etc/sportello/logs/sportello.log");
  EXPECT_EQ(config->pki.ca_days, 10);
  EXPECT_EQ(config->pki.leaf_days, 5);
  EXPECT_EQ(config->pkiDir(), "/var/lib/sportello-pki");
  EXPECT_EQ(config->sp.entity_id, "http://sp.example:8080/metadata");
  EXPECT_EQ(config->sp.organization, "Ditta Rossi");
  EXPECT_EQ(config->sp.locality, "Montelusa");
  EXPECT_EQ(config->sp.country, "SM");
  EXPECT_FALSE(config->sp.public_sector);
  EXPECT_EQ(config->sp.vat_number, "01234567890");
  EXPECT_EQ(config->sp.key_bits, 4096);
  ASSERT_EQ(config->idps.size(), 1u);
  EXPECT_EQ(config->idps[0].name, "borgo-id");
  EXPECT_EQ(config->idps[0].profile, "cie");
  EXPECT_EQ(config->idps[0].display_name, "borgo-id");  // defaults to the name
  EXPECT_FALSE(config->idps[0].enabled);
  EXPECT_EQ(config->idps[0].where.line, 41);
}

TEST(Load, ListenerLookupByName) {
  auto loaded = loadFile(kFixtures + "two_listeners.toml");
  ASSERT_TRUE(loaded);
  const Config& config = **loaded;
  ASSERT_NE(config.listener("idp"), nullptr);
  EXPECT_EQ(config.listener("idp")->address, (Endpoint{"127.0.0.1", 9443}));
  EXPECT_FALSE(config.listener("idp")->tls);
  EXPECT_EQ(config.listener("idp")->where.file, kFixtures + "two_listeners.toml");
  EXPECT_EQ(config.listener("idp")->where.line, 5);
  EXPECT_EQ(config.listener("main")->address, (Endpoint{"127.0.0.1", 8443}));
  EXPECT_EQ(config.listener("pagopa"), nullptr);
}

TEST(Load, RelativeLogFileResolvesAgainstTheConfigDirectory) {
  const std::string dir = std::string(SPORTELLO_TEST_DATA) + "/fixtures";
  {
    auto loaded = loadString("[log]\nfile = \"../logs/./s.log\"", "x.toml", dir);
    ASSERT_TRUE(loaded);
    EXPECT_EQ((*loaded)->log.file, std::string(SPORTELLO_TEST_DATA) + "/logs/s.log");
  }
  {
    auto loaded = loadString("[log]\nfile = \"/tmp/s.log\"", "x.toml", dir);
    ASSERT_TRUE(loaded);
    EXPECT_EQ((*loaded)->log.file, "/tmp/s.log");
  }
  {
    auto loaded = loadFile(kFixtures + "two_listeners.toml");
    ASSERT_TRUE(loaded);
    EXPECT_EQ((*loaded)->base_dir, dir);
    EXPECT_EQ((*loaded)->data_dir, "var");  // resolved by the caller, against the current directory
  }
}

// --- One fixture per kind of bad config -----------------------------------------------------------

TEST(Fixtures, UnknownKeysSuggestTheClosestKnownKey) {
  EXPECT_THAT(
      problemsIn("unknown_key.toml"),
      ElementsAre(
          "unknown_key.toml:3: server.thread: unknown key; did you mean 'threads'?",
          "unknown_key.toml:6: server.limits.idle_timeout: unknown key; did you mean 'idle_timeout_ms'?",
          "unknown_key.toml:8: gateway: unknown key"));
}

TEST(Fixtures, WrongTypes) {
  EXPECT_THAT(problemsIn("wrong_type.toml"),
              ElementsAre("wrong_type.toml:1: data_dir: expected a string, got an integer",
                          "wrong_type.toml:3: server.threads: expected an integer, got a string",
                          "wrong_type.toml:4: server.hostnames[1]: expected a string, got an integer",
                          "wrong_type.toml:6: server.limits.max_body_bytes: expected an integer, got a float",
                          "wrong_type.toml:7: server.listeners: expected an array of tables, got a table",
                          "wrong_type.toml:10: admin.token: expected a string, got an array",
                          "wrong_type.toml:12: log.access: expected a boolean, got a string",
                          "wrong_type.toml:14: pki.ca_days: expected an integer, got a date",
                          "wrong_type.toml:17: idps[0].enabled: expected a boolean, got an integer"));
}

TEST(Fixtures, MissingRequiredKeysPointAtTheirTable) {
  EXPECT_THAT(problemsIn("missing_required.toml"),
              ElementsAre("missing_required.toml:1: server.listeners[0].address: missing required key",
                          "missing_required.toml:4: server.listeners[1].name: missing required key",
                          "missing_required.toml:7: idps[0].name: missing required key"));
}

TEST(Fixtures, BadUrls) {
  EXPECT_THAT(problemsIn("bad_url.toml"),
              ElementsAre("bad_url.toml:2: server.public_url: invalid URL \"localhost:8443\": not absolute "
                          "(expected http:// or https://)",
                          "bad_url.toml:4: sp.entity_id: invalid URL \"ftp://localhost/spid/metadata\": "
                          "scheme must be http or https"));
}

TEST(Fixtures, BadEndpoints) {
  EXPECT_THAT(
      problemsIn("bad_endpoint.toml"),
      ElementsAre(
          "bad_endpoint.toml:3: server.listeners[0].address: invalid host:port \"127.0.0.1\": missing port",
          "bad_endpoint.toml:6: server.listeners[1].address: invalid host:port \"127.0.0.1:70000\": port out "
          "of "
          "range (0-65535)",
          "bad_endpoint.toml:9: server.listeners[2].address: invalid host:port \"::1:8443\": IPv6 addresses "
          "need "
          "brackets, as in [::1]:8443",
          "bad_endpoint.toml:12: server.listeners[3].address: invalid host:port \":8443\": empty host"));
}

TEST(Fixtures, PortClashesIncludingWildcards) {
  // Port 0 never clashes; different hosts on one port do not, unless one of them is a wildcard.
  EXPECT_THAT(
      problemsIn("port_clash.toml"),
      ElementsAre("port_clash.toml:6: server.listeners[1].address: port clash with server.listeners[0] "
                  "(127.0.0.1:8443)",
                  "port_clash.toml:9: server.listeners[2].address: port clash with server.listeners[0] "
                  "(127.0.0.1:8443)"));
}

TEST(Fixtures, DuplicateNames) {
  EXPECT_THAT(
      problemsIn("duplicate_name.toml"),
      ElementsAre("duplicate_name.toml:5: server.listeners[1].name: duplicate listener name \"main\" (also "
                  "server.listeners[0])",
                  "duplicate_name.toml:10: idps[1].name: duplicate idp name \"aurora-id\" (also idps[0])"));
}

TEST(Fixtures, SyntaxErrorIsAProblemLikeAnyOther) {
  EXPECT_THAT(
      problemsIn("syntax_error.toml"),
      ElementsAre("syntax_error.toml:3: error while parsing string: unescaped control characters other "
                  "than TAB (U+0009) are explicitly prohibited"));
  Loaded loaded = loadFile(kFixtures + "syntax_error.toml");
  ASSERT_FALSE(loaded);
  EXPECT_GT(loaded.error()[0].where.column, 0);
}

TEST(Fixtures, BadIdpNameAndProfile) {
  EXPECT_THAT(
      problemsIn("bad_idp.toml"),
      ElementsAre("bad_idp.toml:2: idps[0].name: invalid name \"Aurora_ID\": use 1 to 32 characters from "
                  "a-z, 0-9 and '-'",
                  "bad_idp.toml:3: idps[0].profile: expected \"spid\" or \"cie\", got \"saml\"",
                  "bad_idp.toml:5: idps[1].name: invalid name \"a-name-that-is-longer-than-32-chars\": use "
                  "1 to 32 characters from a-z, 0-9 and '-'"));
}

TEST(Fixtures, BadKeyBits) {
  EXPECT_THAT(problemsIn("bad_key_bits.toml"),
              ElementsAre("bad_key_bits.toml:2: sp.key_bits: must be 2048, 3072 or 4096, got 1024"));
}

TEST(Fixtures, OutOfRangeNumbers) {
  EXPECT_THAT(problemsIn("out_of_range.toml"),
              ElementsAre("out_of_range.toml:2: server.threads: must be between 0 and 256, got 300",
                          "out_of_range.toml:3: server.shutdown_grace_ms: must be at least 0, got -1",
                          "out_of_range.toml:4: server.hsts_max_age_s: must be at least 0, got -5",
                          "out_of_range.toml:6: server.limits.max_header_bytes: must be at least 1, got 0",
                          "out_of_range.toml:7: server.limits.idle_timeout_ms: must be at least 1, got 0",
                          "out_of_range.toml:8: server.limits.max_connections: must be at least 1, got -1",
                          "out_of_range.toml:10: pki.ca_days: must be between 1 and 36500, got 0",
                          "out_of_range.toml:11: pki.leaf_days: must be between 1 and 36500, got 40000"));
}

TEST(Fixtures, BadLogLevel) {
  EXPECT_THAT(
      problemsIn("bad_log_level.toml"),
      ElementsAre("bad_log_level.toml:2: log.level: expected \"debug\", \"info\", \"warn\" or \"error\", got "
                  "\"verbose\""));
}

TEST(Fixtures, PrivateSpNeedsAVatNumber) {
  EXPECT_THAT(
      problemsIn("bad_sp_private.toml"),
      ElementsAre("bad_sp_private.toml:1: sp.vat_number: required when sp.public_sector is false",
                  "bad_sp_private.toml:3: sp.country: expected two upper-case letters (ISO 3166-1 alpha-2), "
                  "got \"it\""));
}

TEST(Fixtures, PublicSpNeedsAnIpaCode) {
  EXPECT_THAT(
      problemsIn("bad_sp_public.toml"),
      ElementsAre("bad_sp_public.toml:2: sp.ipa_code: required when sp.public_sector is true",
                  "bad_sp_public.toml:3: sp.vat_number: expected 11 digits (partita IVA), got \"123\"",
                  "bad_sp_public.toml:4: sp.locality: must not be empty"));
}

TEST(Fixtures, EveryProblemIsReportedInLineOrder) {
  EXPECT_THAT(
      problemsIn("many_problems.toml"),
      ElementsAre("many_problems.toml:2: colour: unknown key",
                  "many_problems.toml:5: server.public_url: invalid URL \"https://localhost:8443 \": "
                  "contains a space or "
                  "control character",
                  "many_problems.toml:6: server.hostnames[0]: invalid host name \"bad host\"",
                  "many_problems.toml:7: server.threads: must be between 0 and 256, got -1",
                  "many_problems.toml:10: server.limits.max_body_bytes: expected an integer, got a string",
                  "many_problems.toml:17: server.listeners[1].name: duplicate listener name \"main\" (also "
                  "server.listeners[0])",
                  "many_problems.toml:18: server.listeners[1].address: port clash with server.listeners[0] "
                  "(127.0.0.1:8443)",
                  "many_problems.toml:21: log.level: expected \"debug\", \"info\", \"warn\" or \"error\", "
                  "got \"trace\"",
                  "many_problems.toml:27: idps[1].name: missing required key"));
}

TEST(Fixtures, MissingFile) {
  EXPECT_THAT(problemsIn("no_such_file.toml"),
              ElementsAre("no_such_file.toml: cannot read the file: no such file or directory"));
  EXPECT_THAT(problemsIn(""), ElementsAre(": cannot read the file: it is a directory"));
}

// --- Smaller cases, inline ------------------------------------------------------------------------

TEST(Inline, UrlChecks) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://localhost:8443", ""},
      {"http://[::1]:8080/x?y#z", ""},
      {"https://comune.example", ""},
      {"https://", "missing host"},
      {"https://:8443/", "missing host"},
      {"https://localhost:0/", "port out of range (1-65535)"},
      {"https://localhost:65536", "port out of range (1-65535)"},
      {"https://localhost:84x3", "port is not a number"},
      {"https://localhost:/", "empty port"},
      {"https://user@localhost/", "user info is not allowed"},
      {"https://[::1/", "missing ']' after IPv6 address"},
      {"HTTPS://localhost/", "scheme must be http or https"},
      {"https://local host/", "contains a space or control character"},
      {"/spid/metadata", "not absolute (expected http:// or https://)"},
  };
  for (const auto& [url, why] : cases) {
    const auto problems = problemsInText("[server]\npublic_url = \"" + url + "\"");
    if (why.empty()) {
      EXPECT_THAT(problems, IsEmpty()) << url;
    } else {
      EXPECT_THAT(problems, ElementsAre("t.toml:2: server.public_url: invalid URL \"" + url + "\": " + why));
    }
  }
}

TEST(Inline, ListenersMustBeTables) {
  EXPECT_THAT(problemsInText("[server]\nlisteners = [1, \"main\"]"),
              ElementsAre("t.toml:2: server.listeners[0]: expected a table, got an integer",
                          "t.toml:2: server.listeners[1]: expected a table, got a string"));
  EXPECT_THAT(problemsInText("server = 5"),
              ElementsAre("t.toml:1: server: expected a table, got an integer"));
}

TEST(Inline, KeysThatAreNotBareAreQuoted) {
  EXPECT_THAT(problemsInText("[server]\n\"odd key\" = 1\n"),
              ElementsAre("t.toml:2: server.\"odd key\": unknown key"));
}

TEST(Inline, UnknownKeysInArraysOfTables) {
  EXPECT_THAT(problemsInText("[[idps]]\nname = \"aurora-id\"\ndisplayname = \"Aurora\"\n"),
              ElementsAre("t.toml:3: idps[0].displayname: unknown key; did you mean 'display_name'?"));
  EXPECT_THAT(
      problemsInText("[[server.listeners]]\nname = \"main\"\naddress = \"127.0.0.1:1\"\ntsl = false\n"),
      ElementsAre("t.toml:4: server.listeners[0].tsl: unknown key; did you mean 'tls'?"));
}

TEST(Inline, DottedKeysAndInlineTablesWork) {
  auto config = load("server.threads = 2\nserver.limits = { max_connections = 7 }\n");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->server.threads, 2u);
  EXPECT_EQ(config->server.limits.max_connections, 7u);
}

TEST(Inline, WildcardsClashWithEachOther) {
  EXPECT_THAT(problemsInText("[[server.listeners]]\nname = \"main\"\naddress = \"0.0.0.0:80\"\n"
                             "[[server.listeners]]\nname = \"b\"\naddress = \"[::]:80\"\n"),
              ElementsAre("t.toml:6: server.listeners[1].address: port clash with server.listeners[0] "
                          "(0.0.0.0:80)"));
}

// --- Overrides ------------------------------------------------------------------------------------

TEST(Overrides, ListenReplacesTheMainListener) {
  Overrides overrides;
  overrides.listen = Endpoint{"::1", 0};
  auto loaded = loadFile(kFixtures + "two_listeners.toml", overrides);
  ASSERT_TRUE(loaded);
  EXPECT_EQ((*loaded)->listener("main")->address, (Endpoint{"::1", 0}));
  EXPECT_EQ((*loaded)->listener("idp")->address, (Endpoint{"127.0.0.1", 9443}));
}

TEST(Overrides, ListenReplacesTheDefaultListener) {
  Overrides overrides;
  overrides.listen = Endpoint{"127.0.0.1", 0};
  auto config = load("", overrides);
  ASSERT_TRUE(config);
  ASSERT_EQ(config->server.listeners.size(), 1u);
  EXPECT_EQ(config->server.listeners[0].address, (Endpoint{"127.0.0.1", 0}));
}

TEST(Overrides, ListenThatClashesIsBlamedOnTheCommandLine) {
  Overrides overrides;
  overrides.listen = Endpoint{"0.0.0.0", 9443};
  EXPECT_THAT(problemsIn("two_listeners.toml", overrides),
              ElementsAre("--listen: server.listeners[0].address: port clash with server.listeners[1] "
                          "(127.0.0.1:9443)"));
}

TEST(Overrides, ListenThatResolvesAClashIsAccepted) {
  Overrides overrides;
  overrides.listen = Endpoint{"127.0.0.1", 7443};
  EXPECT_THAT(problemsInText("[[server.listeners]]\nname = \"main\"\naddress = \"127.0.0.1:9443\"\n"
                             "[[server.listeners]]\nname = \"idp\"\naddress = \"127.0.0.1:9443\"\n"),
              ElementsAre("t.toml:6: server.listeners[1].address: port clash with server.listeners[0] "
                          "(127.0.0.1:9443)"));
  auto config = load(
      "[[server.listeners]]\nname = \"main\"\naddress = \"127.0.0.1:9443\"\n"
      "[[server.listeners]]\nname = \"idp\"\naddress = \"127.0.0.1:9443\"\n",
      overrides);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->listener("main")->address.port, 7443);
}

TEST(Overrides, ListenWithoutAMainListener) {
  Overrides overrides;
  overrides.listen = Endpoint{"127.0.0.1", 8443};
  EXPECT_THAT(problemsIn("no_main_listener.toml"), IsEmpty());
  EXPECT_THAT(problemsIn("no_main_listener.toml", overrides),
              ElementsAre("--listen: server.listeners: no listener named \"main\" to take this address"));
}

TEST(Overrides, DataDir) {
  Overrides overrides;
  overrides.data_dir = "/tmp/sportello-test";
  auto config = load("data_dir = \"elsewhere\"\n[pki]\ndir = \"certs\"\n", overrides);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->data_dir, "/tmp/sportello-test");
  EXPECT_EQ(config->pkiDir(), "/tmp/sportello-test/certs");

  overrides.data_dir = "";
  Loaded loaded = loadString("", "t.toml", ".", overrides);
  ASSERT_FALSE(loaded);
  EXPECT_THAT(formatted(loaded.error()), ElementsAre("--data-dir: data_dir: must not be empty"));
}

// --- The shipped configuration files ------------------------------------------------------------

const std::string kConfigDir = std::string(SPORTELLO_SOURCE_DIR) + "/config/";

// --- Gateway: SP details, sessions, external IdPs, routes ------------------------------------------

TEST(Gateway, DefaultsGiveTwoAttributeServicesAndNoRoutes) {
  auto cfg = load("");
  ASSERT_TRUE(cfg);
  ASSERT_EQ(cfg->sp.attribute_services.size(), 2u);
  EXPECT_EQ(cfg->sp.attribute_services[0].index, 0);
  EXPECT_EQ(cfg->sp.authn_binding, "HTTP-Redirect");
  EXPECT_EQ(cfg->sessions.idle_timeout, std::chrono::seconds(900));
  EXPECT_TRUE(cfg->routes.empty());
  EXPECT_TRUE(cfg->external_idps.empty());
}

TEST(Gateway, ReadsRoutesAndExternalIdps) {
  auto cfg = load(R"(
[[external_idps]]
name = "validator"
metadata = "idp/validator.xml"
[[routes]]
prefix = "/servizi/tributi/"
upstream = "http://127.0.0.1:9102/api"
auth = "spid"
min_level = 3
strip_prefix = true
timeout_ms = 500
)");
  ASSERT_TRUE(cfg);
  ASSERT_EQ(cfg->external_idps.size(), 1u);
  EXPECT_EQ(cfg->external_idps[0].metadata, "/etc/sportello/idp/validator.xml");
  ASSERT_EQ(cfg->routes.size(), 1u);
  EXPECT_EQ(cfg->routes[0].auth, "spid");
  EXPECT_EQ(cfg->routes[0].min_level, 3);
  EXPECT_TRUE(cfg->routes[0].strip_prefix);
  EXPECT_EQ(cfg->routes[0].timeout, std::chrono::milliseconds(500));
}

TEST(Gateway, BadValuesAreReportedWithTheirKeys) {
  EXPECT_THAT(
      problemsInText(R"([sp]
authn_binding = "SOAP"
contact_phone = "0922 000000"
[[sp.attribute_services]]
index = 0
name = "x"
attributes = ["nome"]
[sessions]
idle_timeout_s = 1000
absolute_timeout_s = 100
[[idps]]
name = "a"
[[external_idps]]
name = "a"
metadata = "a.xml"
[[routes]]
prefix = "servizi"
upstream = "ftp://x"
auth = "password"
[[routes]]
prefix = "/spid/x/"
upstream = "http://127.0.0.1:1"
)"),
      ElementsAre("t.toml:2: sp.authn_binding: expected \"HTTP-Redirect\" or \"HTTP-POST\", got \"SOAP\"",
                  "t.toml:3: sp.contact_phone: expected an Italian number in international form (+39...), "
                  "got \"0922 000000\"",
                  "t.toml:7: sp.attribute_services[0].attributes: unknown SPID attribute \"nome\"",
                  "t.toml:9: sessions.idle_timeout_s: must not exceed absolute_timeout_s (100)",
                  "t.toml:14: external_idps[0].name: duplicate idp name \"a\" (also idps[0])",
                  "t.toml:17: routes[0].prefix: expected a path that starts and ends with '/' (no '?', "
                  "'#', '%', '*', '..'), got \"servizi\"",
                  "t.toml:18: routes[0].upstream: invalid URL \"ftp://x\": scheme must be http or https",
                  "t.toml:19: routes[0].auth: expected \"none\", \"spid\", \"cie\" or \"any\", got "
                  "\"password\"",
                  "t.toml:21: routes[1].prefix: \"/spid/x/\" overlaps \"/spid/\", which the gateway serves"));
}

TEST(Gateway, SpidAndCieEntityIdsMustDiffer) {
  EXPECT_THAT(
      problemsInText("[sp]\nentity_id = \"https://x/m\"\ncie_entity_id = \"https://x/m\"\n"),
      ElementsAre("t.toml: sp.cie_entity_id: must differ from sp.entity_id (SPID and CIE metadata are "
                  "two entities)"));
}

// --- pagoPA: the EC and the node ------------------------------------------------------------------

TEST(Pagopa, DefaultsGiveTwoCreditorsAndTheirStationsOnTheBuiltInEc) {
  auto cfg = load("[server]\npublic_url = \"https://localhost:9443\"\n");
  ASSERT_TRUE(cfg);
  ASSERT_EQ(cfg->ec.creditors.size(), 2u);
  ASSERT_EQ(cfg->pagopa.stations.size(), 2u);
  EXPECT_EQ(cfg->pagopa.stations[0].url, "https://localhost:9443/comune/station");
  EXPECT_EQ(cfg->pagopa.stations[0].ec_fiscal_code, cfg->ec.creditors[0].fiscal_code);
  auto moved = withPublicUrl(*cfg, "https://localhost:1234");
  EXPECT_EQ(moved->pagopa.stations[1].url, "https://localhost:1234/comune/station");
}

TEST(Pagopa, StationsGivenInTheFileKeepTheirUrls) {
  auto cfg = load(R"(
[[pagopa.stations]]
ec_fiscal_code = "12345678901"
id_broker_pa = "12345678901"
id_station = "12345678901_01"
url = "https://ec.example.it/pa"
version = 1
segregation_codes = [1, 2]
)");
  ASSERT_TRUE(cfg);
  ASSERT_EQ(cfg->pagopa.stations.size(), 1u);
  EXPECT_EQ(cfg->pagopa.stations[0].url, "https://ec.example.it/pa");
  EXPECT_EQ(cfg->pagopa.stations[0].version, 1);
  EXPECT_THAT(cfg->pagopa.stations[0].segregation_codes, ElementsAre(1, 2));
}

TEST(Pagopa, BadValuesAreReportedWithTheirKeys) {
  EXPECT_THAT(
      problemsInText(R"([[server.listeners]]
name = "main"
address = "127.0.0.1:0"
tls = false
client_cert = true
[[ec.creditors]]
fiscal_code = "8001235084"
company_name = "x"
aux_digit = 1
[pagopa]
retry_initial_s = 600
retry_max_s = 60
)"),
      ElementsAre("t.toml:5: server.listeners[0].client_cert: needs tls = true",
                  "t.toml:7: ec.creditors[0].fiscal_code: expected 11 digits (the creditor's fiscal code), "
                  "got \"8001235084\"",
                  "t.toml:9: ec.creditors[0].aux_digit: aux digit 1 is legacy: use 0, 2 or 3",
                  "t.toml:11: pagopa.retry_initial_s: must not exceed retry_max_s"));
}

TEST(ShippedConfig, DefaultLoadsWithoutProblems) {
  Loaded loaded = loadFile(kConfigDir + "sportello.toml");
  ASSERT_TRUE(loaded) << ::testing::PrintToString(formatted(loaded.error()));
  const Config& config = **loaded;
  ASSERT_NE(config.listener("main"), nullptr);
  EXPECT_EQ(config.listener("main")->address, (Endpoint{"127.0.0.1", 8443}));
  EXPECT_TRUE(config.listener("main")->tls);
  std::size_t spid = 0;
  std::size_t cie = 0;
  for (const Idp& idp : config.idps) {
    EXPECT_TRUE(idp.enabled) << idp.name;
    EXPECT_FALSE(idp.display_name.empty()) << idp.name;
    (idp.profile == "cie" ? cie : spid)++;
  }
  EXPECT_EQ(spid, 3u);
  EXPECT_EQ(cie, 1u);
}

TEST(ShippedConfig, SampleLoadsWithoutProblems) {
  Loaded loaded = loadFile(kConfigDir + "sportello.sample.toml");
  ASSERT_TRUE(loaded) << ::testing::PrintToString(formatted(loaded.error()));
}

// For each section header (first occurrence only: later [[idps]] need not repeat the comments) and each
// key in it: whether the line just above the key is a comment.
std::map<std::string, std::map<std::string, bool>> documentedKeys(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::map<std::string, bool>> sections;
  std::set<std::string> seen_headers;
  std::string section;  // "" = root; "server.limits"; "server.listeners[]"
  bool recording = true;
  bool previous_is_comment = false;
  for (std::string line; std::getline(in, line);) {
    const std::size_t start = line.find_first_not_of(' ');
    line = start == std::string::npos ? "" : line.substr(start);
    if (line.rfind("[[", 0) == 0) {
      section = line.substr(2, line.find("]]") - 2) + "[]";
      recording = seen_headers.insert(section).second;
    } else if (line.rfind('[', 0) == 0) {
      section = line.substr(1, line.find(']') - 1);
      recording = seen_headers.insert(section).second;
    } else if (const std::size_t eq = line.find(" = ");
               recording && eq != std::string::npos && line[0] != '#') {
      sections[section][line.substr(0, eq)] = previous_is_comment;
    }
    previous_is_comment = line.rfind('#', 0) == 0;
  }
  return sections;
}

TEST(ShippedConfig, SampleDocumentsEveryKnownKey) {
  const auto sections = documentedKeys(kConfigDir + "sportello.sample.toml");
  const std::vector<std::string> keys = knownKeys();
  ASSERT_FALSE(keys.empty());
  for (const std::string& key : keys) {
    const std::size_t dot = key.rfind('.');
    const std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
    const std::string leaf = dot == std::string::npos ? key : key.substr(dot + 1);
    auto s = sections.find(section);
    ASSERT_NE(s, sections.end()) << "sample has no section for " << key;
    auto k = s->second.find(leaf);
    ASSERT_NE(k, s->second.end()) << "sample does not set " << key;
    EXPECT_TRUE(k->second) << "no comment line just above " << key << " in the sample";
  }
}

TEST(ShippedConfig, KnownKeysAreUniqueAndPatterned) {
  const std::vector<std::string> keys = knownKeys();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
  for (const char* key :
       {"data_dir", "server.public_url", "server.limits.idle_timeout_ms", "server.listeners[].address",
        "log.level", "pki.dir", "sp.key_bits", "idps[].profile"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  }
  // Sections are not keys.
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "server"), keys.end());
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "server.listeners"), keys.end());
}

}  // namespace
}  // namespace sportello::config
