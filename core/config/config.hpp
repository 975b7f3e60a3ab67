// Sportello's configuration: TOML loaded once into immutable typed structures and shared by pointer
// (style.md: "Immutable configuration snapshots shared by pointer; no mutable globals").
//
// Contract of the loader:
//  - Every problem is collected, not just the first: unknown keys, wrong types, missing required keys,
//    out-of-range numbers, bad URLs and host:port values, duplicate names, listener port clashes.
//  - Each problem names file, line and key: "config/x.toml:12: server.listeners[1].address: port clash
//    with server.listeners[0] (127.0.0.1:8443)".
//  - Relative paths in the file are resolved against the directory of the file; data_dir is resolved
//    against the current directory (so `sportello serve` from a fresh clone uses ./var).
//  - Defaults below are what a key takes when the file omits it.
// Later components add their sections here (and to config/sportello.sample.toml) as they land.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/log.hpp"
#include "core/base/result.hpp"

namespace sportello::config {

struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 when the problem is about the file as a whole or a missing key's table
  int column = 0;
};

struct Problem {
  Location where;
  std::string key;      // dotted path with array indices: "server.listeners[1].address"
  std::string message;  // lower-case, no trailing period: "expected a string, got an integer"
  // "file:line: key: message" (": key" omitted when empty, ":line" when 0)
  std::string format() const;
};

// host:port as written in config or on the command line: "127.0.0.1:8443", "[::1]:0", "localhost:8080".
struct Endpoint {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
  std::string toString() const;  // brackets around IPv6 literals
  bool operator==(const Endpoint&) const = default;
};
Result<Endpoint, std::string> parseEndpoint(std::string_view text);

struct Limits {
  std::size_t max_header_bytes = 16 * 1024;          // request line + headers; over it: 431
  std::size_t max_body_bytes = 1024 * 1024;          // over it: 413, decided before the body is read
  std::chrono::milliseconds header_timeout{10'000};  // from the first byte of a request to its last header
  std::chrono::milliseconds body_timeout{30'000};    // to read the whole body
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive connection with no request in progress
  std::chrono::milliseconds write_timeout{30'000};   // to write a whole response
  std::size_t max_connections = 10'000;              // per listener; past it new connections are closed
};

struct Listener {
  std::string name;  // "main" is the gateway's front door; others: "idp", "pagopa", ...
  Endpoint address;  // port 0 = any free port (reported by --ports-file and the log)
  bool tls = true;
  Location where;            // for messages that point back at the file
  bool client_cert = false;  // TLS only: clients must present a certificate from the test CA (mutual TLS)
};

struct Server {
  std::string public_url = "https://localhost:8443";  // how browsers reach the main listener
  bool public_url_set = false;  // given in the file; otherwise `serve` derives it from the bound listener
  std::vector<std::string> hostnames;                // extra TLS names besides localhost, 127.0.0.1, ::1
  unsigned threads = 0;                              // I/O threads; 0 = one per core
  std::chrono::milliseconds shutdown_grace{10'000};  // in-flight requests get this long on SIGTERM
  std::int64_t hsts_max_age = 31'536'000;            // seconds; 0 = no Strict-Transport-Security
  Limits limits;
  std::vector<Listener> listeners;  // default: one "main" at 127.0.0.1:8443, TLS
};

struct Admin {
  bool loopback_only = true;  // /_admin answers only to 127.0.0.0/8 and ::1
  std::string token;          // when set, "Authorization: Bearer <token>" is required as well
};

struct Log {
  LogLevel level = LogLevel::info;
  bool access = true;  // one JSON line per request
  std::string file;    // empty = stderr; otherwise appended to (resolved against the config file's dir)
};

struct Pki {
  std::string dir = "pki";  // relative to data_dir
  int ca_days = 3650;
  int leaf_days = 825;
};

// The gateway's identity as a SPID/CIE Service Provider; its signing certificate follows Avviso SPID n.29 v3.
struct Sp {
  std::string entity_id = "https://localhost:8443/spid/metadata";
  std::string organization = "Comune di Vigata";  // O and CN of the signing certificate
  std::string ipa_code = "c_vgt";                 // organizationIdentifier "PA:IT-<ipa_code>"
  std::string locality = "Vigata";                // L
  std::string country = "IT";                     // C
  bool public_sector = true;                      // policy 1.3.76.16.4.2.1 (public) or .4.3.1 (private)
  std::string vat_number;                         // private SPs: organizationIdentifier "VATIT-<vat>"
  int key_bits = 2048;                            // 2048, 3072 or 4096
  // The same comune as a CIE Service Provider: its own metadata (CIE extensions), its own entityID.
  std::string cie_entity_id = "https://localhost:8443/cie/metadata";
  std::string authn_binding = "HTTP-Redirect";  // how AuthnRequests travel: "HTTP-Redirect" | "HTTP-POST"
  int default_level = 2;                        // SpidL<n> asked for when the route does not say
  std::chrono::seconds clock_skew{120};         // tolerated on Response/Assertion instants
  std::string contact_email = "servizi.digitali@comune.vigata.example.it";  // metadata ContactPerson
  std::string contact_phone = "+390922000000";                              // +39..., metadata
  std::string organization_url = "https://www.comune.vigata.example.it";    // metadata Organization
  struct AttributeService {
    int index = 0;
    std::string name;  // ServiceName, in Italian
    std::vector<std::string> attributes;
  };
  // SPID AttributeConsumingService entries; index 0 is what a login asks for unless a route says otherwise.
  std::vector<AttributeService> attribute_services;
};

// Browser sessions of the gateway (server-side; the cookie carries only a random id).
struct Sessions {
  std::string cookie_name = "sportello_session";
  std::chrono::seconds idle_timeout{900};         // without a request
  std::chrono::seconds absolute_timeout{28'800};  // from login, whatever the activity
  std::chrono::seconds login_timeout{600};        // a started login must come back within this
  std::size_t max_sessions = 100'000;             // past it the oldest idle sessions go first
};

// An identity provider the gateway trusts besides the mock ones: any SAML IdP, by its metadata.
struct ExternalIdp {
  std::string name;              // [a-z0-9-]{1,32}, unique among idps and external_idps
  std::string profile = "spid";  // "spid" | "cie"
  std::string display_name;      // discovery page; default the metadata's OrganizationDisplayName
  std::string metadata;          // a file (relative to the config) or an http(s) URL fetched at start
  std::string ca_file;           // to trust for an https metadata URL; empty = the test CA
  Location where;
};

// A path prefix the gateway forwards to an upstream service, with the identity it requires.
struct Route {
  std::string prefix;         // "/servizi/anagrafe/": starts and ends with '/'
  std::string upstream;       // "http://127.0.0.1:9101" (http or https), optional base path
  std::string auth = "none";  // "none" | "spid" | "cie" | "any"
  int min_level = 1;          // SpidL<n> at least, for auth != none
  bool strip_prefix = false;  // forward "/x" for "<prefix>x" instead of the whole path
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds timeout{30'000};      // for the upstream's response head; over it: 504
  std::size_t max_body_bytes = 64 * 1024 * 1024;  // request bodies are streamed, never held whole
  Location where;
};

// A mock identity provider, served under /idp/<name>/.
struct Idp {
  std::string name;              // path segment: /idp/<name>/...; [a-z0-9-]{1,32}, unique
  std::string profile = "spid";  // "spid" | "cie"
  std::string display_name;      // shown on the discovery page
  std::string entity_id;         // empty in the file: <server.public_url>/idp/<name>
  bool entity_id_set = false;    // given in the file (not derived from public_url)
  bool enabled = true;
  Location where;
};

// What every mock IdP shares.
struct MockIdp {
  std::string users_file = "idp-users.json";  // test users (the JSON of the existing SPID test tools)
  std::vector<std::string> sp_metadata;       // SP metadata files registered at start
  bool development = true;      // relax production-only checks (https, ports) and say so in every report
  bool headless_login = false;  // POST /_admin/idp/<name>/login completes a login without a browser (CI)
  std::chrono::seconds assertion_validity{300};
  std::chrono::seconds clock_skew{120};
  std::size_t journal_size = 200;  // SAML exchanges kept for /_admin/journal
};

// A creditor (ente creditore) whose debt positions the built-in EC keeps.
struct Creditor {
  std::string fiscal_code;  // idPA: 11 digits
  std::string company_name;
  std::string office_name = "Ufficio Tributi";
  int aux_digit = 3;         // notice numbers generated with aux 0, 2 or 3
  int segregation_code = 0;  // aux 3: the first two digits of every IUV
  int application_code = 0;  // aux 0
  Location where;
};

// The comune's creditor back end (mocks/comune): debt positions (GPD-like REST under /comune/gpd) and
// its paForNode station (SOAP at /comune/station).
struct Ec {
  bool enabled = true;
  std::string database = "comune.db";  // relative to data_dir
  bool seed_demo = true;               // believable TARI, canteen, fines... at start (idempotent)
  std::string id_broker_pa = "80012350841";
  std::string id_station = "80012350841_01";
  bool require_client_cert = false;  // the station answers only clients with a test-CA certificate
  std::string api_key;               // GPD REST: Ocp-Apim-Subscription-Key required when set
  std::vector<Creditor> creditors;   // default: Comune di Vigata and the province (TEFA share)
};

// Where the mock node sends paVerifyPaymentNotice / paGetPayment / paSendRT for one creditor.
struct Station {
  std::string ec_fiscal_code;  // idPA
  std::string id_broker_pa;
  std::string id_station;
  std::string url;  // the station's SOAP endpoint; default: the built-in EC (<public_url>/comune/station)
  bool url_set = false;
  int version = 2;                           // 1: paGetPayment/paSendRT, 2: paGetPaymentV2/paSendRTV2
  std::vector<int> segregation_codes;        // aux 3 notices routed here; empty = any
  std::vector<int> application_codes;        // aux 0 notices routed here; empty = any
  bool client_cert = true;                   // present the node's client certificate (mutual TLS)
  std::chrono::milliseconds timeout{5'000};  // for the EC's answer; over it: PPT_STAZIONE_INT_PA_TIMEOUT
  Location where;
};

// The mock pagoPA node (nodeForPsp SOAP at /pagopa/node) and checkout (/pagopa/checkout).
struct Pagopa {
  bool enabled = true;
  std::string database = "pagopa.db";          // relative to data_dir: payments, tokens, receipts outbox
  std::chrono::seconds token_validity{1'800};  // at most 30 minutes (activate's expirationTime may shorten)
  // The PSP that checkout plays, and the credentials nodeForPsp callers must present.
  std::string id_psp = "SPRTLPSP";
  std::string id_broker_psp = "SPRTLPSP";
  std::string id_channel = "SPRTLPSP_01";
  std::string password = "sportello";
  std::chrono::seconds retry_initial{2};  // paSendRT retries: first wait, doubling up to retry_max
  std::chrono::seconds retry_max{300};
  std::vector<Station> stations;  // default: one per [[ec.creditors]] on the built-in station
};

struct Config {
  std::string source_file;  // as given (for messages)
  std::string base_dir;     // directory of the source file, for relative paths
  std::string data_dir = "var";
  Server server;
  Admin admin;
  Log log;
  Pki pki;
  Sp sp;
  MockIdp mock_idp;
  std::vector<Idp> idps;
  Sessions sessions;
  std::vector<ExternalIdp> external_idps;
  std::vector<Route> routes;
  Ec ec;
  Pagopa pagopa;

  const Listener* listener(std::string_view name) const;
  std::string pkiDir() const;  // data_dir / pki.dir, unless pki.dir is absolute
};

// What the command line may override; applied before validation so clashes are still found.
struct Overrides {
  std::optional<Endpoint> listen;       // --listen: replaces the address of the "main" listener
  std::optional<std::string> data_dir;  // --data-dir
};

using Loaded = Result<std::shared_ptr<const Config>, std::vector<Problem>>;

Loaded loadFile(const std::string& path, const Overrides& overrides = {});

// A copy with another public URL and everything derived from it (IdP entityIDs not set in the file).
// `serve` uses it when the file gives no public_url and the main listener got its port at bind time.
std::shared_ptr<const Config> withPublicUrl(const Config& config, const std::string& public_url);
// Fills in what [[pagopa.stations]] leaves to defaults (one station per built-in creditor; URLs from
// public_url). loadString() and withPublicUrl() call it.
void deriveStations(Config& config);
// `source_name` stands in for the file name in problems; relative paths resolve against `base_dir`.
Loaded loadString(std::string_view text, const std::string& source_name, const std::string& base_dir = ".",
                  const Overrides& overrides = {});

// Every key the loader reads, dotted, with [] for arrays of tables ("server.listeners[].address"), in the
// order it reads them; sections themselves are not listed. Lets tests hold config/sportello.sample.toml
// to documenting all of them.
std::vector<std::string> knownKeys();

}  // namespace sportello::config
