#include "mocks/pagopa/checkout_cart.hpp"

#include <openssl/rand.h>

#include <boost/json.hpp>

#include "core/http/client.hpp"
#include "core/pagopa/notice.hpp"

namespace sportello::checkout {

namespace json = boost::json;

std::string_view toString(CartState s) {
  switch (s) {
    case CartState::fresh:
      return "NEW";
    case CartState::activated:
      return "ACTIVATED";
    case CartState::paid:
      return "PAID";
    case CartState::failed:
      return "FAILED";
    case CartState::cancelled:
      return "CANCELLED";
  }
  return "?";
}

std::int64_t Cart::total() const {
  std::int64_t sum = 0;
  for (const auto& n : notices) sum += n.amount;
  return sum;
}

bool Cart::verified() const {
  for (const auto& n : notices) {
    if (!n.verified) return false;
  }
  return true;
}

std::vector<std::string> Cart::tokens() const {
  std::vector<std::string> out;
  for (const auto& n : notices) {
    if (!n.payment_token.empty()) out.push_back(n.payment_token);
  }
  return out;
}

// ---- The cart request ---------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxNotices = 5;
constexpr std::size_t kMaxText = 140;
constexpr std::int64_t kMaxAmount = 99'999'999'999;  // 999999999.99 euro, pagoPA's largest amount

bool digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

class Reader {
 public:
  std::vector<CartProblem> problems;

  void add(std::string field, std::string_view rule, std::string message) {
    problems.push_back({std::move(field), std::string(rule), std::move(message)});
  }

  // A required string member; nullopt (and a problem) when absent or not a string.
  std::optional<std::string> string(const json::object& o, std::string_view key, const std::string& path,
                                    std::string_view rule) {
    auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      add(path, rule, "required");
      return std::nullopt;
    }
    if (!v->is_string()) {
      add(path, rule, "must be a string");
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  std::string text(const json::object& o, std::string_view key, const std::string& path,
                   std::string_view rule) {
    auto s = string(o, key, path, rule);
    if (!s) return {};
    if (s->find_first_not_of(" \t\r\n") == std::string::npos) {
      add(path, rule, "must not be empty");
    } else if (s->size() > kMaxText) {
      add(path, rule, "at most 140 characters, got " + std::to_string(s->size()));
    }
    return *s;
  }

  CartNotice notice(const json::value& v, const std::string& path) {
    CartNotice n;
    const auto* o = v.if_object();
    if (o == nullptr) {
      add(path, "cart.notice", "must be an object");
      return n;
    }
    if (auto s = string(*o, "noticeNumber", path + ".noticeNumber", "cart.notice_number")) {
      n.notice_number = *s;
      if (!digits(*s, 18)) {
        add(path + ".noticeNumber", "cart.notice_number", "must be 18 digits, got \"" + *s + "\"");
      } else if (auto parsed = pagopa::parseNoticeNumber(*s); !parsed) {
        add(path + ".noticeNumber", "cart.notice_number",
            parsed.error().rule + ": " + parsed.error().message);
      }
    }
    if (auto s = string(*o, "fiscalCode", path + ".fiscalCode", "cart.fiscal_code")) {
      n.fiscal_code = *s;
      if (!digits(*s, 11))
        add(path + ".fiscalCode", "cart.fiscal_code", "must be 11 digits, got \"" + *s + "\"");
    }
    const std::string amountPath = path + ".amount";
    if (auto* a = o->if_contains("amount"); a == nullptr || a->is_null()) {
      add(amountPath, "cart.amount", "required");
    } else if (a->is_int64() || a->is_uint64()) {
      bool inRange = a->is_int64() ? a->get_int64() >= 1 && a->get_int64() <= kMaxAmount : false;
      if (!inRange) {
        add(amountPath, "cart.amount", "must be from 1 to 99999999999 euro cents");
      } else {
        n.amount = a->get_int64();
      }
    } else {
      add(amountPath, "cart.amount", "must be an integer number of euro cents");
    }
    n.company_name = text(*o, "companyName", path + ".companyName", "cart.company_name");
    n.description = text(*o, "description", path + ".description", "cart.description");
    return n;
  }

  std::string url(const json::object& o, std::string_view key, const std::string& path) {
    auto s = string(o, key, path, "cart.return_url");
    if (!s) return {};
    auto parsed = http::parseUrl(*s);
    if (!parsed) add(path, "cart.return_url", "must be an absolute http(s) URL, got \"" + *s + "\"");
    return *s;
  }
};

}  // namespace

Result<Cart, CartRefusal> readCartRequest(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec || !root.is_object()) {
    return fail(CartRefusal{400,
                            "cart.json",
                            ec ? "the body is not JSON: " + ec.message() : "the body is not a JSON object",
                            {}});
  }
  const auto& o = root.get_object();
  Reader r;
  Cart cart;

  if (auto* list = o.if_contains("paymentNotices"); list == nullptr || list->is_null()) {
    r.add("paymentNotices", "cart.notices", "required: 1 to 5 payment notices");
  } else if (!list->is_array()) {
    r.add("paymentNotices", "cart.notices", "must be an array of 1 to 5 payment notices");
  } else if (list->get_array().empty() || list->get_array().size() > kMaxNotices) {
    r.add("paymentNotices", "cart.notices",
          "must hold 1 to 5 payment notices, got " + std::to_string(list->get_array().size()));
  } else {
    const auto& a = list->get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string path = "paymentNotices[" + std::to_string(i) + "]";
      CartNotice n = r.notice(a[i], path);
      for (const auto& prior : cart.notices) {
        if (!n.notice_number.empty() && prior.notice_number == n.notice_number &&
            prior.fiscal_code == n.fiscal_code) {
          r.add(path + ".noticeNumber", "cart.duplicate_notice",
                "notice " + n.notice_number + " is already in the cart");
          break;
        }
      }
      cart.notices.push_back(std::move(n));
    }
  }

  if (auto* urls = o.if_contains("returnUrls"); urls == nullptr || urls->is_null()) {
    r.add("returnUrls", "cart.return_urls", "required: returnOkUrl, returnCancelUrl, returnErrorUrl");
  } else if (!urls->is_object()) {
    r.add("returnUrls", "cart.return_urls", "must be an object");
  } else {
    const auto& u = urls->get_object();
    cart.return_urls.ok = r.url(u, "returnOkUrl", "returnUrls.returnOkUrl");
    cart.return_urls.cancel = r.url(u, "returnCancelUrl", "returnUrls.returnCancelUrl");
    cart.return_urls.error = r.url(u, "returnErrorUrl", "returnUrls.returnErrorUrl");
  }

  if (auto* mail = o.if_contains("emailNotice"); mail != nullptr && !mail->is_null()) {
    if (!mail->is_string()) {
      r.add("emailNotice", "cart.email", "must be a string");
    } else if (!plausibleEmail(mail->get_string())) {
      r.add("emailNotice", "cart.email", "not an e-mail address");
    } else {
      cart.email = std::string(mail->get_string());
    }
  }

  if (!r.problems.empty()) {
    std::size_t n = r.problems.size();
    return fail(CartRefusal{422, "cart.validation",
                            std::to_string(n) + " problem" + (n == 1 ? "" : "s") + " in the cart",
                            std::move(r.problems)});
  }
  return cart;
}

bool plausibleEmail(std::string_view s) {
  auto at = s.find('@');
  if (s.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.substr(at + 1).find('.') == std::string_view::npos) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' || c == ';') return false;
  }
  return true;
}

// ---- Store ----------------------------------------------------------------------------------------------

std::optional<std::string> randomAlnum(std::size_t n) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    unsigned char buf[32];
    if (RAND_bytes(buf, sizeof buf) != 1) return std::nullopt;
    for (unsigned char b : buf) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
      if (b < 248 && out.size() < n) out += kAlphabet[b % 62];
    }
  }
  return out;
}

namespace {

std::optional<std::string> randomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

CartLease::CartLease(CartLease&& other) noexcept : store_(other.store_), cart_(std::move(other.cart_)) {
  other.store_ = nullptr;
}

CartLease::~CartLease() {
  if (store_ != nullptr) store_->release(cart_.id);
}

void CartLease::commit() {
  if (store_ != nullptr) store_->put(cart_);
}

CartStore::CartStore(std::shared_ptr<const Clock> clock, std::size_t capacity, Clock::duration validity)
    : clock_(std::move(clock)), capacity_(capacity), validity_(validity) {}

Result<std::string, std::string> CartStore::add(Cart cart) {
  auto id = randomHex(16);
  if (!id) return fail(std::string("no random bytes for a cart id"));
  const auto now = clock_->now();
  std::lock_guard lock(mu_);
  if (carts_.size() >= capacity_) {
    std::erase_if(carts_, [&](const auto& kv) { return !kv.second.busy && now >= kv.second.cart.expires; });
    if (carts_.size() >= capacity_) {
      return fail("the checkout holds " + std::to_string(carts_.size()) + " carts, its capacity");
    }
  }
  cart.id = *id;
  cart.created = now;
  cart.expires = now + validity_;
  carts_.emplace(*id, Entry{std::move(cart), false});
  return *id;
}

CartStore::Found CartStore::find(std::string_view id) const {
  const auto now = clock_->now();
  std::lock_guard lock(mu_);
  auto it = carts_.find(std::string(id));
  if (it == carts_.end()) return {CartLookup::unknown, {}};
  return {expired(it->second.cart, now) ? CartLookup::expired : CartLookup::found, it->second.cart};
}

Result<CartLease, CartStore::Found> CartStore::take(std::string_view id) {
  const auto now = clock_->now();
  std::lock_guard lock(mu_);
  auto it = carts_.find(std::string(id));
  if (it == carts_.end()) return fail(Found{CartLookup::unknown, {}});
  Entry& e = it->second;
  if (expired(e.cart, now)) return fail(Found{CartLookup::expired, e.cart});
  if (e.busy) return fail(Found{CartLookup::busy, e.cart});
  e.busy = true;
  return CartLease(this, e.cart);
}

std::size_t CartStore::size() const {
  std::lock_guard lock(mu_);
  return carts_.size();
}

void CartStore::put(const Cart& cart) {
  std::lock_guard lock(mu_);
  auto it = carts_.find(cart.id);
  if (it != carts_.end()) it->second.cart = cart;
}

void CartStore::release(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = carts_.find(id);
  if (it != carts_.end()) it->second.busy = false;
}

}  // namespace sportello::checkout
