#include "mocks/idp/users.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/identity/codice_fiscale.hpp"

namespace sportello::idp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

namespace json = boost::json;

const std::string kShipped = std::string(SPORTELLO_SOURCE_DIR) + "/config/idp-users.json";

// A valid user in the flat format; tests change one key at a time.
json::object validUser() {
  return json::object{
      {"username", "mario.rossi"}, {"password", "password123"}, {"spidLevel", 2},
      {"name", "Mario"},           {"familyName", "Rossi"},     {"fiscalNumber", "TINIT-RSSMRA82C15H501O"}};
}

std::string asArray(const json::object& user) {
  return json::serialize(json::array{user});
}

UserDirectory loaded(std::string_view text) {
  auto r = loadUsers(text, "users.json");
  EXPECT_TRUE(r.has_value()) << (r ? "" : ::testing::PrintToString(r.error()));
  return r ? std::move(r).value() : UserDirectory{};
}

// The problems loadUsers reports; none when the text loads.
std::vector<std::string> problems(std::string_view text) {
  auto r = loadUsers(text, "users.json");
  return r ? std::vector<std::string>{} : r.error();
}

// The problems reported for validUser() with `key` set to `value`.
std::vector<std::string> problemsWith(std::string_view key, json::value value) {
  json::object user = validUser();
  user[key] = std::move(value);
  return problems(asArray(user));
}

std::vector<std::string> problemsWithout(std::string_view key) {
  json::object user = validUser();
  user.erase(key);
  return problems(asArray(user));
}

// --- the shipped users -----------------------------------------------------------------------------------

TEST(ShippedUsers, LoadWithoutProblems) {
  auto r = loadUsersFile(kShipped);
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(r.error());
  EXPECT_GE(r->users.size(), 8u);
  EXPECT_LE(r->users.size(), 10u);
}

TEST(ShippedUsers, EveryCodiceFiscaleValidates) {
  auto r = loadUsersFile(kShipped);
  ASSERT_TRUE(r.has_value());
  for (const TestUser& u : r->users) {
    auto fiscal = u.attribute("fiscalNumber");
    ASSERT_TRUE(fiscal.has_value()) << u.username;
    ASSERT_EQ(fiscal->substr(0, 6), "TINIT-") << u.username;
    auto cf = identity::validateCodiceFiscale(fiscal->substr(6));
    EXPECT_TRUE(cf.has_value()) << u.username << ": " << (cf ? "" : cf.error().message);
    if (auto iva = u.attribute("ivaCode")) {
      EXPECT_TRUE(identity::validatePartitaIva(iva->substr(6)).has_value()) << u.username;
    }
  }
}

TEST(ShippedUsers, EveryUserHasASpidCodeAndAUniqueOne) {
  auto r = loadUsersFile(kShipped);
  ASSERT_TRUE(r.has_value());
  std::set<std::string> codes;
  for (const TestUser& u : r->users) {
    auto code = u.attribute("spidCode");
    ASSERT_TRUE(code.has_value()) << u.username;
    EXPECT_EQ(code->size(), 14u) << *code;
    EXPECT_TRUE(codes.insert(*code).second) << "duplicate spidCode " << *code;
  }
}

TEST(ShippedUsers, CoverTheCasesTheMockIdpsNeed) {
  auto r = loadUsersFile(kShipped);
  ASSERT_TRUE(r.has_value());
  const UserDirectory& d = *r;

  const TestUser* mario = d.find("mario.rossi");
  ASSERT_NE(mario, nullptr);
  EXPECT_EQ(mario->level, saml::Level::L2);
  EXPECT_EQ(mario->displayName(), "Mario Rossi");
  for (std::string_view name : saml::kSpidAttributes) {
    EXPECT_TRUE(mario->attribute(name).has_value()) << "mario.rossi lacks " << name;
  }
  // Stored in the order of the technical rules, whatever the order in the file.
  ASSERT_EQ(mario->attributes.size(), saml::kSpidAttributes.size());
  for (std::size_t i = 0; i < mario->attributes.size(); ++i) {
    EXPECT_EQ(mario->attributes[i].first, saml::kSpidAttributes[i]);
  }

  ASSERT_NE(d.find("giulia.bianchi"), nullptr);
  EXPECT_EQ(d.find("giulia.bianchi")->level, saml::Level::L3);
  ASSERT_NE(d.find("luca.verdi"), nullptr);
  EXPECT_EQ(d.find("luca.verdi")->level, saml::Level::L1);
  EXPECT_EQ(d.find("luca.verdi")->attribute("spidCode"), generatedSpidCode("luca.verdi"));

  const TestUser* abroad = d.find("anna.schneider");
  ASSERT_NE(abroad, nullptr);
  EXPECT_EQ(abroad->attribute("placeOfBirth"), "Z112");
  EXPECT_EQ(abroad->attribute("gender"), "F");

  const TestUser* legal = d.find("francesca.russo");
  ASSERT_NE(legal, nullptr);
  EXPECT_EQ(legal->kind, TestUser::Kind::legal);
  EXPECT_TRUE(legal->attribute("companyName") && legal->attribute("registeredOffice") &&
              legal->attribute("ivaCode") && legal->attribute("companyFiscalNumber"));
  ASSERT_NE(d.find("paolo.esposito"), nullptr);
  EXPECT_EQ(d.find("paolo.esposito")->kind, TestUser::Kind::professional);

  ASSERT_NE(d.find("giovanni.ferrari"), nullptr);
  EXPECT_EQ(d.find("giovanni.ferrari")->status, TestUser::Status::suspended);
  ASSERT_NE(d.find("chiara.colombo"), nullptr);
  EXPECT_EQ(d.find("chiara.colombo")->status, TestUser::Status::revoked);

  const TestUser* cie = d.find("sofia.romano");
  ASSERT_NE(cie, nullptr);
  EXPECT_EQ(cie->idp, "cie-test");
  for (const auto& [name, value] : cie->attributes) {
    bool cie_attribute = std::find(saml::kCieAttributes.begin(), saml::kCieAttributes.end(), name) !=
                         saml::kCieAttributes.end();
    EXPECT_TRUE(cie_attribute || name == "spidCode") << name;
  }
  EXPECT_EQ(missingAttributes(*cie, {"name", "familyName", "dateOfBirth", "fiscalNumber"}),
            std::vector<std::string>{});

  // UTF-8 names come through as written.
  ASSERT_NE(d.find("niccolo.dangelo"), nullptr);
  EXPECT_EQ(d.find("niccolo.dangelo")->displayName(), "Niccolò D'Angelo");
}

TEST(ShippedUsers, TheCieOnlyUserIsKnownToTheCieIdpAlone) {
  auto r = loadUsersFile(kShipped);
  ASSERT_TRUE(r.has_value());
  auto names = [](const std::vector<const TestUser*>& users) {
    std::vector<std::string> out;
    for (const TestUser* u : users) out.push_back(u->username);
    return out;
  };
  auto spid = names(r->forIdp("spid-test"));
  auto cie = names(r->forIdp("cie-test"));
  EXPECT_EQ(std::count(spid.begin(), spid.end(), "sofia.romano"), 0);
  EXPECT_EQ(std::count(cie.begin(), cie.end(), "sofia.romano"), 1);
  EXPECT_EQ(cie.size(), r->users.size());
  EXPECT_EQ(spid.size(), r->users.size() - 1);
}

// --- formats -----------------------------------------------------------------------------------------------

TEST(UsersFormat, ArrayOfFlatObjects) {
  UserDirectory d = loaded(asArray(validUser()));
  ASSERT_EQ(d.users.size(), 1u);
  const TestUser& u = d.users[0];
  EXPECT_EQ(u.username, "mario.rossi");
  EXPECT_EQ(u.password, "password123");
  EXPECT_EQ(u.level, saml::Level::L2);
  EXPECT_EQ(u.idp, std::nullopt);
  EXPECT_EQ(u.status, TestUser::Status::active);
  EXPECT_EQ(u.kind, TestUser::Kind::person);
  EXPECT_THAT(u.attributes,
              ElementsAre(Pair("spidCode", generatedSpidCode("mario.rossi")), Pair("name", "Mario"),
                          Pair("familyName", "Rossi"), Pair("fiscalNumber", "TINIT-RSSMRA82C15H501O")));
}

TEST(UsersFormat, ObjectMappingUsernameToUser) {
  json::object user = validUser();
  user.erase("username");
  json::object other = validUser();  // "username" may be repeated inside when it agrees with the key
  other["username"] = "mario.rossi2";
  UserDirectory d = loaded(json::serialize(json::object{{"mario.rossi", user}, {"mario.rossi2", other}}));
  ASSERT_EQ(d.users.size(), 2u);
  EXPECT_EQ(d.users[0].username, "mario.rossi");
  EXPECT_EQ(d.users[1].username, "mario.rossi2");
  ASSERT_NE(d.find("mario.rossi2"), nullptr);
  EXPECT_EQ(d.find("nobody"), nullptr);
}

TEST(UsersFormat, SpidTestenv2Entries) {
  // spid-testenv2 keeps {"pwd", "sp", "attrs"} per username and has no level.
  const char* text = R"({
    "test": {"pwd": "test", "sp": null,
             "attrs": {"spidCode": "AGID0000000001", "name": "Ada", "familyName": "Lovelace",
                       "fiscalNumber": "TINIT-RSSMRA82C15H501O", "email": "ada@example.com"}},
    "other": {"pwd": "test", "sp": "https://sp.example.com/metadata",
              "attrs": {"fiscalNumber": "TINIT-BNCGLI90L62F205R"}}
  })";
  UserDirectory d = loaded(text);
  ASSERT_EQ(d.users.size(), 2u);
  const TestUser& ada = d.users[0];
  EXPECT_EQ(ada.username, "test");
  EXPECT_EQ(ada.password, "test");
  EXPECT_EQ(ada.level, saml::Level::L3);
  EXPECT_EQ(ada.sp, std::nullopt);
  EXPECT_EQ(ada.attribute("spidCode"), "AGID0000000001");
  EXPECT_EQ(ada.displayName(), "Ada Lovelace");
  EXPECT_EQ(d.users[1].sp, "https://sp.example.com/metadata");
  EXPECT_EQ(d.users[1].displayName(), "other");
}

TEST(UsersFormat, SpidLevelAsNumberStringOrUri) {
  for (auto [value, level] : std::vector<std::pair<json::value, saml::Level>>{
           {1, saml::Level::L1},
           {"2", saml::Level::L2},
           {"https://www.spid.gov.it/SpidL3", saml::Level::L3},
           {"https://www.spid.gov.it/SpidL1", saml::Level::L1}}) {
    json::object user = validUser();
    user["spidLevel"] = value;
    UserDirectory d = loaded(asArray(user));
    ASSERT_EQ(d.users.size(), 1u);
    EXPECT_EQ(d.users[0].level, level) << json::serialize(value);
  }
}

TEST(UsersFormat, SportelloExtras) {
  json::object user = validUser();
  user["idp"] = "cie-test";
  user["status"] = "revoked";
  user["kind"] = "professional";
  UserDirectory d = loaded(asArray(user));
  ASSERT_EQ(d.users.size(), 1u);
  EXPECT_EQ(d.users[0].idp, "cie-test");
  EXPECT_EQ(d.users[0].status, TestUser::Status::revoked);
  EXPECT_EQ(d.users[0].kind, TestUser::Kind::professional);
  EXPECT_EQ(toString(d.users[0].status), "revoked");
  EXPECT_EQ(toString(d.users[0].kind), "professional");
  EXPECT_EQ(d.forIdp("spid-test").size(), 0u);
  EXPECT_EQ(d.forIdp("cie-test").size(), 1u);
}

// --- problems
// ------------------------------------------------------------------------------------------------

TEST(UsersProblems, UnknownKeyNamesTheUser) {
  json::array users{validUser(), validUser(), validUser()};
  users[1].as_object()["username"] = "giulia.bianchi";
  users[2].as_object()["username"] = "luca.verdi";
  users[2].as_object()["foo"] = 1;
  EXPECT_THAT(problems(json::serialize(users)),
              ElementsAre("users.json: user 3 (luca.verdi): unknown key 'foo'"));
}

TEST(UsersProblems, MisspelledAttributeGetsASuggestion) {
  EXPECT_THAT(problemsWith("FiscalNumber", "x"),
              ElementsAre("users.json: user 1 (mario.rossi): unknown key 'FiscalNumber' (did you mean "
                          "'fiscalNumber'?)"));
  json::object user = validUser();
  user["attrs"] = json::object{{"nickname", "Mariolino"}};
  EXPECT_THAT(problems(asArray(user)),
              ElementsAre("users.json: user 1 (mario.rossi): unknown attribute 'nickname' in attrs"));
}

TEST(UsersProblems, Username) {
  EXPECT_THAT(problemsWithout("username"), ElementsAre("users.json: user 1: username is missing"));
  EXPECT_THAT(problemsWith("username", ""), ElementsAre("users.json: user 1: username is empty"));
  EXPECT_THAT(problemsWith("username", 7),
              ElementsAre("users.json: user 1: username should be a string, got 7"));
  EXPECT_THAT(problems(json::serialize(json::array{validUser(), validUser()})),
              ElementsAre("users.json: user 2 (mario.rossi): username is already used by user 1"));
  json::object inner = validUser();
  EXPECT_THAT(problems(json::serialize(json::object{{"someone.else", inner}})),
              ElementsAre("users.json: user 1 (someone.else): username 'mario.rossi' differs from its key "
                          "'someone.else'"));
}

TEST(UsersProblems, Password) {
  EXPECT_THAT(problemsWithout("password"),
              ElementsAre("users.json: user 1 (mario.rossi): password is missing"));
  EXPECT_THAT(problemsWith("password", ""),
              ElementsAre("users.json: user 1 (mario.rossi): password is empty"));
  EXPECT_THAT(problemsWith("password", 123456),
              ElementsAre("users.json: user 1 (mario.rossi): password should be a string, got 123456"));
  EXPECT_THAT(
      problemsWith("pwd", "other"),
      ElementsAre("users.json: user 1 (mario.rossi): the password is given twice (as 'password' and 'pwd')"));
}

TEST(UsersProblems, SpidLevel) {
  for (json::value bad :
       {json::value(0), json::value(4), json::value(-1), json::value("L2"), json::value(2.5),
        json::value("urn:oasis:names:tc:SAML:2.0:ac:classes:SpidL1"), json::value(nullptr)}) {
    auto p = problemsWith("spidLevel", bad);
    ASSERT_EQ(p.size(), 1u) << json::serialize(bad);
    EXPECT_EQ(p[0],
              "users.json: user 1 (mario.rossi): spidLevel should be 1, 2 or 3 (or "
              "https://www.spid.gov.it/SpidL1..3), got " +
                  json::serialize(bad));
  }
}

TEST(UsersProblems, Extras) {
  EXPECT_THAT(problemsWith("status", "blocked"),
              ElementsAre("users.json: user 1 (mario.rossi): status should be \"active\", \"suspended\" or "
                          "\"revoked\", got \"blocked\""));
  EXPECT_THAT(problemsWith("kind", "company"),
              ElementsAre("users.json: user 1 (mario.rossi): kind should be \"person\", \"professional\" or "
                          "\"legal\", got \"company\""));
  EXPECT_THAT(
      problemsWith("idp", ""),
      ElementsAre("users.json: user 1 (mario.rossi): idp should be a non-empty string or null, got \"\""));
  EXPECT_THAT(
      problemsWith("sp", 3),
      ElementsAre("users.json: user 1 (mario.rossi): sp should be a non-empty string or null, got 3"));
  EXPECT_THAT(
      problemsWith("attrs", "x"),
      ElementsAre(
          "users.json: user 1 (mario.rossi): attrs should be an object of SPID attributes, got \"x\""));
  EXPECT_THAT(problemsWith("email", 42),
              ElementsAre("users.json: user 1 (mario.rossi): attribute 'email' should be a string, got 42"));
  json::object user = validUser();
  user["attrs"] = json::object{{"name", "Mario"}};
  EXPECT_THAT(problems(asArray(user)),
              ElementsAre("users.json: user 1 (mario.rossi): attribute 'name' is given twice"));
}

TEST(UsersProblems, FiscalNumber) {
  EXPECT_THAT(
      problemsWithout("fiscalNumber"),
      ElementsAre("users.json: user 1 (mario.rossi): fiscalNumber is missing (every SPID and CIE identity "
                  "has one: \"TINIT-<codice fiscale>\")"));
  EXPECT_THAT(
      problemsWith("fiscalNumber", "RSSMRA82C15H501O"),
      ElementsAre("users.json: user 1 (mario.rossi): fiscalNumber should be 'TINIT-' followed by a codice "
                  "fiscale, got 'RSSMRA82C15H501O'"));
  EXPECT_THAT(
      problemsWith("fiscalNumber", "TINIT-RSSMRA82C15H501X"),
      ElementsAre("users.json: user 1 (mario.rossi): fiscalNumber 'TINIT-RSSMRA82C15H501X': cf.check: check "
                  "character should be 'O', got 'X'"));
  EXPECT_THAT(problemsWith("fiscalNumber", "TINIT-RSSMRA82C15"),
              ElementsAre(HasSubstr("fiscalNumber 'TINIT-RSSMRA82C15': cf.length: ")));
}

TEST(UsersProblems, IvaCode) {
  EXPECT_THAT(problemsWith("ivaCode", "VATIT-01234560587"), IsEmpty());
  EXPECT_THAT(
      problemsWith("ivaCode", "01234560587"),
      ElementsAre("users.json: user 1 (mario.rossi): ivaCode should be 'VATIT-' followed by a partita IVA, "
                  "got '01234560587'"));
  EXPECT_THAT(
      problemsWith("ivaCode", "VATIT-01234560580"),
      ElementsAre("users.json: user 1 (mario.rossi): ivaCode 'VATIT-01234560580': piva.check: check digit "
                  "should be '7', got '0'"));
  EXPECT_THAT(problemsWith("ivaCode", "VATIT-123"),
              ElementsAre(HasSubstr("ivaCode 'VATIT-123': piva.length: ")));
}

TEST(UsersProblems, CompanyFiscalNumber) {
  EXPECT_THAT(problemsWith("companyFiscalNumber", "TINIT-01234560587"), IsEmpty());
  EXPECT_THAT(problemsWith("companyFiscalNumber", "TINIT-RSSMRA82C15H501O"), IsEmpty());  // a sole trader
  EXPECT_THAT(problemsWith("companyFiscalNumber", "TINIT-01234560588"),
              ElementsAre(HasSubstr("companyFiscalNumber 'TINIT-01234560588': piva.check: ")));
  EXPECT_THAT(
      problemsWith("companyFiscalNumber", "01234560587"),
      ElementsAre("users.json: user 1 (mario.rossi): companyFiscalNumber should be 'TINIT-' followed by a "
                  "codice fiscale, got '01234560587'"));
}

TEST(UsersProblems, Dates) {
  EXPECT_THAT(problemsWith("dateOfBirth", "1982-03-15"), IsEmpty());
  EXPECT_THAT(problemsWith("dateOfBirth", "2000-02-29"), IsEmpty());
  for (const char* bad :
       {"15/03/1982", "1982-3-15", "1982-02-30", "1900-02-29", "1982-13-01", "1982-00-10", ""}) {
    EXPECT_THAT(
        problemsWith("dateOfBirth", bad),
        ElementsAre("users.json: user 1 (mario.rossi): dateOfBirth should be a date YYYY-MM-DD, got '" +
                    std::string(bad) + "'"));
  }
  EXPECT_THAT(problemsWith("expirationDate", "2031-04-31"),
              ElementsAre("users.json: user 1 (mario.rossi): expirationDate should be a date YYYY-MM-DD, got "
                          "'2031-04-31'"));
}

TEST(UsersProblems, Gender) {
  EXPECT_THAT(problemsWith("gender", "F"), IsEmpty());
  EXPECT_THAT(problemsWith("gender", "m"),
              ElementsAre("users.json: user 1 (mario.rossi): gender should be 'M' or 'F', got 'm'"));
}

TEST(UsersProblems, MailAddresses) {
  EXPECT_THAT(problemsWith("email", "mario.rossi@example.com"), IsEmpty());
  EXPECT_THAT(
      problemsWith("email", "mario.rossi.example.com"),
      ElementsAre("users.json: user 1 (mario.rossi): email should be an address like name@example.com, got "
                  "'mario.rossi.example.com'"));
  EXPECT_THAT(problemsWith("email", "@example.com"), ElementsAre(HasSubstr("email should be an address")));
  EXPECT_THAT(problemsWith("digitalAddress", "pec.example.com"),
              ElementsAre(HasSubstr("digitalAddress should be an address like name@example.com")));
}

TEST(UsersProblems, MobilePhone) {
  EXPECT_THAT(problemsWith("mobilePhone", "+393331234567"), IsEmpty());
  EXPECT_THAT(problemsWith("mobilePhone", "3331234567"), IsEmpty());
  for (const char* bad : {"333 1234567", "tel. 3331234567", "+", ""}) {
    EXPECT_THAT(problemsWith("mobilePhone", bad),
                ElementsAre("users.json: user 1 (mario.rossi): mobilePhone should be digits with an optional "
                            "leading '+', got '" +
                            std::string(bad) + "'"));
  }
}

TEST(UsersProblems, SpidCode) {
  EXPECT_THAT(
      problemsWith("spidCode", ""),
      ElementsAre(
          "users.json: user 1 (mario.rossi): spidCode is empty (leave it out to have one generated)"));
}

TEST(UsersProblems, EveryProblemIsReportedNotJustTheFirst) {
  json::object first = validUser();
  first["gender"] = "X";
  first["email"] = "nowhere";
  first.erase("password");
  json::object second = validUser();
  second["username"] = "giulia.bianchi";
  second["spidLevel"] = 5;
  auto p = problems(json::serialize(json::array{first, second}));
  EXPECT_THAT(p, UnorderedElementsAre(HasSubstr("user 1 (mario.rossi): password is missing"),
                                      HasSubstr("user 1 (mario.rossi): gender should be"),
                                      HasSubstr("user 1 (mario.rossi): email should be"),
                                      HasSubstr("user 2 (giulia.bianchi): spidLevel should be")));
}

TEST(UsersProblems, WholeFile) {
  EXPECT_THAT(problems("[{\"username\": \"a\",, }]"),
              ElementsAre("users.json: not valid JSON at line 1, column 19: syntax error"));
  EXPECT_THAT(problems("[\n  {}\n  {}\n]"),
              ElementsAre(HasSubstr("users.json: not valid JSON at line 3, column 3")));
  EXPECT_THAT(problems(""), ElementsAre(HasSubstr("users.json: not valid JSON at line 1, column 1")));
  EXPECT_THAT(problems("\"mario\""),
              ElementsAre("users.json: should be an array of users or an object mapping "
                          "username -> user, got \"mario\""));
  EXPECT_THAT(problems("[]"), ElementsAre("users.json: no users"));
  EXPECT_THAT(problems("{}"), ElementsAre("users.json: no users"));
  EXPECT_THAT(problems("[42]"), ElementsAre("users.json: user 1: should be a JSON object, got 42"));
}

TEST(UsersProblems, MissingFile) {
  auto r = loadUsersFile("/nonexistent/idp-users.json");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error(), ElementsAre("/nonexistent/idp-users.json: cannot be opened"));
}

// --- spidCode
// ---------------------------------------------------------------------------------------------------

TEST(GeneratedSpidCode, IsStableAndShapedLikeARealOne) {
  std::string code = generatedSpidCode("luca.verdi");
  EXPECT_EQ(code, generatedSpidCode("luca.verdi"));
  EXPECT_EQ(code.substr(0, 4), "SPTL");
  // Pinned: a change here changes every test user's identity at every SP that stored it.
  EXPECT_EQ(code, "SPTL2B54XRDYOV");
  ASSERT_EQ(code.size(), 14u);
  for (char c : code.substr(4)) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) << code;
  EXPECT_NE(generatedSpidCode("luca.verdi"), generatedSpidCode("luca.verdi2"));
  EXPECT_NE(generatedSpidCode("a"), generatedSpidCode("b"));
}

TEST(GeneratedSpidCode, OnlyWhenTheFileHasNone) {
  json::object user = validUser();
  UserDirectory generated = loaded(asArray(user));
  ASSERT_EQ(generated.users.size(), 1u);
  EXPECT_EQ(generated.users[0].attribute("spidCode"), generatedSpidCode("mario.rossi"));
  // The same across loads: it depends on the username alone.
  UserDirectory again = loaded(asArray(user));
  EXPECT_EQ(again.users[0].attribute("spidCode"), generated.users[0].attribute("spidCode"));

  user["spidCode"] = "ABCD123456789A";
  UserDirectory given = loaded(asArray(user));
  EXPECT_EQ(given.users[0].attribute("spidCode"), "ABCD123456789A");
}

// --- released attributes
// ----------------------------------------------------------------------------------------

TEST(ReleasedAttributes, ExactlyTheRequestedOnesInTheRequestedOrder) {
  auto r = loadUsersFile(kShipped);
  ASSERT_TRUE(r.has_value());
  const TestUser* mario = r->find("mario.rossi");
  ASSERT_NE(mario, nullptr);
  EXPECT_THAT(
      releasedAttributes(*mario, {"fiscalNumber", "email", "name", "familyName"}),
      ElementsAre(Pair("fiscalNumber", "TINIT-RSSMRA82C15H501O"), Pair("email", "mario.rossi@example.com"),
                  Pair("name", "Mario"), Pair("familyName", "Rossi")));
  EXPECT_THAT(releasedAttributes(*mario, {}), IsEmpty());
  // Requested twice, released once.
  EXPECT_THAT(releasedAttributes(*mario, {"name", "name"}), ElementsAre(Pair("name", "Mario")));
}

TEST(ReleasedAttributes, WhatTheUserLacksIsLeftOutAndReported) {
  auto r = loadUsersFile(kShipped);
  ASSERT_TRUE(r.has_value());
  const TestUser* luca = r->find("luca.verdi");
  ASSERT_NE(luca, nullptr);
  std::vector<std::string> requested = {"spidCode",     "name",           "mobilePhone",
                                        "fiscalNumber", "digitalAddress", "bogus"};
  EXPECT_THAT(releasedAttributes(*luca, requested),
              ElementsAre(Pair("spidCode", generatedSpidCode("luca.verdi")), Pair("name", "Luca"),
                          Pair("fiscalNumber", "TINIT-VRDLCU78S03F839G")));
  EXPECT_THAT(missingAttributes(*luca, requested), ElementsAre("mobilePhone", "digitalAddress", "bogus"));
  EXPECT_THAT(missingAttributes(*luca, {"mobilePhone", "mobilePhone"}), ElementsAre("mobilePhone"));
}

}  // namespace
}  // namespace sportello::idp
