// The node's own faults: fault::node_id as emitter, the code's default faultString, and a description
// that says what happened. Three codes the real node uses are not (yet) in core/pagopa/faults.hpp; they
// are defined here with the real node's wording.
#pragma once

#include <string>
#include <string_view>

#include "core/pagopa/faults.hpp"

namespace sportello::node {

// Same idempotencyKey, other request, while the key is valid.
inline constexpr std::string_view ppt_errore_idempotenza = "PPT_ERRORE_IDEMPOTENZA";
// idBrokerPSP is not the configured one.
inline constexpr std::string_view ppt_intermediario_psp_sconosciuto = "PPT_INTERMEDIARIO_PSP_SCONOSCIUTO";
// The EC is known but none of its stations serves the notice's aux digit and segregation/application code.
inline constexpr std::string_view ppt_stazione_int_pa_sconosciuta = "PPT_STAZIONE_INT_PA_SCONOSCIUTA";

inline pagopa::FaultBean nodeFault(std::string_view code, std::string description) {
  pagopa::FaultBean f = pagopa::makeFault(code, std::string(pagopa::fault::node_id), std::move(description));
  if (code == ppt_errore_idempotenza) f.fault_string = "Errore idempotenza";
  if (code == ppt_intermediario_psp_sconosciuto)
    f.fault_string = "Identificativo intermediario PSP sconosciuto";
  if (code == ppt_stazione_int_pa_sconosciuta) f.fault_string = "Stazione dell'ente creditore sconosciuta";
  return f;
}

}  // namespace sportello::node
