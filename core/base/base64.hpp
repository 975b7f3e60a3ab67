// Base64 (RFC 4648 alphabet) as SAML and X.509 use it. Decoding is strict: padding required, data after
// padding refused, non-canonical encodings (non-zero bits under the padding) refused, so that one value
// has one spelling; CR, LF, space and tab are ignored because SPs and certificates wrap lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sportello {

std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace sportello
