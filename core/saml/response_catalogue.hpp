// The SP response test catalogue (spec/spid-cie.md, "The SP response test catalogue"; spec/security.md,
// "Attacks to test"): every case as data, and a generator of the deviated Response each one sends. Used
// by the gateway's tests now and by the SP conformance suite (which posts them to an external SP's ACS).
//
// How cases are built: content cases start from the valid Response for `base` (buildResponseUnsigned),
// change the tree (remove or empty an attribute or element, change a value), THEN sign the Assertion and
// the Response with the IdP key, so that the signatures are valid and only the deviation is judged.
// Signature cases sign first and tamper afterwards (XSW1-8, XSLT, 112/113) or sign with `other_key`
// (4, 5, 100). Error cases (104-108, 111) are the IdP's signed error Responses (buildErrorResponse).
// Element "empty" means present with no children and, for elements whose content is attributes
// (SubjectConfirmation, Conditions, AuthnStatement), no attributes either; attribute "empty" means "".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/names.hpp"
#include "core/saml/response.hpp"
#include "core/saml/time.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

enum class Expect { accept, reject, report };  // report: catalogue 103, no fixed verdict
std::string_view toString(Expect e);

struct CatalogueCase {
  std::string id;     // "1", "1-NS", "2", ..., "113", "xsw1".."xsw8", "xslt"
  std::string title;  // English one-liner
  Expect expect = Expect::reject;
  int spid_error = 0;  // 104-108, 111: 19, 20, 21, 22, 23, 25
  // 94-96: the level the Response returns. `expect` then holds the verdict for the default request
  // (SpidL2, Comparison minimum); the verdict for any request is expectFor().
  std::optional<Level> returned_level;
};

// Every case of the spec's list, in its order.
const std::vector<CatalogueCase>& responseCatalogue();
const CatalogueCase* findCase(std::string_view id);
// The verdict a correct SP gives for `c` when the request asked for `requested` with `cmp`.
Expect expectFor(const CatalogueCase& c, Level requested, Comparison cmp);

struct CaseInputs {
  // The valid Response for the request being answered. Cases needing attributes add fiscalNumber when
  // base.attributes is empty; "future" and "passed" instants are a day off base.now.
  ResponseSpec base;
  xml::SigningKey idp_key;
  xml::SigningKey other_key;        // a key whose certificate the SP has NOT registered for the IdP
  TimePoint request_issue_instant;  // cases 14 and 39 issue a day before it
  // The request's level: every case but 94-96 returns a level it accepts (base.level when it does).
  Level requested_level = Level::L2;
  Comparison comparison = Comparison::minimum;
};

// The Response XML (not base64) for case `id`, signed as the case requires; an error names an unknown
// case or a signing failure.
Result<std::string, std::string> buildCase(std::string_view id, const CaseInputs& in);

}  // namespace sportello::saml
