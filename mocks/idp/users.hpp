// The test users of the mock SPID/CIE identity providers.
//
// THESE ARE TEST CREDENTIALS. Every user, password and codice fiscale here is fictional and published in
// the repository (config/idp-users.json): the mock IdPs exist to exercise service providers in
// development and CI, never to authenticate a real person.
//
// The users file is JSON, in the shape the existing SPID test tools use, so their files load as they are:
//   - an array of flat objects: {"username": "mario.rossi", "password": "...", "spidLevel": 2,
//     "name": "Mario", "fiscalNumber": "TINIT-...", ...};
//   - or an object mapping username -> such an object (then "username" may be left out), which is also
//     how spid-testenv2 stores its users: {"mario.rossi": {"pwd": "...", "sp": null, "attrs": {...}}}.
// Keys: "username", "password" (or "pwd"), "spidLevel" (1..3 as a number or string, or the level URI;
// absent = 3, since spid-testenv2 users may authenticate at any level), SPID attributes (flat, or inside
// "attrs"), and Sportello's extras "idp", "sp", "status", "kind". Values of attributes are written as
// SPID sends them (fiscalNumber "TINIT-<CF>", ivaCode "VATIT-<partita IVA>", dates "YYYY-MM-DD").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/names.hpp"

namespace sportello::idp {

struct TestUser {
  enum class Status { active, suspended, revoked };  // suspended or revoked: the IdP answers nr23
  enum class Kind { person, professional, legal };   // the SP asked for another kind: nr30

  std::string username;
  std::string password;
  saml::Level level = saml::Level::L3;  // the highest level the user can authenticate at
  std::optional<std::string> idp;       // the one mock IdP (by name) that knows the user; nullopt = all
  std::optional<std::string> sp;        // spid-testenv2's "sp": the one SP entityID the user may log in to
  Status status = Status::active;
  Kind kind = Kind::person;
  // SPID attribute name -> value, in the order of saml::kSpidAttributes, at most one of each. Always
  // holds fiscalNumber and spidCode (generated when the file has none, see generatedSpidCode).
  std::vector<std::pair<std::string, std::string>> attributes;

  std::optional<std::string> attribute(std::string_view name) const;
  // "Mario Rossi"; the companyName, then the username, when the user has no name.
  std::string displayName() const;
};

std::string_view toString(TestUser::Status s);
std::string_view toString(TestUser::Kind k);

struct UserDirectory {
  std::vector<TestUser> users;

  const TestUser* find(std::string_view username) const;  // exact match; nullptr when unknown
  // The users the IdP called `idp_name` knows: those without an "idp" and those restricted to it.
  std::vector<const TestUser*> forIdp(std::string_view idp_name) const;
};

// Parses and validates a users file. Every problem is reported, each as one line naming the source, the
// user (1-based position and username) and the key: "users.json: user 3 (mario.rossi): unknown key 'foo'".
// Codice fiscale and partita IVA problems carry the rule name of core/identity ("cf.check: ...").
// Never throws on bad input.
Result<UserDirectory, std::vector<std::string>> loadUsers(std::string_view json,
                                                          const std::string& source_name);
// The same from a file; the path is the source name.
Result<UserDirectory, std::vector<std::string>> loadUsersFile(const std::string& path);

// The spidCode given to a user whose file entry has none: "SPTL" + 10 upper-case letters and digits,
// a function of the username alone, so a user keeps it across restarts and across mock IdPs.
std::string generatedSpidCode(std::string_view username);

// The attributes an IdP releases for an AttributeConsumingService: exactly the requested ones the user
// has, in the requested order (a name requested twice is released once).
std::vector<std::pair<std::string, std::string>> releasedAttributes(
    const TestUser& user, const std::vector<std::string>& requested);
// The requested attributes the user does not have, in the requested order.
std::vector<std::string> missingAttributes(const TestUser& user, const std::vector<std::string>& requested);

}  // namespace sportello::idp
