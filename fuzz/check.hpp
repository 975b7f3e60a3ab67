// What the fuzz targets share: an invariant that, broken, aborts so that libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace sportello::fuzz {

// Not assert(): invariants must hold whatever NDEBUG says.
inline void require(bool holds, const char* invariant) {
  if (!holds) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", invariant);
    std::abort();
  }
}

}  // namespace sportello::fuzz
