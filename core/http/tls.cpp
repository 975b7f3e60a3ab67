#include "core/http/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace sportello::http {

namespace {
// Mozilla intermediate, version 5.7 (TLS 1.2 part; TLS 1.3 uses OpenSSL's default suites).
constexpr const char* kIntermediateCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";

Result<void, std::string> commonSettings(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return fail("cannot restrict TLS versions: " + opensslErrors());
  }
  if (SSL_CTX_set_cipher_list(ctx, kIntermediateCiphers) != 1) return fail("cipher list: " + opensslErrors());
  if (SSL_CTX_set1_groups_list(ctx, kGroups) != 1) return fail("groups: " + opensslErrors());
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  return {};
}
}  // namespace

std::string opensslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

Result<void, std::string> configureServerContext(boost::asio::ssl::context& asioCtx,
                                                 const ServerTlsFiles& files) {
  SSL_CTX* ctx = asioCtx.native_handle();
  if (auto r = commonSettings(ctx); !r) return r;
  // Clients pick among equally strong suites (ChaCha20 on hardware without AES), as Mozilla advises.
  SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, files.cert.c_str()) != 1) {
    return fail("cannot load TLS certificate " + files.cert + ": " + opensslErrors());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, files.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail("cannot load TLS key " + files.key + ": " + opensslErrors());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return fail("TLS key " + files.key + " does not match " + files.cert);
  }
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char*>("sportello"), 9);
  if (!files.client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, files.client_ca.c_str(), nullptr) != 1) {
      return fail("cannot load client CA " + files.client_ca + ": " + opensslErrors());
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return {};
}

Result<void, std::string> configureClientContext(boost::asio::ssl::context& asioCtx,
                                                 const ClientTlsFiles& files) {
  SSL_CTX* ctx = asioCtx.native_handle();
  if (auto r = commonSettings(ctx); !r) return r;
  if (files.ca.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) return fail("system CA store: " + opensslErrors());
  } else if (SSL_CTX_load_verify_locations(ctx, files.ca.c_str(), nullptr) != 1) {
    return fail("cannot load CA " + files.ca + ": " + opensslErrors());
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!files.cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, files.cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, files.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      return fail("cannot load client certificate " + files.cert + ": " + opensslErrors());
    }
  }
  return {};
}

}  // namespace sportello::http
