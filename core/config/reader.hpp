// Private to core/config: a schema-driven walk over a toml++ document.
// The schema is code: config.cpp asks a TableReader for each key it knows, with the type it expects.
// The reader reports wrong types and missing required keys as it goes, and finish() reports every key
// nobody asked for. Nothing stops at the first problem: a bad value keeps its default and the walk goes on.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/config/config.hpp"

namespace sportello::config::detail {

struct Context {
  std::string file;
  std::vector<Problem> problems;
  // When set, every key the schema asks for is appended here as a pattern ("server.listeners[].name"),
  // which is how knownKeys() stays in step with the reader without a second list to maintain.
  std::vector<std::string>* declared = nullptr;

  void report(int line, std::string key, std::string message);
};

enum class Need { optional, required };

class TableReader {
 public:
  // `table` may be null (the section is absent): every key then keeps its default, and required keys
  // are reported missing.
  TableReader(Context& ctx, const toml::table* table, std::string path, std::string pattern, int line);

  // The node under `key`, or null; marks `key` as known either way (and declares it, for knownKeys()).
  const toml::node* take(std::string_view key) { return lookup(key, true); }

  // Each returns true when the key is present with the right type and `out` was set.
  bool read(std::string_view key, std::string& out, Need need = Need::optional);
  bool read(std::string_view key, bool& out, Need need = Need::optional);
  bool read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max,
            Need need = Need::optional);
  bool read(std::string_view key, std::chrono::milliseconds& out, std::int64_t min_ms);
  bool read(std::string_view key, std::vector<std::string>& out);

  // Integer keys whose C++ type is narrower than TOML's int64: the range check guards the conversion.
  template <class Int>
  bool readInt(std::string_view key, Int& out, std::int64_t min,
               std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
    std::int64_t v = 0;
    if (!read(key, v, min, max)) return false;
    out = static_cast<Int>(v);
    return true;
  }

  // A sub-table; absent (or of the wrong type, which is reported) gives a reader over nothing.
  TableReader table(std::string_view key);

  // An array of tables: calls each(reader, index) for every element. When recording keys for
  // knownKeys() and the array is absent, calls it once with an empty element so its keys are declared.
  template <class Each>
  void tables(std::string_view key, Each each) {
    const toml::array* array = arrayOfTables(key);
    if (array == nullptr) {
      if (ctx_.declared != nullptr) each(element(key, nullptr, 0), std::size_t{0});
      return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& node = *array->get(i);
      const toml::table* element_table = node.as_table();
      if (element_table == nullptr) {
        ctx_.report(lineOf(node), elementPath(key, i), expected("a table", node));
        continue;
      }
      each(element(key, element_table, i), i);
    }
  }

  // Reports every key of the table that no take()/read() asked for, suggesting the closest known one.
  void finish();

  // Dotted path of this table: "server.listeners[1]" ("" for the root).
  const std::string& path() const { return path_; }
  // Dotted path of a key of this table, with indices: "server.listeners[1].address".
  std::string path(std::string_view key) const;
  // Line of the key's value, or of this table when the key is absent (0 when neither is known).
  int line(std::string_view key) const;
  int line() const { return line_; }
  Location where(std::string_view key) const { return {ctx_.file, line(key), 0}; }
  Context& context() const { return ctx_; }

  static int lineOf(const toml::node& node);
  static std::string expected(std::string_view what, const toml::node& got);

 private:
  // Sections are marked known but not declared: knownKeys() lists the keys that hold values.
  const toml::node* lookup(std::string_view key, bool declare);
  const toml::array* arrayOfTables(std::string_view key);
  std::string elementPath(std::string_view key, std::size_t index) const;
  TableReader element(std::string_view key, const toml::table* table, std::size_t index);

  Context& ctx_;
  const toml::table* table_;
  std::string path_;     // "server.listeners[1]"
  std::string pattern_;  // "server.listeners[]"
  int line_;
  std::vector<std::string> known_;
};

// Appends `key` to a dotted path, quoting it the way TOML would when it is not a bare key.
std::string joinKey(std::string_view path, std::string_view key);

// The known key closest to `unknown`, or empty when none is close enough to be a plausible typo.
std::string closestKey(std::string_view unknown, const std::vector<std::string>& known);

}  // namespace sportello::config::detail
