// Internal to core/pagopa: the strict, XSD-shaped reader behind read<T>() (messages.hpp). Not part of the
// component's contract.
//
// A Sequence is one complex-typed element read against its xsd:sequence: the constructor refuses
// attributes, text, qualified and unknown children and children out of order; the caller then takes the
// children in schema order (required/optional/repeated, or a typed value), and finish() refuses what is
// left. The first syntax problem wins and stops the read (every later call is a no-op returning a
// default); semantic problems are recorded separately and reported only when the syntax is clean.
#pragma once

#include <libxml/tree.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/pagopa/dates.hpp"
#include "core/pagopa/faults.hpp"

namespace sportello::pagopa::detail {

class ReadContext {
 public:
  explicit ReadContext(FaultPrefix prefix) : prefix_(prefix) {}

  // The first of each kind is kept. `path` names the element ("paGetPaymentReq/qrCode/noticeNumber").
  void syntax(std::string_view path, std::string_view what);
  void semantics(std::string_view path, std::string_view what);
  bool failed() const { return syntax_.has_value(); }
  bool anyFault() const { return syntax_.has_value() || semantics_.has_value(); }
  // The syntax fault when there is one, else the semantic one. Only when anyFault().
  FaultBean take();

 private:
  FaultBean make(std::string_view code, std::string_view path, std::string_view what) const;
  FaultPrefix prefix_;
  std::optional<FaultBean> syntax_;
  std::optional<FaultBean> semantics_;
};

// An xs:string-based simple type, by its facets. Lengths count characters (code points), not bytes.
struct StringType {
  std::size_t min_length = 0;
  std::size_t max_length = std::numeric_limits<std::size_t>::max();
  bool (*matches)(std::string_view) = nullptr;  // the pattern facet, when there is one
  std::string_view pattern;                     // as the XSD writes it, for messages
  bool base64 = false;                          // xs:base64Binary: whitespace collapsed, then decoded
};

constexpr StringType textType(std::size_t min, std::size_t max) {
  return StringType{min, max, nullptr, {}, false};
}

bool isDigits11(std::string_view s);
bool isDigits18(std::string_view s);
bool isUpper2(std::string_view s);
bool isEmail(std::string_view s);
bool isPspIban(std::string_view s);
bool isIdempotencyKey(std::string_view s);
bool isAnything4To72(std::string_view s);

inline constexpr StringType kString{};  // xs:string
inline constexpr StringType kText16 = textType(1, 16);
inline constexpr StringType kText20 = textType(1, 20);
inline constexpr StringType kText35 = textType(1, 35);
inline constexpr StringType kText70 = textType(1, 70);
inline constexpr StringType kText140 = textType(1, 140);
inline constexpr StringType kText210 = textType(1, 210);
inline constexpr StringType kPassword = textType(8, 15);
inline constexpr StringType kEntityIdValue = textType(2, 16);
inline constexpr StringType kFiscalCodePa{11, 11, isDigits11, "[0-9]{11}"};
inline constexpr StringType kNoticeNumber{0, kString.max_length, isDigits18, "[0-9]{18}"};
inline constexpr StringType kNazioneProvincia{0, kString.max_length, isUpper2, "[A-Z]{2,2}"};
inline constexpr StringType kEmail{0, 256, isEmail,
                                   "[a-zA-Z0-9_\\.\\+\\-]+@[a-zA-Z0-9\\-]+(\\.[a-zA-Z0-9\\-]+)*"};
inline constexpr StringType kPspIban{0, kString.max_length, isPspIban,
                                     "[a-zA-Z]{2,2}[0-9]{2,2}[a-zA-Z0-9]{1,30}"};
inline constexpr StringType kIdempotencyKey{0, kString.max_length, isIdempotencyKey,
                                            "[a-zA-Z0-9]{2,18}_[a-zA-Z0-9]{10}"};
inline constexpr StringType kBase64Binary{0, kString.max_length, nullptr, {}, true};
inline constexpr StringType kBase64Binary72{0, kString.max_length, isAnything4To72, ".{4,72}", true};

enum class AmountType {
  amount,
  not_zero
};  // common:stAmount (0.00-999999999.99), stAmountNotZero (from 0.01)

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E, std::size_t N>
std::string_view nameOf(const std::array<EnumName<E>, N>& names, E value) {
  for (const auto& n : names) {
    if (n.value == value) return n.name;
  }
  return "?";
}

// ---- Simple values of one element (text only, no attributes), at `path` ----

std::optional<std::string> readText(ReadContext& cx, const xmlNode* n, const std::string& path);
std::optional<std::string> readString(ReadContext& cx, const xmlNode* n, const std::string& path,
                                      const StringType& t);
std::optional<std::int64_t> readAmount(ReadContext& cx, const xmlNode* n, const std::string& path,
                                       AmountType t);
std::optional<Date> readDate(ReadContext& cx, const xmlNode* n, const std::string& path);
std::optional<DateTime> readDateTime(ReadContext& cx, const xmlNode* n, const std::string& path);
std::optional<bool> readBoolean(ReadContext& cx, const xmlNode* n, const std::string& path);
std::optional<std::int32_t> readInt(ReadContext& cx, const xmlNode* n, const std::string& path);  // xs:int
// xs:integer with maxInclusive `max` (no lower bound: below the int64 range reads as its minimum).
std::optional<std::int64_t> readInteger(ReadContext& cx, const xmlNode* n, const std::string& path,
                                        std::int64_t max);
std::optional<std::size_t> readEnumeration(ReadContext& cx, const xmlNode* n, const std::string& path,
                                           const std::string_view* names, std::size_t count);

// A value for messages: quoted, control characters replaced, long values cut.
std::string quoted(std::string_view value);

class Sequence {
 public:
  Sequence(ReadContext& cx, const xmlNode* element, std::string elementPath,
           std::initializer_list<std::string_view> order);
  Sequence(const Sequence&) = delete;
  Sequence& operator=(const Sequence&) = delete;

  ReadContext& context() const { return cx_; }
  std::string path(std::string_view child) const { return path_ + "/" + std::string(child); }

  // The next child when it is `name`, else nullptr (an error too for required()).
  const xmlNode* optional(std::string_view name);
  const xmlNode* required(std::string_view name);
  // All consecutive `name` children; fewer than min or more than max is an error.
  std::vector<const xmlNode*> repeated(std::string_view name, std::size_t min, std::size_t max);
  // Anything not taken is an error.
  void finish();

  std::string string(std::string_view name, const StringType& t);
  std::optional<std::string> optString(std::string_view name, const StringType& t);
  std::int64_t amount(std::string_view name, AmountType t);
  std::optional<std::int64_t> optAmount(std::string_view name, AmountType t);
  Date date(std::string_view name);
  std::optional<Date> optDate(std::string_view name);
  std::optional<DateTime> optDateTime(std::string_view name);
  bool boolean(std::string_view name);
  std::optional<bool> optBoolean(std::string_view name);
  // stIdTransfer: xs:int enumerated 1..5.
  int idTransfer(std::string_view name);

  template <class E, std::size_t N>
  std::optional<E> optEnumeration(std::string_view name, const std::array<EnumName<E>, N>& names) {
    const xmlNode* n = optional(name);
    if (n == nullptr) return std::nullopt;
    std::array<std::string_view, N> lexical;
    for (std::size_t i = 0; i < N; ++i) lexical[i] = names[i].name;
    auto i = readEnumeration(cx_, n, path(name), lexical.data(), N);
    if (!i) return std::nullopt;
    return names[*i].value;
  }
  template <class E, std::size_t N>
  E enumeration(std::string_view name, const std::array<EnumName<E>, N>& names) {
    if (!present(name)) {
      required(name);
      return names[0].value;
    }
    return optEnumeration(name, names).value_or(names[0].value);
  }

  // Complex children: read(ReadContext&, const xmlNode*, const std::string& path) -> T.
  template <class F>
  auto optComplex(std::string_view name, F&& read)
      -> std::optional<std::invoke_result_t<F, ReadContext&, const xmlNode*, const std::string&>> {
    const xmlNode* n = optional(name);
    if (n == nullptr) return std::nullopt;
    return read(cx_, n, path(name));
  }
  template <class F>
  auto complex(std::string_view name, F&& read)
      -> std::invoke_result_t<F, ReadContext&, const xmlNode*, const std::string&> {
    using T = std::invoke_result_t<F, ReadContext&, const xmlNode*, const std::string&>;
    const xmlNode* n = required(name);
    if (n == nullptr) return T{};
    return read(cx_, n, path(name));
  }
  // Repeated children, each read with `read`; paths carry a 1-based index ("transfer[2]").
  template <class F>
  auto list(std::string_view name, std::size_t min, std::size_t max, F&& read)
      -> std::vector<std::invoke_result_t<F, ReadContext&, const xmlNode*, const std::string&>> {
    std::vector<std::invoke_result_t<F, ReadContext&, const xmlNode*, const std::string&>> out;
    auto nodes = repeated(name, min, max);
    for (std::size_t i = 0; i < nodes.size() && !cx_.failed(); ++i) {
      out.push_back(read(cx_, nodes[i], path(name) + "[" + std::to_string(i + 1) + "]"));
    }
    return out;
  }

 private:
  bool dead() const { return cx_.failed(); }
  bool present(std::string_view name) const;

  ReadContext& cx_;
  std::string path_;
  std::vector<const xmlNode*> children_;
  std::size_t pos_ = 0;
};

}  // namespace sportello::pagopa::detail
