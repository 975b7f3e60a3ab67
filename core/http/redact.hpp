// What may appear in logs of an HTTP exchange. Access and error logs pass targets and header values
// through these functions: SAML payloads, signatures, credentials, tokens and cookie values never reach
// a log line (the journal keeps decoded SAML separately, for developers, under its own controls).
#pragma once

#include <string>
#include <string_view>

namespace sportello::http {

// True for query/form parameter names whose values are secrets or payloads (case-insensitive):
// SAMLRequest, SAMLResponse, Signature, password, token, code, ticket, ...
bool isSensitiveParam(std::string_view name) noexcept;

// "/acs?SAMLResponse=PHNh...&RelayState=x" -> "/acs?SAMLResponse=[redacted:1234]&RelayState=x".
std::string redactTarget(std::string_view target);
// A form body ("a=1&password=x") with the same rule; non-form bodies are not for logs at all.
std::string redactForm(std::string_view body);

// Cookie: "sid=abc; lang=it" -> "sid=[redacted]; lang=[redacted]"; Set-Cookie keeps name and attributes;
// Authorization/Proxy-Authorization keep the scheme only; other headers pass unchanged.
std::string redactHeader(std::string_view name, std::string_view value);

}  // namespace sportello::http
