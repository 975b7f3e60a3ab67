// xs:dateTime as SAML uses it: "2026-11-22T10:40:00Z", with optional fractional seconds (accepted,
// catalogue test 110) and an optional numeric offset. Local times without a zone are refused: SAML
// requires UTC, and guessing a zone is how windows silently move by hours.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace sportello::saml {

using TimePoint = std::chrono::system_clock::time_point;

Result<TimePoint, std::string> parseDateTime(std::string_view text);
// "2026-11-22T10:40:00.123Z" (milliseconds: what the SPID validators emit and expect to read back).
std::string formatDateTime(TimePoint t);

}  // namespace sportello::saml
