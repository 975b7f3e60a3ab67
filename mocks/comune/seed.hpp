// Believable demo data for the fictional Comune di Vigata: debt positions owed by the mock IdPs' test
// users (config/idp-users.json), so that a demo can log in as mario.rossi and pay his TARI.
//
//   TARI <year>        Mario Rossi: single payment or two instalments; every option has two transfers,
//                      the comune's TARI share and the province's TEFA (5%) to another EC
//   mensa scolastica   Giulia Bianchi: school canteen, a bank and a postal account (transferType=POSTAL)
//   sanzione CdS       Luca Verdi: parking fine, reduced amount within 5 days or full within 60
//   COSAP              Russo Costruzioni S.r.l. (type G): scaffolding on public ground, switchToExpired
//
// Due dates follow the clock at seeding time (the first within days, the last within months), so the
// demo always has payable notices. Seeding is idempotent by IUPD: a second run adds nothing.
#pragma once

#include <string>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/result.hpp"
#include "mocks/comune/debt_positions.hpp"

namespace sportello::comune {

// Comune di Vigata, fiscal code 80012350841, Ufficio Tributi, aux 3, segregation code 47.
EcConfig demoComune();
// Libero Consorzio Comunale di Montelusa, 80002490847: the TEFA share of the TARI goes to it.
EcConfig demoProvincia();

// The demo positions of `comune` with dates relative to `now` (each passes validatePosition).
std::vector<DebtPosition> demoPositions(const EcConfig& comune, TimePoint now);

struct SeedReport {
  int created = 0;
  int existing = 0;
  std::vector<std::string> iupds;  // every demo position, created or found
};
// Creates and publishes the demo positions that `store` does not have yet.
Result<SeedReport, std::string> seedDemo(DebtPositions& store, const EcConfig& comune, const Clock& clock);

}  // namespace sportello::comune
