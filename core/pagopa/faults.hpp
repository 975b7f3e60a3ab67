// pagoPA fault codes and the fault bean (ctFaultBean) that carries them inside a KO response
// (spec/pagopa.md, "Faults"). The prefix names the emitter: PAA_ the EC, PPT_ the node.
// When an EC answers KO, the node answers PPT_ERRORE_EMESSO_DA_PAA and copies the EC's fault into the
// original* fields.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sportello::pagopa {

namespace fault {
// EC (creditor institution), in paForNode responses.
inline constexpr std::string_view paa_pagamento_sconosciuto = "PAA_PAGAMENTO_SCONOSCIUTO";
inline constexpr std::string_view paa_pagamento_scaduto = "PAA_PAGAMENTO_SCADUTO";
inline constexpr std::string_view paa_pagamento_duplicato = "PAA_PAGAMENTO_DUPLICATO";
inline constexpr std::string_view paa_pagamento_in_corso = "PAA_PAGAMENTO_IN_CORSO";
inline constexpr std::string_view paa_pagamento_annullato = "PAA_PAGAMENTO_ANNULLATO";
inline constexpr std::string_view paa_semantica = "PAA_SEMANTICA";
inline constexpr std::string_view paa_system_error = "PAA_SYSTEM_ERROR";
inline constexpr std::string_view paa_sintassi_xsd = "PAA_SINTASSI_XSD";
inline constexpr std::string_view paa_sintassi_extraxsd = "PAA_SINTASSI_EXTRAXSD";
inline constexpr std::string_view paa_id_dominio_errato = "PAA_ID_DOMINIO_ERRATO";
inline constexpr std::string_view paa_id_intermediario_errato = "PAA_ID_INTERMEDIARIO_ERRATO";
inline constexpr std::string_view paa_stazione_int_errata = "PAA_STAZIONE_INT_ERRATA";
inline constexpr std::string_view paa_attiva_rpt_importo_non_valido = "PAA_ATTIVA_RPT_IMPORTO_NON_VALIDO";

// Node, in nodeForPsp responses.
inline constexpr std::string_view ppt_pagamento_in_corso = "PPT_PAGAMENTO_IN_CORSO";
inline constexpr std::string_view ppt_pagamento_duplicato = "PPT_PAGAMENTO_DUPLICATO";
inline constexpr std::string_view ppt_token_sconosciuto = "PPT_TOKEN_SCONOSCIUTO";
inline constexpr std::string_view ppt_token_scaduto = "PPT_TOKEN_SCADUTO";
inline constexpr std::string_view ppt_token_scaduto_ko = "PPT_TOKEN_SCADUTO_KO";
inline constexpr std::string_view ppt_esito_gia_acquisito = "PPT_ESITO_GIA_ACQUISITO";
inline constexpr std::string_view ppt_semantica = "PPT_SEMANTICA";
inline constexpr std::string_view ppt_sintassi_xsd = "PPT_SINTASSI_XSD";
inline constexpr std::string_view ppt_sintassi_extraxsd = "PPT_SINTASSI_EXTRAXSD";
inline constexpr std::string_view ppt_system_error = "PPT_SYSTEM_ERROR";
inline constexpr std::string_view ppt_dominio_sconosciuto = "PPT_DOMINIO_SCONOSCIUTO";
inline constexpr std::string_view ppt_dominio_disabilitato = "PPT_DOMINIO_DISABILITATO";
inline constexpr std::string_view ppt_stazione_int_pa_irraggiungibile = "PPT_STAZIONE_INT_PA_IRRAGGIUNGIBILE";
inline constexpr std::string_view ppt_stazione_int_pa_timeout = "PPT_STAZIONE_INT_PA_TIMEOUT";
inline constexpr std::string_view ppt_stazione_int_pa_servizio_nonattivo =
    "PPT_STAZIONE_INT_PA_SERVIZIO_NONATTIVO";
inline constexpr std::string_view ppt_stazione_int_pa_errore_response = "PPT_STAZIONE_INT_PA_ERRORE_RESPONSE";
inline constexpr std::string_view ppt_psp_sconosciuto = "PPT_PSP_SCONOSCIUTO";
inline constexpr std::string_view ppt_canale_sconosciuto = "PPT_CANALE_SCONOSCIUTO";
inline constexpr std::string_view ppt_autenticazione = "PPT_AUTENTICAZIONE";
inline constexpr std::string_view ppt_autorizzazione = "PPT_AUTORIZZAZIONE";
inline constexpr std::string_view ppt_errore_emesso_da_paa = "PPT_ERRORE_EMESSO_DA_PAA";

// The `id` the node puts in its faults.
inline constexpr std::string_view node_id = "NodoDeiPagamentiSPC";
}  // namespace fault

// Every code above, for tables and tests.
std::span<const std::string_view> allFaultCodes();
// A short Italian faultString for a known code ("Token scaduto"); the code itself for an unknown one.
std::string_view defaultFaultString(std::string_view code);

// ctFaultBean, field for field and in the XSD's order. `id` is the emitter (the EC's fiscal code, or
// fault::node_id); `serial` is xs:int.
struct FaultBean {
  std::string fault_code;
  std::string fault_string;
  std::string id;
  std::optional<std::string> description;
  std::optional<std::int32_t> serial;
  std::optional<std::string> original_fault_code;
  std::optional<std::string> original_fault_string;
  std::optional<std::string> original_description;

  bool operator==(const FaultBean&) const = default;
};

// A fault with the code's default faultString.
FaultBean makeFault(std::string_view code, std::string id, std::optional<std::string> description = {});

// What the node answers when the EC answered KO with `ec`: PPT_ERRORE_EMESSO_DA_PAA, the EC's code,
// string and description copied into original*.
FaultBean faultFromEc(const FaultBean& ec);

// Which emitter's syntax and semantics codes a reader uses for what it refuses: the EC reads the node's
// paForNode requests (PAA_), the node reads PSP requests and EC responses (PPT_).
enum class FaultPrefix { paa, ppt };
std::string_view syntaxCode(FaultPrefix p);     // PAA_SINTASSI_XSD / PPT_SINTASSI_XSD
std::string_view semanticsCode(FaultPrefix p);  // PAA_SEMANTICA / PPT_SEMANTICA

}  // namespace sportello::pagopa
