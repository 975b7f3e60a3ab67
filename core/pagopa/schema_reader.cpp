#include "core/pagopa/schema_reader.hpp"

#include <algorithm>

#include "core/base/base64.hpp"
#include "core/pagopa/notice.hpp"

namespace sportello::pagopa::detail {

namespace {

const char* cstr(const xmlChar* s) {
  return reinterpret_cast<const char*>(s);
}

std::string localName(const xmlNode* n) {
  return n->name != nullptr ? cstr(n->name) : "";
}

std::string attributeName(const xmlNode* n) {
  return n->properties->name != nullptr ? cstr(n->properties->name) : "";
}

bool xmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), xmlSpace);
}

// The whiteSpace="collapse" facet of every non-string built-in type.
std::string collapse(std::string_view s) {
  std::string out;
  bool pendingSpace = false;
  for (char c : s) {
    if (xmlSpace(c)) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += c;
  }
  return out;
}

// XSD lengths count characters; the parser guarantees UTF-8.
std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

bool allOf(std::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}

}  // namespace

// ---- ReadContext ----

FaultBean ReadContext::make(std::string_view code, std::string_view path, std::string_view what) const {
  FaultBean f = makeFault(code, prefix_ == FaultPrefix::ppt ? std::string(fault::node_id) : std::string());
  f.description = std::string(path) + ": " + std::string(what);
  return f;
}

void ReadContext::syntax(std::string_view path, std::string_view what) {
  if (!syntax_) syntax_ = make(syntaxCode(prefix_), path, what);
}

void ReadContext::semantics(std::string_view path, std::string_view what) {
  if (!semantics_) semantics_ = make(semanticsCode(prefix_), path, what);
}

FaultBean ReadContext::take() {
  return syntax_ ? std::move(*syntax_) : std::move(semantics_).value_or(FaultBean{});
}

// ---- Patterns ----

bool isDigits11(std::string_view s) {
  return s.size() == 11 && allOf(s, digit);
}
bool isDigits18(std::string_view s) {
  return s.size() == 18 && allOf(s, digit);
}
bool isUpper2(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

bool isEmail(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  auto local = s.substr(0, at);
  if (!allOf(local, [](char c) { return alnum(c) || c == '_' || c == '.' || c == '+' || c == '-'; }))
    return false;
  // Domain: labels of [a-zA-Z0-9-], at least one, separated by single dots.
  auto domain = s.substr(at + 1);
  std::size_t label = 0;
  for (char c : domain) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (alnum(c) || c == '-') {
      ++label;
    } else {
      return false;
    }
  }
  return label > 0;
}

bool isPspIban(std::string_view s) {
  return s.size() >= 5 && s.size() <= 34 && alpha(s[0]) && alpha(s[1]) && digit(s[2]) && digit(s[3]) &&
         allOf(s.substr(4), alnum);
}

bool isIdempotencyKey(std::string_view s) {
  auto u = s.find('_');
  if (u == std::string_view::npos) return false;
  auto head = s.substr(0, u);
  auto tail = s.substr(u + 1);
  return head.size() >= 2 && head.size() <= 18 && allOf(head, alnum) && tail.size() == 10 &&
         allOf(tail, alnum);
}

bool isAnything4To72(std::string_view s) {
  // "." is any character but CR and LF; the value has been collapsed, so there are none.
  std::size_t n = characters(s);
  return n >= 4 && n <= 72;
}

std::string quoted(std::string_view value) {
  std::string out = "'";
  std::size_t shown = 0;
  for (char c : value) {
    if (shown++ == 60) {
      out += "...";
      break;
    }
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  }
  return out + "'";
}

// ---- Simple values ----

std::optional<std::string> readText(ReadContext& cx, const xmlNode* n, const std::string& path) {
  if (cx.failed()) return std::nullopt;
  if (n->properties != nullptr) {
    cx.syntax(path, "attribute " + quoted(attributeName(n)) + " is not allowed");
    return std::nullopt;
  }
  std::string out;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content != nullptr) out += cstr(c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      cx.syntax(path, "element <" + localName(c) + "> inside a simple value (text only)");
      return std::nullopt;
    } else {
      cx.syntax(path, "a comment inside a value is refused (text only)");
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string> readString(ReadContext& cx, const xmlNode* n, const std::string& path,
                                      const StringType& t) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  std::string value = t.base64 ? collapse(*text) : std::move(*text);
  if (t.base64 && !base64Decode(value)) {
    cx.syntax(path, quoted(value) + " is not base64 (xs:base64Binary)");
    return std::nullopt;
  }
  const std::size_t length = characters(value);
  if (length < t.min_length || length > t.max_length) {
    std::string facet = t.min_length == t.max_length ? "exactly " + std::to_string(t.min_length)
                        : t.max_length == kString.max_length
                            ? "at least " + std::to_string(t.min_length)
                            : std::to_string(t.min_length) + "-" + std::to_string(t.max_length);
    cx.syntax(path, quoted(value) + " has " + std::to_string(length) + " characters, " + facet + " allowed");
    return std::nullopt;
  }
  if (t.matches != nullptr && !t.matches(value)) {
    cx.syntax(path, quoted(value) + " does not match the pattern " + std::string(t.pattern));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> readAmount(ReadContext& cx, const xmlNode* n, const std::string& path,
                                       AmountType t) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  std::string value = collapse(*text);
  auto cents = parseAmount(value);
  if (!cents) {
    cx.syntax(path, cents.error().rule == "amount.range"
                        ? quoted(value) + " is above the maximum 999999999.99"
                        : quoted(value) + " is not an amount of the form \\d+\\.\\d{2} (two decimals)");
    return std::nullopt;
  }
  if (t == AmountType::not_zero && *cents == 0) {
    cx.syntax(path, quoted(value) + " is below the minimum 0.01");
    return std::nullopt;
  }
  return *cents;
}

std::optional<Date> readDate(ReadContext& cx, const xmlNode* n, const std::string& path) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  std::string value = collapse(*text);
  auto d = parseDate(value);
  if (!d) cx.syntax(path, quoted(value) + " is not a date (xs:date, YYYY-MM-DD)");
  return d;
}

std::optional<DateTime> readDateTime(ReadContext& cx, const xmlNode* n, const std::string& path) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  std::string value = collapse(*text);
  auto t = parseDateTime(value);
  if (!t) cx.syntax(path, quoted(value) + " is not a date and time (xs:dateTime, YYYY-MM-DDThh:mm:ss)");
  return t;
}

std::optional<bool> readBoolean(ReadContext& cx, const xmlNode* n, const std::string& path) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  std::string value = collapse(*text);
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  cx.syntax(path, quoted(value) + " is not a boolean (true, false, 1, 0)");
  return std::nullopt;
}

namespace {

// xs:integer lexical: optional sign, at least one digit. Returns the sign and the digits without
// leading zeros ("" for zero).
std::optional<std::pair<bool, std::string>> integerLexical(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || !allOf(s, digit)) return std::nullopt;
  while (!s.empty() && s[0] == '0') s.remove_prefix(1);
  return std::make_pair(negative && !s.empty(), std::string(s));
}

// |value| as int64 when it has at most 18 digits, else nullopt.
std::optional<std::int64_t> magnitude(const std::string& digits) {
  if (digits.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<std::int32_t> readInt(ReadContext& cx, const xmlNode* n, const std::string& path) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  std::string value = collapse(*text);
  auto lex = integerLexical(value);
  if (!lex) {
    cx.syntax(path, quoted(value) + " is not an integer (xs:int)");
    return std::nullopt;
  }
  auto m = magnitude(lex->second);
  const std::int64_t v = m ? (lex->first ? -*m : *m) : 0;
  if (!m || v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max()) {
    cx.syntax(path, quoted(value) + " is outside the range of xs:int");
    return std::nullopt;
  }
  return static_cast<std::int32_t>(v);
}

std::optional<std::int64_t> readInteger(ReadContext& cx, const xmlNode* n, const std::string& path,
                                        std::int64_t max) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  std::string value = collapse(*text);
  auto lex = integerLexical(value);
  if (!lex) {
    cx.syntax(path, quoted(value) + " is not an integer (xs:integer)");
    return std::nullopt;
  }
  auto m = magnitude(lex->second);
  if (lex->first) return m ? -*m : std::numeric_limits<std::int64_t>::min();
  if (!m || *m > max) {
    cx.syntax(path, quoted(value) + " is above the maximum " + std::to_string(max));
    return std::nullopt;
  }
  return *m;
}

std::optional<std::size_t> readEnumeration(ReadContext& cx, const xmlNode* n, const std::string& path,
                                           const std::string_view* names, std::size_t count) {
  auto text = readText(cx, n, path);
  if (!text) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    if (*text == names[i]) return i;
  }
  std::string allowed;
  for (std::size_t i = 0; i < count; ++i) allowed += (i > 0 ? ", " : "") + std::string(names[i]);
  cx.syntax(path, quoted(*text) + " is not one of the allowed values (" + allowed + ")");
  return std::nullopt;
}

// ---- Sequence ----

Sequence::Sequence(ReadContext& cx, const xmlNode* element, std::string elementPath,
                   std::initializer_list<std::string_view> order)
    : cx_(cx), path_(std::move(elementPath)) {
  if (dead() || element == nullptr) return;
  if (element->properties != nullptr) {
    cx_.syntax(path_, "attribute " + quoted(attributeName(element)) + " is not allowed");
    return;
  }
  std::size_t highest = 0;
  std::vector<bool> seen(order.size(), false);
  for (const xmlNode* c = element->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content != nullptr && !blank(cstr(c->content))) {
        cx_.syntax(path_, "text " + quoted(collapse(cstr(c->content))) + " where only elements are allowed");
        return;
      }
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;  // comments
    const std::string name = localName(c);
    if (c->ns != nullptr) {
      cx_.syntax(path(name), "element <" + name +
                                 "> must be unqualified (no namespace), found in namespace " +
                                 quoted(c->ns->href != nullptr ? cstr(c->ns->href) : ""));
      return;
    }
    auto it = std::find(order.begin(), order.end(), name);
    if (it == order.end()) {
      cx_.syntax(path(name), "unknown element <" + name + ">");
      return;
    }
    const auto idx = static_cast<std::size_t>(it - order.begin());
    if (idx < highest) {
      cx_.syntax(path(name), seen[idx] ? "element <" + name + "> appears more than once"
                                       : "element <" + name + "> is out of order: it must come before <" +
                                             std::string(order.begin()[highest]) + ">");
      return;
    }
    highest = idx;
    seen[idx] = true;
    children_.push_back(c);
  }
}

bool Sequence::present(std::string_view name) const {
  return !dead() && pos_ < children_.size() && localName(children_[pos_]) == name;
}

const xmlNode* Sequence::optional(std::string_view name) {
  if (!present(name)) return nullptr;
  const xmlNode* n = children_[pos_++];
  if (present(name)) {
    cx_.syntax(path(name), "element <" + std::string(name) + "> appears more than once");
    return nullptr;
  }
  return n;
}

const xmlNode* Sequence::required(std::string_view name) {
  if (dead()) return nullptr;
  const xmlNode* n = optional(name);
  if (n == nullptr && !dead()) {
    cx_.syntax(
        path(name),
        "required element <" + std::string(name) + "> is missing" +
            (pos_ < children_.size() ? " (found <" + localName(children_[pos_]) + "> in its place)" : ""));
  }
  return n;
}

std::vector<const xmlNode*> Sequence::repeated(std::string_view name, std::size_t min, std::size_t max) {
  std::vector<const xmlNode*> out;
  while (present(name)) out.push_back(children_[pos_++]);
  if (dead()) return {};
  if (out.size() < min) {
    cx_.syntax(path(name), out.empty() ? "required element <" + std::string(name) + "> is missing"
                                       : "at least " + std::to_string(min) + " <" + std::string(name) +
                                             "> required, found " + std::to_string(out.size()));
    return {};
  }
  if (out.size() > max) {
    cx_.syntax(path(name) + "[" + std::to_string(max + 1) + "]", "at most " + std::to_string(max) + " <" +
                                                                     std::string(name) + "> allowed, found " +
                                                                     std::to_string(out.size()));
    return {};
  }
  return out;
}

void Sequence::finish() {
  if (dead() || pos_ >= children_.size()) return;
  const std::string name = localName(children_[pos_]);
  cx_.syntax(path(name), "unexpected element <" + name + "> here");
}

std::string Sequence::string(std::string_view name, const StringType& t) {
  const xmlNode* n = required(name);
  if (n == nullptr) return {};
  return readString(cx_, n, path(name), t).value_or("");
}

std::optional<std::string> Sequence::optString(std::string_view name, const StringType& t) {
  const xmlNode* n = optional(name);
  if (n == nullptr) return std::nullopt;
  return readString(cx_, n, path(name), t);
}

std::int64_t Sequence::amount(std::string_view name, AmountType t) {
  const xmlNode* n = required(name);
  if (n == nullptr) return 0;
  return readAmount(cx_, n, path(name), t).value_or(0);
}

std::optional<std::int64_t> Sequence::optAmount(std::string_view name, AmountType t) {
  const xmlNode* n = optional(name);
  if (n == nullptr) return std::nullopt;
  return readAmount(cx_, n, path(name), t);
}

Date Sequence::date(std::string_view name) {
  const xmlNode* n = required(name);
  if (n == nullptr) return Date{};
  return readDate(cx_, n, path(name)).value_or(Date{});
}

std::optional<Date> Sequence::optDate(std::string_view name) {
  const xmlNode* n = optional(name);
  if (n == nullptr) return std::nullopt;
  return readDate(cx_, n, path(name));
}

std::optional<DateTime> Sequence::optDateTime(std::string_view name) {
  const xmlNode* n = optional(name);
  if (n == nullptr) return std::nullopt;
  return readDateTime(cx_, n, path(name));
}

bool Sequence::boolean(std::string_view name) {
  const xmlNode* n = required(name);
  if (n == nullptr) return false;
  return readBoolean(cx_, n, path(name)).value_or(false);
}

std::optional<bool> Sequence::optBoolean(std::string_view name) {
  const xmlNode* n = optional(name);
  if (n == nullptr) return std::nullopt;
  return readBoolean(cx_, n, path(name));
}

int Sequence::idTransfer(std::string_view name) {
  const xmlNode* n = required(name);
  if (n == nullptr) return 0;
  auto v = readInt(cx_, n, path(name));
  if (!v) return 0;
  if (*v < 1 || *v > 5) {
    cx_.syntax(path(name), std::to_string(*v) + " is not one of the allowed values (1, 2, 3, 4, 5)");
    return 0;
  }
  return *v;
}

}  // namespace sportello::pagopa::detail
