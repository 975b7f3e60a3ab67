#include "core/identity/codice_fiscale.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sportello::identity {
namespace {

std::string computed(Person p) {
  auto cf = computeCodiceFiscale(p);
  EXPECT_TRUE(cf.has_value()) << (cf ? "" : cf.error().rule + ": " + cf.error().message);
  if (!cf) return {};
  // Every computed code must pass validation unchanged.
  auto valid = validateCodiceFiscale(*cf);
  EXPECT_TRUE(valid.has_value()) << *cf << (valid ? "" : " " + valid.error().message);
  if (valid) {
    EXPECT_EQ(*valid, *cf);
  }
  return *cf;
}

std::string ruleOf(std::string_view cf) {
  auto r = validateCodiceFiscale(cf);
  return r ? "ok" : r.error().rule;
}

std::string computeRule(const Person& p) {
  auto r = computeCodiceFiscale(p);
  return r ? "ok" : r.error().rule;
}

Person mario() {
  return Person{"Rossi", "Mario", 1985, 12, 10, 'M', "A562"};
}

// --- published examples ------------------------------------------------------------------------------

TEST(CodiceFiscale, WidelyPublishedExamplesHaveTheRightCheckCharacter) {
  EXPECT_EQ(codiceFiscaleCheck("RSSMRA85T10A562"), 'S');
  EXPECT_EQ(ruleOf("RSSMRA85T10A562S"), "ok");
  // Matteo Moretti, born in Milan on 9 April 1925: the example in most descriptions of the algorithm.
  EXPECT_EQ(codiceFiscaleCheck("MRTMTT25D09F205"), 'Z');
  EXPECT_EQ(computed(Person{"Moretti", "Matteo", 1925, 4, 9, 'M', "F205"}), "MRTMTT25D09F205Z");
  EXPECT_EQ(computed(mario()), "RSSMRA85T10A562S");
}

// --- computing -----------------------------------------------------------------------------------------

TEST(CodiceFiscale, WomanHasFortyAddedToTheDay) {
  EXPECT_EQ(computed(Person{"Bianchi", "Maria", 1990, 3, 5, 'F', "H501"}), "BNCMRA90C45H501X");
  EXPECT_EQ(computed(Person{"Bianchi", "Maria", 1990, 3, 31, 'F', "H501"}).substr(9, 2), "71");
}

TEST(CodiceFiscale, GivenNameWithFourConsonantsTakesFirstThirdFourth) {
  // GIANFRANCO: consonants G N F R N C -> G F R.
  EXPECT_EQ(computed(Person{"Verdi", "Gianfranco", 1972, 7, 1, 'M', "F205"}), "VRDGFR72L01F205M");
  // ROBERTO has four consonants too (R B R T -> R R T); CARLO only three, taken in order.
  EXPECT_EQ(computed(Person{"Verdi", "Roberto", 1972, 7, 1, 'M', "F205"}).substr(3, 3), "RRT");
  EXPECT_EQ(computed(Person{"Verdi", "Carlo", 1972, 7, 1, 'M', "F205"}).substr(3, 3), "CRL");
}

TEST(CodiceFiscale, ShortNamesArePaddedWithX) {
  EXPECT_EQ(computed(Person{"Fo", "Dario", 1926, 3, 24, 'M', "H863"}), "FOXDRA26C24H863Z");
  EXPECT_EQ(computed(Person{"Ng", "Anna", 1980, 5, 20, 'F', "Z404"}), "NGXNNA80E60Z404G");
  EXPECT_EQ(computed(Person{"Oe", "Al", 2001, 1, 1, 'M', "H501"}).substr(0, 6), "OEXLAX");
  EXPECT_EQ(computed(Person{"Po", "Io", 2001, 1, 1, 'M', "H501"}).substr(0, 6), "POXIOX");
}

TEST(CodiceFiscale, AccentsAndApostrophesAreFoldedOrIgnored) {
  // D'AMICO -> DAMICO; NICCOLÒ -> NICCOLO, four consonants N C C L -> N C L.
  EXPECT_EQ(computed(Person{"D'Amico", "Niccolò", 2001, 1, 1, 'M', "L219"}), "DMCNCL01A01L219Q");
  // LUCÀ -> LCU; ZOË -> ZOE.
  EXPECT_EQ(computed(Person{"Lucà", "Zoë", 1999, 11, 11, 'F', "A944"}), "LCUZOE99S51A944N");
  // Typographic apostrophe (U+2019), lower case, spaces.
  EXPECT_EQ(computed(Person{"d\u2019angelo", "luca", 2003, 8, 12, 'M', "f205"}), "DNGLCU03M12F205S");
  // Same letters whatever the spelling of the separators and the case.
  EXPECT_EQ(computed(Person{"De Luca", "Anna Maria", 1980, 2, 29, 'F', "H501"}),
            computed(Person{"DELUCA", "annamaria", 1980, 2, 29, 'f', "H501"}));
  // Upper-case accented letters and a Slovene one (Trieste has them).
  EXPECT_EQ(computed(Person{"ÈRCOLI", "Tomaž", 1970, 6, 6, 'M', "L424"}).substr(0, 6), "RCLTMZ");
}

TEST(CodiceFiscale, BornAbroadUsesTheZCode) {
  auto cf = computed(Person{"Müller", "Jürgen", 1965, 9, 30, 'M', "Z112"});
  EXPECT_EQ(cf.substr(0, 6), "MLLJGN");  // MÜLLER -> MLL; JÜRGEN: J R G N -> J G N
  EXPECT_EQ(cf.substr(11, 4), "Z112");
}

TEST(CodiceFiscale, ComputeRejectsBadInput) {
  auto p = mario();
  p.month = 13;
  EXPECT_EQ(computeRule(p), "cf.date");
  p = mario(), p.month = 2, p.day = 30;
  EXPECT_EQ(computeRule(p), "cf.date");
  p = mario(), p.year = 1900, p.month = 2, p.day = 29;  // not a leap year
  EXPECT_EQ(computeRule(p), "cf.date");
  p = mario(), p.year = 2000, p.month = 2, p.day = 29;  // a leap year
  EXPECT_EQ(computeRule(p), "ok");
  p = mario(), p.day = 0;
  EXPECT_EQ(computeRule(p), "cf.date");
  p = mario(), p.year = 85;
  EXPECT_EQ(computeRule(p), "cf.date");
  p = mario(), p.gender = 'X';
  EXPECT_EQ(computeRule(p), "cf.gender");
  for (const char* place : {"", "H50", "H5011", "1501", "HX01", "H5O1", "H501 "}) {
    p = mario(), p.place_code = place;
    EXPECT_EQ(computeRule(p), "cf.place") << place;
  }
  for (const char* name : {"", " ' ", "R2D2", "Иван", "\xC3", "\xFF\xFE"}) {
    p = mario(), p.given_name = name;
    EXPECT_EQ(computeRule(p), "cf.name") << name;
    p = mario(), p.family_name = name;
    EXPECT_EQ(computeRule(p), "cf.name") << name;
  }
}

// --- validating ----------------------------------------------------------------------------------------

TEST(CodiceFiscale, ValidationIsCaseInsensitiveAndReturnsUpperCase) {
  auto r = validateCodiceFiscale("rssmra85t10a562s");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "RSSMRA85T10A562S");
}

TEST(CodiceFiscale, OmocodiaVariantsValidate) {
  // The Agenzia replaces digits from the right: 2 -> N in the last place digit first.
  std::string first15 = "RSSMRA85T10A56N";
  std::string cf = first15 + codiceFiscaleCheck(first15);
  EXPECT_EQ(ruleOf(cf), "ok") << cf;
  // Every numeric position replaced: 8 5 1 0 5 6 2 -> U R M L R S N.
  first15 = "RSSMRAURTMLARSN";
  cf = first15 + codiceFiscaleCheck(first15);
  EXPECT_EQ(ruleOf(cf), "ok") << cf;
  // The check character covers the letters as written: substituting without recomputing it fails.
  EXPECT_EQ(ruleOf("RSSMRA85T10A56NS"), "cf.check");
  // A woman's day written with omocodia letters (45 -> QR) is still checked against 41-71.
  first15 = "BNCMRA90CQRH501";
  EXPECT_EQ(ruleOf(first15 + codiceFiscaleCheck(first15)), "ok");
}

TEST(CodiceFiscale, EveryRuleHasAFailingCase) {
  EXPECT_EQ(ruleOf(""), "cf.length");
  EXPECT_EQ(ruleOf("RSSMRA85T10A562"), "cf.length");
  EXPECT_EQ(ruleOf("RSSMRA85T10A562SS"), "cf.length");
  EXPECT_EQ(ruleOf("RSSMRA85T10A56*S"), "cf.charset");
  EXPECT_EQ(ruleOf("R5SMRA85T10A562S"), "cf.charset");  // digit where a letter goes
  EXPECT_EQ(ruleOf("RSSMRA8AT10A562S"), "cf.charset");  // A is not an omocodia letter
  EXPECT_EQ(ruleOf("RSSMRA85T10A5621"), "cf.charset");  // check position holds a letter
  EXPECT_EQ(ruleOf("RSSMRA85T10A562\xC3"), "cf.charset");
  EXPECT_EQ(ruleOf("RSSMRA85F10A562S"), "cf.date");  // F is not a month letter
  EXPECT_EQ(ruleOf("RSSMRA85T00A562S"), "cf.date");
  EXPECT_EQ(ruleOf("RSSMRA85T32A562S"), "cf.date");
  EXPECT_EQ(ruleOf("RSSMRA85T40A562S"), "cf.date");
  EXPECT_EQ(ruleOf("RSSMRA85T72A562S"), "cf.date");
  EXPECT_EQ(ruleOf("RSSMRA85T10A562A"), "cf.check");
  auto r = validateCodiceFiscale("RSSMRA85T10A562A");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "check character should be 'S', got 'A'");
}

TEST(CodiceFiscale, CheckOfMalformedInputIsNul) {
  EXPECT_EQ(codiceFiscaleCheck("RSSMRA85T10A56"), '\0');
  EXPECT_EQ(codiceFiscaleCheck("RSSMRA85T10A56-"), '\0');
  EXPECT_EQ(codiceFiscaleCheck("rssmra85t10a562"), 'S');
}

// --- partita IVA ---------------------------------------------------------------------------------------

TEST(PartitaIva, ValidExamples) {
  // 0+7+3+1+1 = 12 on odd positions; 0,4,1,0,5 doubled (5*2 = 10 -> 1) = 11 on even ones: 23 -> 7.
  EXPECT_EQ(partitaIvaCheck("0074311015"), '7');
  for (const char* piva : {"00743110157", "01199250158", "00000000000", "01234567897"}) {
    auto r = validatePartitaIva(piva);
    EXPECT_TRUE(r) << piva << (r ? "" : " " + r.error().message);
  }
}

TEST(PartitaIva, EveryRuleHasAFailingCase) {
  auto rule = [](std::string_view p) {
    auto r = validatePartitaIva(p);
    return r ? "ok" : r.error().rule;
  };
  EXPECT_EQ(rule(""), "piva.length");
  EXPECT_EQ(rule("0074311015"), "piva.length");
  EXPECT_EQ(rule("007431101577"), "piva.length");
  EXPECT_EQ(rule("IT743110157"), "piva.charset");
  EXPECT_EQ(rule("0074311015A"), "piva.charset");
  EXPECT_EQ(rule("00743110158"), "piva.check");
  EXPECT_EQ(rule("77777777777"), "piva.check");
  EXPECT_EQ(partitaIvaCheck("007431101"), '\0');
  EXPECT_EQ(partitaIvaCheck("00743110x5"), '\0');
}

TEST(PartitaIva, EverySingleDigitChangeIsCaught) {
  const std::string good = "00743110157";
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[i]) continue;
      std::string bad = good;
      bad[i] = d;
      EXPECT_FALSE(validatePartitaIva(bad)) << bad;
    }
  }
}

}  // namespace
}  // namespace sportello::identity
