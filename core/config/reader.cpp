#include "core/config/reader.hpp"

#include <algorithm>
#include <utility>

namespace sportello::config::detail {
namespace {

std::string_view typeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

bool isBareKey(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string rangeMessage(std::int64_t min, std::int64_t max, std::int64_t got) {
  if (max == std::numeric_limits<std::int64_t>::max()) {
    return "must be at least " + std::to_string(min) + ", got " + std::to_string(got);
  }
  return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
         std::to_string(got);
}

}  // namespace

void Context::report(int line, std::string key, std::string message) {
  problems.push_back(Problem{Location{file, line, 0}, std::move(key), std::move(message)});
}

std::string joinKey(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) out += '.';
  if (isBareKey(key)) {
    out += key;
    return out;
  }
  out += '"';
  for (char c : key) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string closestKey(std::string_view unknown, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& candidate : known) {
    const std::size_t d = editDistance(unknown, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // Long keys tolerate a dropped unit suffix ("idle_timeout" for "idle_timeout_ms"); short ones only a
  // slip or two, and never so many edits that any key of that length would match.
  const std::size_t tolerance = std::max<std::size_t>(2, best.size() / 5);
  if (best.empty() || best_distance > tolerance || best_distance >= unknown.size()) return {};
  return best;
}

TableReader::TableReader(Context& ctx, const toml::table* table, std::string path, std::string pattern,
                         int line)
    : ctx_(ctx), table_(table), path_(std::move(path)), pattern_(std::move(pattern)), line_(line) {}

int TableReader::lineOf(const toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

std::string TableReader::expected(std::string_view what, const toml::node& got) {
  return "expected " + std::string(what) + ", got " + std::string(typeName(got.type()));
}

std::string TableReader::path(std::string_view key) const {
  return joinKey(path_, key);
}

int TableReader::line(std::string_view key) const {
  const toml::node* node = table_ != nullptr ? table_->get(key) : nullptr;
  return node != nullptr ? lineOf(*node) : line_;
}

const toml::node* TableReader::lookup(std::string_view key, bool declare) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
    known_.emplace_back(key);
    if (declare && ctx_.declared != nullptr) {
      std::string pattern = joinKey(pattern_, key);
      auto& declared = *ctx_.declared;
      if (std::find(declared.begin(), declared.end(), pattern) == declared.end()) {
        declared.push_back(std::move(pattern));
      }
    }
  }
  return table_ != nullptr ? table_->get(key) : nullptr;
}

bool TableReader::read(std::string_view key, std::string& out, Need need) {
  const toml::node* node = take(key);
  if (node == nullptr) {
    if (need == Need::required) ctx_.report(line_, path(key), "missing required key");
    return false;
  }
  const auto* value = node->as_string();
  if (value == nullptr) {
    ctx_.report(lineOf(*node), path(key), expected("a string", *node));
    return false;
  }
  out = value->get();
  return true;
}

bool TableReader::read(std::string_view key, bool& out, Need need) {
  const toml::node* node = take(key);
  if (node == nullptr) {
    if (need == Need::required) ctx_.report(line_, path(key), "missing required key");
    return false;
  }
  const auto* value = node->as_boolean();
  if (value == nullptr) {
    ctx_.report(lineOf(*node), path(key), expected("a boolean", *node));
    return false;
  }
  out = value->get();
  return true;
}

bool TableReader::read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max,
                       Need need) {
  const toml::node* node = take(key);
  if (node == nullptr) {
    if (need == Need::required) ctx_.report(line_, path(key), "missing required key");
    return false;
  }
  const auto* value = node->as_integer();
  if (value == nullptr) {
    ctx_.report(lineOf(*node), path(key), expected("an integer", *node));
    return false;
  }
  const std::int64_t v = value->get();
  if (v < min || v > max) {
    ctx_.report(lineOf(*node), path(key), rangeMessage(min, max, v));
    return false;
  }
  out = v;
  return true;
}

bool TableReader::read(std::string_view key, std::chrono::milliseconds& out, std::int64_t min_ms) {
  std::int64_t ms = 0;
  if (!read(key, ms, min_ms, std::numeric_limits<std::int64_t>::max())) return false;
  out = std::chrono::milliseconds(ms);
  return true;
}

bool TableReader::read(std::string_view key, std::vector<std::string>& out) {
  const toml::node* node = take(key);
  if (node == nullptr) return false;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    ctx_.report(lineOf(*node), path(key), expected("an array of strings", *node));
    return false;
  }
  std::vector<std::string> values;
  bool all_strings = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (const auto* s = element.as_string()) {
      values.push_back(s->get());
    } else {
      ctx_.report(lineOf(element), path(key) + "[" + std::to_string(i) + "]", expected("a string", element));
      all_strings = false;
    }
  }
  if (!all_strings) return false;
  out = std::move(values);
  return true;
}

TableReader TableReader::table(std::string_view key) {
  const toml::node* node = lookup(key, false);
  const toml::table* sub = nullptr;
  int sub_line = line_;
  if (node != nullptr) {
    sub = node->as_table();
    if (sub == nullptr) {
      ctx_.report(lineOf(*node), path(key), expected("a table", *node));
    } else {
      sub_line = lineOf(*node);
    }
  }
  return TableReader(ctx_, sub, path(key), joinKey(pattern_, key), sub_line);
}

const toml::array* TableReader::arrayOfTables(std::string_view key) {
  const toml::node* node = lookup(key, false);
  if (node == nullptr) return nullptr;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    ctx_.report(lineOf(*node), path(key), expected("an array of tables", *node));
    return nullptr;
  }
  return array->empty() ? nullptr : array;
}

std::string TableReader::elementPath(std::string_view key, std::size_t index) const {
  return path(key) + "[" + std::to_string(index) + "]";
}

TableReader TableReader::element(std::string_view key, const toml::table* table, std::size_t index) {
  const int element_line = table != nullptr ? lineOf(*table) : line_;
  return TableReader(ctx_, table, elementPath(key, index), joinKey(pattern_, key) + "[]", element_line);
}

void TableReader::finish() {
  if (table_ == nullptr) return;
  for (auto&& [key, node] : *table_) {
    const std::string_view name = key.str();
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
    const int key_line =
        key.source().begin.line != 0 ? static_cast<int>(key.source().begin.line) : lineOf(node);
    std::string message = "unknown key";
    if (std::string suggestion = closestKey(name, known_); !suggestion.empty()) {
      message += "; did you mean '" + suggestion + "'?";
    }
    ctx_.report(key_line, path(name), std::move(message));
  }
}

}  // namespace sportello::config::detail
