// TLS contexts as Sportello uses them: TLS 1.2 and 1.3 only, Mozilla's "intermediate" cipher list
// (ECDHE with AES-GCM or ChaCha20-Poly1305; TLS 1.3 suites left at OpenSSL's defaults, which are those).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <string>

#include "core/base/result.hpp"

namespace sportello::http {

struct ServerTlsFiles {
  std::string cert;  // PEM chain: leaf first
  std::string key;
  std::string client_ca;  // when set, clients must present a certificate signed by it (mutual TLS)
};

struct ClientTlsFiles {
  std::string ca;    // trust only this CA (pinning); empty = the system store
  std::string cert;  // client certificate for mutual TLS; empty = none
  std::string key;
};

Result<void, std::string> configureServerContext(boost::asio::ssl::context& ctx, const ServerTlsFiles& files);
Result<void, std::string> configureClientContext(boost::asio::ssl::context& ctx, const ClientTlsFiles& files);

// The last OpenSSL error queue entries as text (and clears the queue).
std::string opensslErrors();

}  // namespace sportello::http
