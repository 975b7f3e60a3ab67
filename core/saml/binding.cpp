#include "core/saml/binding.hpp"

#include <zlib.h>

#include <array>

#include "core/http/message.hpp"

namespace sportello::saml {

namespace {

// One raw "name=value" pair of a query string, value still URL-encoded.
struct RawParam {
  std::string_view name, value;
};

std::vector<RawParam> splitQuery(std::string_view q) {
  std::vector<RawParam> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    out.push_back(
        {pair.substr(0, eq), eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1)});
  }
  return out;
}

}  // namespace

std::string deflateRaw(std::string_view in) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::optional<std::string> inflateRaw(std::string_view in, std::size_t max_out, bool* too_large) {
  if (too_large) *too_large = false;
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  std::array<char, 16384> chunk;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
    zs.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return std::nullopt;
    }
    out.append(chunk.data(), chunk.size() - zs.avail_out);
    if (out.size() > max_out) {  // checked per chunk: a bomb never gets more than 16 KiB past the cap
      if (too_large) *too_large = true;
      inflateEnd(&zs);
      return std::nullopt;
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {  // input ended before the stream did
      inflateEnd(&zs);
      return std::nullopt;
    }
  }
  inflateEnd(&zs);
  return out;
}

std::string htmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Result<RedirectMessage, BindingError> decodeRedirect(std::string_view raw_query, const Limits& limits) {
  RedirectMessage m;
  std::optional<RawParam> message, relay, sigAlg, signature;
  for (const auto& p : splitQuery(raw_query)) {
    auto name = http::percentDecode(p.name);
    if (!name) continue;
    std::optional<RawParam>* slot = nullptr;
    if (*name == "SAMLRequest" || *name == "SAMLResponse") {
      slot = &message;
      m.is_request = *name == "SAMLRequest";
    } else if (*name == "RelayState") {
      slot = &relay;
    } else if (*name == "SigAlg") {
      slot = &sigAlg;
    } else if (*name == "Signature") {
      slot = &signature;
    }
    if (slot == nullptr) continue;
    // A repeated parameter makes "the" signed value ambiguous: refuse rather than pick one.
    if (*slot)
      return fail(BindingError{"binding.duplicate", "parameter " + *name + " appears more than once"});
    *slot = p;
  }
  if (!message) return fail(BindingError{"binding.missing", "no SAMLRequest or SAMLResponse parameter"});
  if (message->value.size() > limits.max_encoded) {
    return fail(BindingError{"binding.too_large",
                             "encoded message over " + std::to_string(limits.max_encoded) + " bytes"});
  }
  auto b64 = http::percentDecode(message->value);
  auto raw = b64 ? base64Decode(*b64) : std::nullopt;
  if (!raw) return fail(BindingError{"binding.base64", "the message is not valid base64"});
  bool tooLarge = false;
  auto xml = inflateRaw(*raw, limits.max_inflated, &tooLarge);
  if (!xml) {
    if (tooLarge) {
      return fail(BindingError{"binding.too_large", "the message inflates to more than " +
                                                        std::to_string(limits.max_inflated) + " bytes"});
    }
    return fail(BindingError{"binding.inflate", "the message is not raw DEFLATE data"});
  }
  m.xml = std::move(*xml);
  if (relay) m.relay_state = http::percentDecode(relay->value);
  if (sigAlg) m.sig_alg = http::percentDecode(sigAlg->value);
  if (signature) {
    auto sig64 = http::percentDecode(signature->value);
    auto sig = sig64 ? base64Decode(*sig64) : std::nullopt;
    if (!sig) return fail(BindingError{"binding.base64", "the Signature parameter is not valid base64"});
    m.signature = std::move(*sig);
  }
  // The signed octets: the parameters in this fixed order, their values as they came on the wire.
  m.signed_octets =
      std::string(m.is_request ? "SAMLRequest=" : "SAMLResponse=") + std::string(message->value);
  if (relay) m.signed_octets += "&RelayState=" + std::string(relay->value);
  if (sigAlg) m.signed_octets += "&SigAlg=" + std::string(sigAlg->value);
  return m;
}

Result<xml::SignatureAlgorithm, BindingError> verifyRedirect(const RedirectMessage& m,
                                                             const xml::Certificate& pinned) {
  if (m.signature.empty()) return fail(BindingError{"binding.signature_missing", "no Signature parameter"});
  if (!m.sig_alg) return fail(BindingError{"binding.sig_alg", "no SigAlg parameter"});
  auto alg = xml::signatureAlgorithmFromUri(*m.sig_alg);
  if (!alg) {
    return fail(BindingError{
        "binding.sig_alg",
        "SigAlg " + *m.sig_alg + " is not RSA-SHA256/384/512 (SHA-1 is deprecated and refused)"});
  }
  auto ok = xml::verifyRaw(m.signed_octets, m.signature, pinned, *alg);
  if (!ok) {
    return fail(BindingError{"binding.signature",
                             "query signature (" + *m.sig_alg + ") does not verify with " + pinned.subject() +
                                 " [" + pinned.sha256Fingerprint() + "]: " + ok.error().message});
  }
  return *alg;
}

std::string encodeRedirect(std::string_view xml, bool is_request, const Opt& relay_state,
                           const xml::SigningKey* key, xml::SignatureAlgorithm alg) {
  std::string q = std::string(is_request ? "SAMLRequest=" : "SAMLResponse=") +
                  http::percentEncode(base64Encode(deflateRaw(xml)));
  if (relay_state) q += "&RelayState=" + http::percentEncode(*relay_state);
  if (key != nullptr) {
    q += "&SigAlg=" + http::percentEncode(xml::uri(alg));
    auto sig = xml::signRaw(q, *key, alg);
    // Signing with a loaded key only fails on an OpenSSL fault; the message then goes unsigned and the
    // receiver's policy reports it, which is more useful to a developer than no message at all.
    if (sig) q += "&Signature=" + http::percentEncode(base64Encode(*sig));
  }
  return q;
}

Result<PostMessage, BindingError> decodePost(std::string_view form_body, const Limits& limits) {
  PostMessage m;
  std::optional<std::string> message, relay;
  for (auto& [k, v] : http::parseForm(form_body)) {
    if (k == "SAMLRequest" || k == "SAMLResponse") {
      if (message) return fail(BindingError{"binding.duplicate", "more than one SAML message in the form"});
      m.is_request = k == "SAMLRequest";
      message = std::move(v);
    } else if (k == "RelayState") {
      if (relay) return fail(BindingError{"binding.duplicate", "RelayState appears more than once"});
      relay = std::move(v);
    }
  }
  if (!message) return fail(BindingError{"binding.missing", "no SAMLRequest or SAMLResponse field"});
  if (message->size() > limits.max_encoded) {
    return fail(BindingError{"binding.too_large",
                             "encoded message over " + std::to_string(limits.max_encoded) + " bytes"});
  }
  auto xml = base64Decode(*message);
  if (!xml) return fail(BindingError{"binding.base64", "the message is not valid base64"});
  m.xml = std::move(*xml);
  m.relay_state = std::move(relay);
  return m;
}

std::string redirectUrl(std::string_view location, std::string_view query) {
  std::string url(location);
  url += location.find('?') == std::string_view::npos ? '?' : '&';
  url += query;
  return url;
}

std::string postForm(std::string_view action, bool is_request, std::string_view xml, const Opt& relay_state) {
  std::string html =
      "<!doctype html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>Reindirizzamento in "
      "corso</title>"
      "</head>\n<body onload=\"document.forms[0].submit()\">\n<h1>Reindirizzamento in corso</h1>\n"
      "<form method=\"post\" action=\"" +
      htmlEscape(action) + "\">\n<input type=\"hidden\" name=\"" +
      (is_request ? "SAMLRequest" : "SAMLResponse") + "\" value=\"" + base64Encode(xml) + "\">\n";
  if (relay_state)
    html += "<input type=\"hidden\" name=\"RelayState\" value=\"" + htmlEscape(*relay_state) + "\">\n";
  html +=
      "<noscript><p>JavaScript non è attivo: premi il pulsante per continuare.</p></noscript>\n"
      "<button type=\"submit\">Continua</button>\n</form>\n</body></html>\n";
  return html;
}

}  // namespace sportello::saml
