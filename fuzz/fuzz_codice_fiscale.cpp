// Italian tax codes (core/identity/codice_fiscale.hpp): validation of a person's codice fiscale and of a
// partita IVA on any input, and computation from a person whose fields come from the input
// ("family|given|year|month|day|gender|place"): whatever is computed validates.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity/codice_fiscale.hpp"
#include "fuzz/check.hpp"

using namespace sportello::identity;
using sportello::fuzz::require;

namespace {

std::vector<std::string_view> fields(std::string_view text) {
  std::vector<std::string_view> out;
  for (;;) {
    auto bar = text.find('|');
    out.push_back(text.substr(0, bar));
    if (bar == std::string_view::npos) return out;
    text.remove_prefix(bar + 1);
  }
}

int number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(bytes), size);

  if (auto cf = validateCodiceFiscale(text)) {
    require(cf->size() == 16, "a codice fiscale is 16 characters");
    require(codiceFiscaleCheck(std::string_view(*cf).substr(0, 15)) == (*cf)[15], "check character");
    auto again = validateCodiceFiscale(*cf);
    require(again && *again == *cf, "the upper-case form validates to itself");
  } else {
    require(!cf.error().rule.empty(), "a refusal names its rule");
  }

  if (auto piva = validatePartitaIva(text)) {
    require(piva->size() == 11 && partitaIvaCheck(std::string_view(*piva).substr(0, 10)) == (*piva)[10],
            "partita IVA check digit");
  }

  auto f = fields(text);
  if (f.size() == 7) {
    Person p;
    p.family_name = std::string(f[0]);
    p.given_name = std::string(f[1]);
    p.year = number(f[2]);
    p.month = number(f[3]);
    p.day = number(f[4]);
    p.gender = f[5].empty() ? '\0' : f[5][0];
    p.place_code = std::string(f[6]);
    if (auto computed = computeCodiceFiscale(p)) {
      auto valid = validateCodiceFiscale(*computed);
      require(valid && *valid == *computed, "a computed codice fiscale validates");
    }
  }
  return 0;
}
