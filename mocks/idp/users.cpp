#include "mocks/idp/users.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "core/identity/codice_fiscale.hpp"

namespace sportello::idp {

namespace json = boost::json;

namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

std::size_t attributeRank(std::string_view name) {
  return static_cast<std::size_t>(
      std::find(saml::kSpidAttributes.begin(), saml::kSpidAttributes.end(), name) -
      saml::kSpidAttributes.begin());
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// A JSON value as it appears in the file, for messages.
std::string shown(const json::value& v) {
  std::string s = json::serialize(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

bool validDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!isDigit(s[i])) return false;
  }
  auto number = [&](std::size_t at, std::size_t len) {
    int n = 0;
    for (std::size_t i = at; i < at + len; ++i) n = n * 10 + (s[i] - '0');
    return n;
  };
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int last = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= last;
}

bool validMailbox(std::string_view s) {
  auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos;
}

std::optional<std::string> checkCodiceFiscale(std::string_view name, std::string_view value) {
  constexpr std::string_view prefix = "TINIT-";
  if (value.substr(0, prefix.size()) != prefix) {
    return std::string(name) + " should be 'TINIT-' followed by a codice fiscale, got '" +
           std::string(value) + "'";
  }
  auto cf = identity::validateCodiceFiscale(value.substr(prefix.size()));
  if (!cf) {
    return std::string(name) + " '" + std::string(value) + "': " + cf.error().rule + ": " +
           cf.error().message;
  }
  return std::nullopt;
}

std::optional<std::string> checkPartitaIva(std::string_view name, std::string_view value,
                                           std::string_view prefix) {
  auto piva = identity::validatePartitaIva(value.substr(std::min(prefix.size(), value.size())));
  if (!piva) {
    return std::string(name) + " '" + std::string(value) + "': " + piva.error().rule + ": " +
           piva.error().message;
  }
  return std::nullopt;
}

// The value checks the SPID attribute table implies; nullopt when the value is acceptable.
std::optional<std::string> checkAttribute(std::string_view name, std::string_view value) {
  std::string quoted = "'" + std::string(value) + "'";
  if (name == "fiscalNumber") return checkCodiceFiscale(name, value);
  if (name == "ivaCode") {
    if (value.substr(0, 6) != "VATIT-") {
      return "ivaCode should be 'VATIT-' followed by a partita IVA, got " + quoted;
    }
    return checkPartitaIva(name, value, "VATIT-");
  }
  if (name == "companyFiscalNumber") {
    // An organisation's codice fiscale is numeric (11 digits); a sole trader's is the owner's personal one.
    if (value.substr(0, 6) != "TINIT-") {
      return "companyFiscalNumber should be 'TINIT-' followed by a codice fiscale, got " + quoted;
    }
    if (value.size() == 6 + 11 && allDigits(value.substr(6))) return checkPartitaIva(name, value, "TINIT-");
    return checkCodiceFiscale(name, value);
  }
  if (name == "dateOfBirth" || name == "expirationDate") {
    if (!validDate(value)) return std::string(name) + " should be a date YYYY-MM-DD, got " + quoted;
  }
  if (name == "gender" && value != "M" && value != "F") return "gender should be 'M' or 'F', got " + quoted;
  if ((name == "email" || name == "digitalAddress") && !validMailbox(value)) {
    return std::string(name) + " should be an address like name@example.com, got " + quoted;
  }
  if (name == "mobilePhone") {
    std::string_view digits = value.substr(!value.empty() && value[0] == '+' ? 1 : 0);
    if (!allDigits(digits)) return "mobilePhone should be digits with an optional leading '+', got " + quoted;
  }
  if (name == "spidCode" && value.empty()) {
    return std::string("spidCode is empty (leave it out to have one generated)");
  }
  return std::nullopt;
}

std::optional<saml::Level> levelOf(const json::value& v) {
  std::optional<std::int64_t> n;
  if (v.is_int64()) n = v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= 3) n = static_cast<std::int64_t>(v.get_uint64());
  if (const json::string* s = v.if_string()) {
    std::string_view text(s->data(), s->size());
    if (auto l = saml::levelFromUri(text)) return l;
    if (text.size() == 1 && isDigit(text[0])) n = text[0] - '0';
  }
  if (n && *n >= 1 && *n <= 3) return static_cast<saml::Level>(*n);
  return std::nullopt;
}

// One user entry as read, before the checks that need all of it.
struct Draft {
  TestUser user;
  // The key is there; a value of the wrong type is reported as such, not again as missing or empty.
  bool has_username = false, has_password = false;
  bool username_wrong_type = false, password_wrong_type = false;
  std::vector<std::string> problems;  // without the "source: user N (name): " prefix
};

// An optional name: a non-empty string, or null.
void readOptionalName(Draft& d, std::string_view key, const json::value& v, std::optional<std::string>& out) {
  if (v.is_null()) return;
  const json::string* s = v.if_string();
  if (s == nullptr || s->empty()) {
    d.problems.push_back(std::string(key) + " should be a non-empty string or null, got " + shown(v));
    return;
  }
  out = std::string(s->data(), s->size());
}

void readAttribute(Draft& d, std::string_view name, const json::value& v) {
  const json::string* s = v.if_string();
  if (s == nullptr) {
    d.problems.push_back("attribute '" + std::string(name) + "' should be a string, got " + shown(v));
    return;
  }
  auto& attrs = d.user.attributes;
  if (std::any_of(attrs.begin(), attrs.end(), [&](const auto& a) { return a.first == name; })) {
    d.problems.push_back("attribute '" + std::string(name) + "' is given twice");
    return;
  }
  attrs.emplace_back(std::string(name), std::string(s->data(), s->size()));
}

std::string unknownKey(std::string_view key, std::string_view what) {
  std::string message = "unknown " + std::string(what) + " '" + std::string(key) + "'";
  for (std::string_view attr : saml::kSpidAttributes) {
    if (equalsIgnoringCase(attr, key)) return message + " (did you mean '" + std::string(attr) + "'?)";
  }
  return message;
}

void readKey(Draft& d, std::string_view key, const json::value& v) {
  TestUser& u = d.user;
  if (key == "username") {
    const json::string* s = v.if_string();
    if (s == nullptr) {
      d.problems.push_back("username should be a string, got " + shown(v));
      d.has_username = d.username_wrong_type = true;
    } else if (d.has_username && u.username != std::string_view(s->data(), s->size())) {
      d.problems.push_back("username '" + std::string(s->data(), s->size()) + "' differs from its key '" +
                           u.username + "'");
    } else {
      u.username.assign(s->data(), s->size());
      d.has_username = true;
    }
  } else if (key == "password" || key == "pwd") {
    const json::string* s = v.if_string();
    if (d.has_password) {
      d.problems.push_back("the password is given twice (as 'password' and 'pwd')");
    } else if (s == nullptr) {
      d.problems.push_back(std::string(key) + " should be a string, got " + shown(v));
      d.has_password = d.password_wrong_type = true;
    } else {
      u.password.assign(s->data(), s->size());
      d.has_password = true;
    }
  } else if (key == "spidLevel") {
    if (auto level = levelOf(v)) {
      u.level = *level;
    } else {
      d.problems.push_back("spidLevel should be 1, 2 or 3 (or https://www.spid.gov.it/SpidL1..3), got " +
                           shown(v));
    }
  } else if (key == "idp") {
    readOptionalName(d, key, v, u.idp);
  } else if (key == "sp") {
    readOptionalName(d, key, v, u.sp);
  } else if (key == "status") {
    const json::string* s = v.if_string();
    std::string_view text = s != nullptr ? std::string_view(s->data(), s->size()) : std::string_view();
    if (text == "active") {
      u.status = TestUser::Status::active;
    } else if (text == "suspended") {
      u.status = TestUser::Status::suspended;
    } else if (text == "revoked") {
      u.status = TestUser::Status::revoked;
    } else {
      d.problems.push_back("status should be \"active\", \"suspended\" or \"revoked\", got " + shown(v));
    }
  } else if (key == "kind") {
    const json::string* s = v.if_string();
    std::string_view text = s != nullptr ? std::string_view(s->data(), s->size()) : std::string_view();
    if (text == "person") {
      u.kind = TestUser::Kind::person;
    } else if (text == "professional") {
      u.kind = TestUser::Kind::professional;
    } else if (text == "legal") {
      u.kind = TestUser::Kind::legal;
    } else {
      d.problems.push_back("kind should be \"person\", \"professional\" or \"legal\", got " + shown(v));
    }
  } else if (key == "attrs") {  // spid-testenv2 keeps the attributes in an object of their own
    const json::object* attrs = v.if_object();
    if (attrs == nullptr) {
      d.problems.push_back("attrs should be an object of SPID attributes, got " + shown(v));
      return;
    }
    for (const auto& [name, value] : *attrs) {
      if (saml::isSpidAttribute(name)) {
        readAttribute(d, name, value);
      } else {
        d.problems.push_back(unknownKey(name, "attribute") + " in attrs");
      }
    }
  } else if (saml::isSpidAttribute(key)) {
    readAttribute(d, key, v);
  } else {
    d.problems.push_back(unknownKey(key, "key"));
  }
}

Draft readUser(const json::value& entry, const std::optional<std::string>& map_key) {
  Draft d;
  if (map_key) {
    d.user.username = *map_key;
    d.has_username = true;
  }
  const json::object* o = entry.if_object();
  if (o == nullptr) {
    d.problems.push_back("should be a JSON object, got " + shown(entry));
    return d;
  }
  for (const auto& [key, value] : *o) readKey(d, key, value);

  TestUser& u = d.user;
  if (!d.has_username) {
    d.problems.push_back("username is missing");
  } else if (u.username.empty() && !d.username_wrong_type) {
    d.problems.push_back("username is empty");
  }
  if (!d.has_password) {
    d.problems.push_back("password is missing");
  } else if (u.password.empty() && !d.password_wrong_type) {
    d.problems.push_back("password is empty");
  }
  if (!u.attribute("fiscalNumber")) {
    d.problems.push_back(
        "fiscalNumber is missing (every SPID and CIE identity has one: \"TINIT-<codice fiscale>\")");
  }
  for (const auto& [name, value] : u.attributes) {
    if (auto problem = checkAttribute(name, value)) d.problems.push_back(std::move(*problem));
  }
  if (!u.attribute("spidCode") && !u.username.empty()) {
    u.attributes.emplace_back("spidCode", generatedSpidCode(u.username));
  }
  std::stable_sort(u.attributes.begin(), u.attributes.end(), [](const auto& a, const auto& b) {
    return attributeRank(a.first) < attributeRank(b.first);
  });
  return d;
}

// "line 3, column 7" for the character at `offset` (counted in bytes).
std::string parseErrorLocation(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  std::size_t line_start = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  std::size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::optional<std::string> TestUser::attribute(std::string_view name) const {
  for (const auto& [n, v] : attributes) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::string TestUser::displayName() const {
  auto given = attribute("name");
  auto family = attribute("familyName");
  if (given && !given->empty() && family && !family->empty()) return *given + " " + *family;
  if (given && !given->empty()) return *given;
  if (family && !family->empty()) return *family;
  if (auto company = attribute("companyName"); company && !company->empty()) return *company;
  return username;
}

std::string_view toString(TestUser::Status s) {
  switch (s) {
    case TestUser::Status::active:
      return "active";
    case TestUser::Status::suspended:
      return "suspended";
    case TestUser::Status::revoked:
      return "revoked";
  }
  return "active";
}

std::string_view toString(TestUser::Kind k) {
  switch (k) {
    case TestUser::Kind::person:
      return "person";
    case TestUser::Kind::professional:
      return "professional";
    case TestUser::Kind::legal:
      return "legal";
  }
  return "person";
}

const TestUser* UserDirectory::find(std::string_view username) const {
  for (const TestUser& u : users) {
    if (u.username == username) return &u;
  }
  return nullptr;
}

std::vector<const TestUser*> UserDirectory::forIdp(std::string_view idp_name) const {
  std::vector<const TestUser*> out;
  for (const TestUser& u : users) {
    if (!u.idp || *u.idp == idp_name) out.push_back(&u);
  }
  return out;
}

std::string generatedSpidCode(std::string_view username) {
  // FNV-1a: fixed by its definition, unlike std::hash, so the code survives compilers and restarts.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : username) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string code = "SPTL";
  for (int i = 0; i < 10; ++i) {
    code += kAlphabet[h % kAlphabet.size()];
    h /= kAlphabet.size();
  }
  return code;
}

std::vector<std::pair<std::string, std::string>> releasedAttributes(
    const TestUser& user, const std::vector<std::string>& requested) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const std::string& name = requested[i];
    if (std::find(requested.begin(), requested.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        requested.begin() + static_cast<std::ptrdiff_t>(i)) {
      continue;
    }
    if (auto value = user.attribute(name)) out.emplace_back(name, std::move(*value));
  }
  return out;
}

std::vector<std::string> missingAttributes(const TestUser& user, const std::vector<std::string>& requested) {
  std::vector<std::string> out;
  for (const std::string& name : requested) {
    if (!user.attribute(name) && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

Result<UserDirectory, std::vector<std::string>> loadUsers(std::string_view text,
                                                          const std::string& source_name) {
  std::vector<std::string> problems;
  json::parser parser;
  boost::system::error_code ec;
  std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (ec) {
    problems.push_back(source_name + ": not valid JSON at " + parseErrorLocation(text, consumed) + ": " +
                       ec.message());
    return fail(std::move(problems));
  }
  json::value root = parser.release();

  std::vector<Draft> drafts;
  if (const json::array* list = root.if_array()) {
    for (const json::value& entry : *list) drafts.push_back(readUser(entry, std::nullopt));
  } else if (const json::object* map = root.if_object()) {
    for (const auto& [key, entry] : *map) drafts.push_back(readUser(entry, std::string(key)));
  } else {
    problems.push_back(source_name +
                       ": should be an array of users or an object mapping username -> user, got " +
                       shown(root));
    return fail(std::move(problems));
  }
  if (drafts.empty()) {
    problems.push_back(source_name + ": no users");
    return fail(std::move(problems));
  }

  std::map<std::string, std::size_t, std::less<>> first_use;  // username -> 1-based position
  UserDirectory directory;
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    Draft& d = drafts[i];
    std::size_t position = i + 1;
    if (!d.user.username.empty()) {
      auto [it, inserted] = first_use.emplace(d.user.username, position);
      if (!inserted) d.problems.push_back("username is already used by user " + std::to_string(it->second));
    }
    std::string label = source_name + ": user " + std::to_string(position);
    if (!d.user.username.empty()) label += " (" + d.user.username + ")";
    for (std::string& p : d.problems) problems.push_back(label + ": " + p);
    directory.users.push_back(std::move(d.user));
  }
  if (!problems.empty()) return fail(std::move(problems));
  return directory;
}

Result<UserDirectory, std::vector<std::string>> loadUsersFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::vector<std::string>{path + ": cannot be opened"});
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return fail(std::vector<std::string>{path + ": cannot be read"});
  return loadUsers(content.str(), path);
}

}  // namespace sportello::idp
