// Internal to core/pki: the file-system side of the test PKI. Keys must never be readable by others,
// not even for an instant, and an existing file is never replaced.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace sportello::pki::detail {

// mkdir -p; directories it creates get mode 0700. An existing directory is left as it is.
Result<void, std::string> makeDirectories(const std::string& dir);

// Writes `bytes` to a new file at `path` with exactly `mode`: through a temporary file in the same
// directory (created 0600, O_EXCL), synced, then renamed into place. Fails if `path` already exists.
Result<void, std::string> writeNewFile(const std::string& path, std::string_view bytes, mode_t mode);

Result<std::string, std::string> readFile(const std::string& path);

}  // namespace sportello::pki::detail
