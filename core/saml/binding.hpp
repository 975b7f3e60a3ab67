// SAML bindings as SPID and CIE use them (spec/spid-cie.md, "Bindings"). Socket-free: decoders take
// the raw query string or form body as received, encoders return what to send.
//
// HTTP-Redirect: SAMLRequest/SAMLResponse = base64(raw DEFLATE(xml)), RelayState, SigAlg, Signature.
// The signature covers "SAMLRequest=<v>&RelayState=<v>&SigAlg=<v>" built from the values EXACTLY as
// they were URL-encoded on the wire (re-encoding would change the bytes that were signed).
// HTTP-POST: an auto-submitting form carrying base64(xml) and RelayState.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/base/base64.hpp"
#include "core/base/result.hpp"
#include "core/saml/names.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

struct BindingError {
  std::string rule;  // "binding.missing", "binding.base64", "binding.inflate", "binding.too_large",
                     // "binding.sig_alg", "binding.signature", "binding.duplicate"
  std::string message;
};

struct Limits {
  std::size_t max_encoded = 64 * 1024;    // base64 text accepted
  std::size_t max_inflated = 256 * 1024;  // XML after inflating (deflate bombs stop here)
};

struct RedirectMessage {
  bool is_request = true;     // SAMLRequest (true) or SAMLResponse
  std::string xml;            // inflated
  Opt relay_state;            // decoded
  Opt sig_alg;                // decoded URI
  std::string signature;      // raw signature bytes (base64-decoded); empty when absent
  std::string signed_octets;  // what the signature covers, from the raw query
};

Result<RedirectMessage, BindingError> decodeRedirect(std::string_view raw_query, const Limits& limits = {});
// Verifies a decoded Redirect message's query signature with the pinned certificate.
// Rules: "binding.signature_missing", "binding.sig_alg" (absent, unknown, SHA-1), "binding.signature".
Result<xml::SignatureAlgorithm, BindingError> verifyRedirect(const RedirectMessage& m,
                                                             const xml::Certificate& pinned);

// Builds the query string (without '?'); signs it when `key` is given.
std::string encodeRedirect(std::string_view xml, bool is_request, const Opt& relay_state,
                           const xml::SigningKey* key,
                           xml::SignatureAlgorithm alg = xml::SignatureAlgorithm::rsa_sha256);

// `location` with the encoded query appended ('?' or '&' as the location already has a query or not).
std::string redirectUrl(std::string_view location, std::string_view query);

struct PostMessage {
  bool is_request = true;
  std::string xml;
  Opt relay_state;
};
Result<PostMessage, BindingError> decodePost(std::string_view form_body, const Limits& limits = {});
// The auto-submitting HTML page (Italian, with a button when scripts are off).
std::string postForm(std::string_view action, bool is_request, std::string_view xml, const Opt& relay_state);

// Strict base64 (core/base/base64.hpp), named here for the binding's users.
using sportello::base64Decode;
using sportello::base64Encode;

// Raw DEFLATE (RFC 1951), as the Redirect binding wants.
std::string deflateRaw(std::string_view in);
// nullopt when the input is not valid raw DEFLATE or inflates beyond `max_out` bytes.
std::optional<std::string> inflateRaw(std::string_view in, std::size_t max_out, bool* too_large = nullptr);

std::string htmlEscape(std::string_view s);

}  // namespace sportello::saml
