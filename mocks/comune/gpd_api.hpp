// The comune back end's debt-position REST API, shaped like pagoPA's GPD, under a prefix chosen by
// the caller (e.g. "/comune/gpd"):
//
//   POST   <prefix>/organizations/{cf}/debtpositions?toPublish=true|false  201 the position
//   GET    <prefix>/organizations/{cf}/debtpositions?status=&page=&limit=  200 {payment_position_list,
//   page_info} GET    <prefix>/organizations/{cf}/debtpositions/{iupd}                200 the position PUT
//   <prefix>/organizations/{cf}/debtpositions/{iupd}?toPublish=     200 (DRAFT/PUBLISHED only) DELETE
//   <prefix>/organizations/{cf}/debtpositions/{iupd}                200 (DRAFT/PUBLISHED only) POST
//   <prefix>/organizations/{cf}/debtpositions/{iupd}/publish        200 (DRAFT only) POST
//   <prefix>/organizations/{cf}/debtpositions/{iupd}/invalidate     200 (VALID only)
// Errors: {"error": <rule>, "message": ..., "problems": [{"field", "rule", "message"}]} with 400 (every
// validation problem listed), 401 (api_key set and Ocp-Apim-Subscription-Key wrong), 404 (organization
// or position unknown), 409 (duplicate IUPD/IUV/NAV, or not allowed in the position's status), 500.
//
// Admin (guarded like every /_admin route):
//   GET  /_admin/comune/receipts?ec=&limit=   receipts received (paSendRT), newest first, with verdicts
//   POST /_admin/comune/seed                  adds the demo positions (idempotent): {"created", "existing"}
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/base/log.hpp"
#include "core/http/admin.hpp"
#include "core/http/router.hpp"
#include "mocks/comune/debt_positions.hpp"

namespace sportello::comune {

class GpdApi {
 public:
  struct Options {
    std::shared_ptr<DebtPositions> positions;
    std::shared_ptr<Logger> log;
    std::string api_key;  // when not empty, required in Ocp-Apim-Subscription-Key (as GPD's gateway does)
    EcConfig demo_ec;     // the EC /_admin/comune/seed seeds; demoComune() when its fiscal_code is empty
  };
  explicit GpdApi(Options options);

  // Registers the GPD routes under `prefix` ("" or "/comune/gpd": no trailing slash).
  void addRoutes(http::Router& router, std::string_view prefix) const;
  void addAdminRoutes(http::Router& router, const http::Admin& admin) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace sportello::comune
