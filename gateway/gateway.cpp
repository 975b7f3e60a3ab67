#include "gateway/gateway.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "core/http/client.hpp"

namespace sportello::gateway {

namespace {

std::string jsonString(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

Result<std::string, std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

saml::Profile profileOf(std::string_view p) {
  return p == "cie" ? saml::Profile::cie : saml::Profile::spid;
}

std::string idpJson(const TrustedIdp& i) {
  std::string j =
      "{\"name\":" + jsonString(i.name) + ",\"profile\":" + jsonString(saml::toString(i.profile)) +
      ",\"display_name\":" + jsonString(i.display_name) + ",\"entity_id\":" + jsonString(i.entity_id) +
      ",\"sso\":{\"HTTP-Redirect\":" + jsonString(i.sso_redirect) +
      ",\"HTTP-POST\":" + jsonString(i.sso_post) +
      "},\"slo\":{\"HTTP-Redirect\":" + jsonString(i.slo_redirect) +
      ",\"HTTP-POST\":" + jsonString(i.slo_post) + "},\"certificates\":[";
  for (std::size_t k = 0; k < i.certificates.size(); ++k) {
    if (k > 0) j += ",";
    j += "{\"subject\":" + jsonString(i.certificates[k].subject()) +
         ",\"sha256\":" + jsonString(i.certificates[k].sha256Fingerprint()) + "}";
  }
  j += "],\"source\":" + jsonString(i.source) + ",\"warnings\":[";
  for (std::size_t k = 0; k < i.warnings.size(); ++k) {
    if (k > 0) j += ",";
    j += jsonString(i.warnings[k]);
  }
  return j + "]}";
}

bool validName(std::string_view n) {
  if (n.empty() || n.size() > 32) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

Result<std::string, std::string> fetchMetadata(const std::string& url, const std::string& ca_file) {
  http::ClientOptions co;
  co.tls.ca = ca_file;
  co.connect_timeout = std::chrono::seconds(5);
  co.read_timeout = std::chrono::seconds(10);
  co.max_response_bytes = 4 * 1024 * 1024;
  http::Client client(co);
  auto resp = client.getSync(url);
  if (!resp) return fail(url + ": " + resp.error().message());
  if (resp->status != 200) return fail(url + ": HTTP " + std::to_string(resp->status));
  return std::move(resp->body);
}

Gateway::~Gateway() = default;

Result<std::unique_ptr<Gateway>, std::string> Gateway::create(Options options) {
  std::unique_ptr<Gateway> g(new Gateway());
  g->o_ = std::move(options);
  const auto& cfg = *g->o_.config;
  g->trust_ = std::make_shared<IdpTrust>();
  g->sessions_ = std::make_shared<SessionStore>(cfg.sessions, g->o_.clock);

  std::string url = cfg.server.public_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  for (const auto& idp : cfg.idps) {
    if (!idp.enabled) continue;
    auto pair = g->o_.materials.idp_signing.find(idp.name);
    if (pair == g->o_.materials.idp_signing.end())
      return fail("idps." + idp.name + ": no signing certificate");
    auto cert = xml::Certificate::fromPemFile(pair->second.cert);
    if (!cert) return fail("idps." + idp.name + ": " + cert.error());
    TrustedIdp t;
    t.name = idp.name;
    t.profile = profileOf(idp.profile);
    t.display_name = idp.display_name;
    t.entity_id = idp.entity_id;
    const std::string base = url + "/idp/" + idp.name;
    t.sso_redirect = t.sso_post = base + "/sso";
    t.slo_redirect = t.slo_post = base + "/slo";
    t.certificates = {*cert};
    t.source = "mock";
    g->trust_->put(std::move(t));
  }
  for (const auto& e : cfg.external_idps) {
    const bool remote = e.metadata.starts_with("http://") || e.metadata.starts_with("https://");
    auto text = remote ? fetchMetadata(e.metadata, e.ca_file.empty() ? g->o_.materials.ca.cert : e.ca_file)
                       : readFile(e.metadata);
    if (!text) return fail("external_idps." + e.name + ": " + text.error());
    auto t = idpFromMetadata(*text, e.name, profileOf(e.profile), e.display_name, e.metadata);
    if (!t) return fail("external_idps." + e.name + ": " + t.error());
    for (const auto& w : t->warnings) {
      g->o_.log->warn("idp_metadata", {{"idp", e.name}, {"source", e.metadata}, {"warning", w}});
    }
    g->trust_->put(std::move(*t));
  }

  auto key = xml::SigningKey::fromPemFiles(g->o_.materials.sp_signing.key, g->o_.materials.sp_signing.cert);
  if (!key) return fail("SP signing key: " + key.error());
  auto sp = ServiceProvider::create(
      {g->o_.config, std::move(*key), g->o_.clock, g->o_.log, g->o_.metrics, g->trust_, g->sessions_});
  if (!sp) return fail(sp.error());
  g->sp_ = std::move(*sp);
  g->proxy_ = std::make_unique<Proxy>(Proxy::Options{g->o_.config, g->sp_.get(), g->o_.log, g->o_.metrics,
                                                     g->o_.materials.ca.cert, g->o_.listener_url});
  return g;
}

void Gateway::addRoutes(http::Router& router, const http::Admin& admin) {
  sp_->addRoutes(router);
  proxy_->addRoutes(router);
  router.get("/_admin/idps", admin.guard([this](http::Request& req) { return listIdps(req); }));
  router.post("/_admin/idps", admin.guard([this](http::Request& req) { return addIdp(req); }));
  router.add("DELETE", "/_admin/idps/{name}", admin.guard([this](http::Request& req) {
    std::string name(req.param("name").value_or(""));
    if (!trust_->remove(name)) return http::Response::error(404, "unknown_idp", "no IdP named " + name);
    o_.log->info("idp_removed", {{"request_id", req.request_id}, {"idp", name}});
    return http::Response::json(200, "{\"removed\":" + jsonString(name) + "}");
  }));
  router.get("/_admin/sessions", admin.guard([this](http::Request&) {
    return http::Response::json(200, "{\"sessions\":" + std::to_string(sessions_->size()) +
                                         ",\"pending_logins\":" + std::to_string(sessions_->pendingLogins()) +
                                         "}");
  }));
  router.post("/_admin/sessions/reset", admin.guard([this](http::Request&) {
    sessions_->clear();
    return http::Response::json(200, "{\"sessions\":0}");
  }));
}

http::Response Gateway::listIdps(http::Request&) const {
  std::string j = "[";
  bool first = true;
  for (const auto& i : trust_->all()) {
    if (!first) j += ",";
    first = false;
    j += idpJson(*i);
  }
  return http::Response::json(200, j + "]");
}

http::Response Gateway::addIdp(http::Request& req) {
  std::string name, profile = "spid", display, metadata, source = "admin API";
  auto type = req.headers.get("Content-Type");
  if (type && type->find("json") != std::string_view::npos) {
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body, ec);
    if (ec || !v.is_object()) return http::Response::error(400, "bad_json", "expected a JSON object");
    auto str = [&](const char* k) {
      auto* p = v.as_object().if_contains(k);
      return p && p->is_string() ? std::string(p->as_string()) : std::string();
    };
    name = str("name");
    if (auto p = str("profile"); !p.empty()) profile = p;
    display = str("display_name");
    std::string url = str("metadata_url");
    metadata = str("metadata");
    if (!url.empty()) {
      auto fetched = fetchMetadata(url, o_.materials.ca.cert);
      if (!fetched) return http::Response::error(400, "metadata_fetch", fetched.error());
      metadata = std::move(*fetched);
      source = url;
    }
  } else {
    name = req.queryParam("name").value_or("");
    profile = req.queryParam("profile").value_or("spid");
    display = req.queryParam("display_name").value_or("");
    metadata = req.body;
  }
  if (!validName(name)) {
    return http::Response::error(400, "bad_name", "name: use 1 to 32 characters from a-z, 0-9 and '-'");
  }
  if (profile != "spid" && profile != "cie")
    return http::Response::error(400, "bad_profile", "profile: spid or cie");
  if (metadata.empty())
    return http::Response::error(400, "no_metadata", "give the metadata XML or metadata_url");
  auto t = idpFromMetadata(metadata, name, profileOf(profile), display, source);
  if (!t) return http::Response::error(400, "bad_metadata", t.error());
  std::string body = idpJson(*t);
  o_.log->info("idp_added", {{"request_id", req.request_id}, {"idp", name}, {"entity_id", t->entity_id}});
  trust_->put(std::move(*t));
  return http::Response::json(201, std::move(body));
}

}  // namespace sportello::gateway
