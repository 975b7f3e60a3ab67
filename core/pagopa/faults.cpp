#include "core/pagopa/faults.hpp"

#include <array>
#include <utility>

namespace sportello::pagopa {

namespace {

// Our own wording; the codes are what clients act on.
constexpr std::array<std::pair<std::string_view, std::string_view>, 34> kFaults = {{
    {fault::paa_pagamento_sconosciuto, "Pagamento sconosciuto all'ente creditore"},
    {fault::paa_pagamento_scaduto, "Pagamento scaduto"},
    {fault::paa_pagamento_duplicato, "Pagamento gia' effettuato"},
    {fault::paa_pagamento_in_corso, "Pagamento in corso"},
    {fault::paa_pagamento_annullato, "Pagamento annullato"},
    {fault::paa_semantica, "Errore semantico"},
    {fault::paa_system_error, "Errore di sistema dell'ente creditore"},
    {fault::paa_sintassi_xsd, "Errore di sintassi XSD"},
    {fault::paa_sintassi_extraxsd, "Errore di sintassi extra XSD"},
    {fault::paa_id_dominio_errato, "Identificativo dell'ente creditore errato"},
    {fault::paa_id_intermediario_errato, "Identificativo dell'intermediario errato"},
    {fault::paa_stazione_int_errata, "Stazione dell'intermediario errata"},
    {fault::paa_attiva_rpt_importo_non_valido, "Importo non valido"},
    {fault::ppt_pagamento_in_corso, "Pagamento in attesa: token attivo"},
    {fault::ppt_pagamento_duplicato, "Pagamento duplicato"},
    {fault::ppt_token_sconosciuto, "Token sconosciuto"},
    {fault::ppt_token_scaduto, "Token scaduto"},
    {fault::ppt_token_scaduto_ko, "Token scaduto con esito negativo"},
    {fault::ppt_esito_gia_acquisito, "Esito gia' acquisito"},
    {fault::ppt_semantica, "Errore semantico"},
    {fault::ppt_sintassi_xsd, "Errore di sintassi XSD"},
    {fault::ppt_sintassi_extraxsd, "Errore di sintassi extra XSD"},
    {fault::ppt_system_error, "Errore di sistema del nodo"},
    {fault::ppt_dominio_sconosciuto, "Ente creditore sconosciuto"},
    {fault::ppt_dominio_disabilitato, "Ente creditore disabilitato"},
    {fault::ppt_stazione_int_pa_irraggiungibile, "Stazione dell'ente creditore irraggiungibile"},
    {fault::ppt_stazione_int_pa_timeout, "Timeout dalla stazione dell'ente creditore"},
    {fault::ppt_stazione_int_pa_servizio_nonattivo, "Servizio non attivo sulla stazione dell'ente creditore"},
    {fault::ppt_stazione_int_pa_errore_response, "Risposta della stazione dell'ente creditore non valida"},
    {fault::ppt_psp_sconosciuto, "PSP sconosciuto"},
    {fault::ppt_canale_sconosciuto, "Canale sconosciuto"},
    {fault::ppt_autenticazione, "Errore di autenticazione"},
    {fault::ppt_autorizzazione, "Errore di autorizzazione"},
    {fault::ppt_errore_emesso_da_paa, "Errore restituito dall'ente creditore"},
}};

constexpr std::array<std::string_view, kFaults.size()> codes() {
  std::array<std::string_view, kFaults.size()> out{};
  for (std::size_t i = 0; i < kFaults.size(); ++i) out[i] = kFaults[i].first;
  return out;
}
constexpr auto kCodes = codes();

}  // namespace

std::span<const std::string_view> allFaultCodes() {
  return kCodes;
}

std::string_view defaultFaultString(std::string_view code) {
  for (const auto& [c, text] : kFaults) {
    if (c == code) return text;
  }
  return code;
}

FaultBean makeFault(std::string_view code, std::string id, std::optional<std::string> description) {
  FaultBean f;
  f.fault_code = std::string(code);
  f.fault_string = std::string(defaultFaultString(code));
  f.id = std::move(id);
  f.description = std::move(description);
  return f;
}

FaultBean faultFromEc(const FaultBean& ec) {
  FaultBean f = makeFault(fault::ppt_errore_emesso_da_paa, std::string(fault::node_id));
  f.original_fault_code = ec.fault_code;
  f.original_fault_string = ec.fault_string;
  f.original_description = ec.description;
  return f;
}

std::string_view syntaxCode(FaultPrefix p) {
  return p == FaultPrefix::paa ? fault::paa_sintassi_xsd : fault::ppt_sintassi_xsd;
}

std::string_view semanticsCode(FaultPrefix p) {
  return p == FaultPrefix::paa ? fault::paa_semantica : fault::ppt_semantica;
}

}  // namespace sportello::pagopa
