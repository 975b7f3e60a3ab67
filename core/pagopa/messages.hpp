// The pagoPA SOAP messages Sportello speaks, as typed values (spec/pagopa.md, "Operations"):
// paForNode (node -> EC): paVerifyPaymentNotice, paGetPayment(V2), paSendRT(V2);
// nodeForPsp (PSP -> node): verifyPaymentNotice, activatePaymentNotice(V2), sendPaymentOutcome(V2).
//
// Representation: members in the XSD's order, snake_case; amounts in euro cents (std::int64_t, never
// floating point); optional elements as std::optional; repeated optional lists (metadata, paymentList,
// transferList in responses) as vectors, empty meaning absent; xsd:choice as std::variant.
//
// write(): the complete SOAP 1.1 envelope (soap.hpp) with the payload in its XSD namespace (prefix "pafn"
// or "nfp"), children unqualified, in the XSD's order; amounts "\d+\.\d{2}", xs:date "YYYY-MM-DD",
// booleans "true"/"false". write() does not judge its input: a value the XSD refuses is written as given
// (read() of the result says what is wrong).
//
// read<T>(message): strict, for untrusted input. The payload must be T's element; then, in document
// order, the first of: a missing required element, an unknown or qualified element, an element out of
// order or repeated beyond maxOccurs, an attribute, text where elements belong, elements where text
// belongs, a value failing its XSD type or facet (pattern, length, enumeration, range) -> a fault with
// syntaxCode(prefix) ("PAA_SINTASSI_XSD" / "PPT_SINTASSI_XSD"). A schema-valid message may still fail the
// rules the XSD cannot express -> semanticsCode(prefix) ("*_SEMANTICA"): notice number check digits, the
// transfers summing to the payment amount (paymentAmount, totalAmount), duplicate idTransfer, duplicate
// payment tokens, a negative expirationTime. The fault's description starts with the element's path
// ("paGetPaymentReq/qrCode/noticeNumber: ...") and says what is wrong; its id is fault::node_id for PPT_,
// empty for PAA_ (the EC fills in its own). The default prefix is the reader's: PAA_ for paForNode
// requests (the EC reads them), PPT_ for everything else (the node reads PSP requests and EC responses).
// Stricter than XSD validation in two places, both on purpose: comments inside a simple value and
// attributes of any kind (xsi:type included) are refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/base/result.hpp"
#include "core/pagopa/dates.hpp"
#include "core/pagopa/faults.hpp"
#include "core/pagopa/soap.hpp"

namespace sportello::pagopa {

// ---- Operations ----------------------------------------------------------------------------------------

enum class Operation {
  pa_verify_payment_notice,
  pa_get_payment,
  pa_get_payment_v2,
  pa_send_rt,
  pa_send_rt_v2,
  verify_payment_notice,
  activate_payment_notice,
  activate_payment_notice_v2,
  send_payment_outcome,
  send_payment_outcome_v2,
};

struct OperationInfo {
  Operation operation;
  std::string_view soap_action;  // the operation name: "paGetPaymentV2"
  std::string_view ns;           // the payloads' namespace: ns::pa_for_node or ns::node_for_psp
  std::string_view request;      // "paGetPaymentV2Request"
  std::string_view response;     // "paGetPaymentV2Response"
  FaultPrefix request_reader;    // who reads the request: paa for paForNode, ppt for nodeForPsp
};

std::span<const OperationInfo> operations();
const OperationInfo& info(Operation op);
// The operation whose request (or response) element this payload is; nullopt for any other element.
std::optional<Operation> requestOperation(const SoapMessage& m);
std::optional<Operation> responseOperation(const SoapMessage& m);

// The operation a SOAPAction header names ("paGetPayment", quoted or not); nullopt for any other.
std::optional<Operation> operationForSoapAction(std::string_view soap_action);

// The KO answer to any operation: <op>Res with outcome KO and the fault, the other elements absent.
// For requests that could not be read into their type.
std::string writeKo(Operation op, const FaultBean& fault);

// For an envelope readEnvelope() refused when the operation is known anyway (from SOAPAction), as pagoPA
// answers one: *_SINTASSI_EXTRAXSD, the description "<rule>: <message>". Without a known operation the
// answer is a SOAP Fault (soap.hpp, toSoapFault()).
FaultBean envelopeFault(const EnvelopeError& e, FaultPrefix prefix);

// ---- Common types (sac-common-types and the types both XSDs define alike) ------------------------------

enum class Outcome { ok, ko };
std::string_view toString(Outcome o);  // "OK", "KO"

struct QrCode {
  std::string fiscal_code;    // the EC's, [0-9]{11}
  std::string notice_number;  // [0-9]{18}
  bool operator==(const QrCode&) const = default;
};

struct MapEntry {
  std::string key;    // 1-140
  std::string value;  // 1-140
  bool operator==(const MapEntry&) const = default;
};
using Metadata = std::vector<MapEntry>;  // empty: absent; otherwise 1-15 entries

enum class EntityType { physical_person, legal_person };  // "F", "G"
std::string_view toString(EntityType t);

// ctSubject (debtor, payer).
struct Subject {
  EntityType entity_type = EntityType::physical_person;  // uniqueIdentifier/entityUniqueIdentifierType
  std::string entity_id;                                 // uniqueIdentifier/entityUniqueIdentifierValue, 2-16
  std::string full_name;                                 // 1-70
  std::optional<std::string> street_name;                // 1-70
  std::optional<std::string> civic_number;               // 1-16
  std::optional<std::string> postal_code;                // 1-16
  std::optional<std::string> city;                       // 1-35
  std::optional<std::string> state_province_region;      // 1-35
  std::optional<std::string> country;                    // [A-Z]{2}
  std::optional<std::string> email;                      // "e-mail"
  bool operator==(const Subject&) const = default;
};

// ctRichiestaMarcaDaBollo: a digital revenue stamp requested in place of an IBAN.
struct RichiestaMarcaDaBollo {
  std::string hash_documento;       // base64, 4-72 characters
  std::string tipo_bollo = "01";    // only "01"
  std::string provincia_residenza;  // [A-Z]{2}
  bool operator==(const RichiestaMarcaDaBollo&) const = default;
};

struct Iban {
  std::string code;
  bool operator==(const Iban&) const = default;
};
struct MbdAttachment {
  std::string base64;  // the stamp's XML, base64 (xs:base64Binary)
  bool operator==(const MbdAttachment&) const = default;
};

enum class AmountOption { eq, ls, gt, any };  // "EQ", "LS", "GT", "ANY"
std::string_view toString(AmountOption o);

// ---- paForNode -------------------------------------------------------------------------------------------

struct PaVerifyPaymentNoticeReq {
  static constexpr Operation operation = Operation::pa_verify_payment_notice;
  static constexpr bool request = true;
  std::string id_pa;         // 1-35
  std::string id_broker_pa;  // 1-35
  std::string id_station;    // 1-35
  QrCode qr_code;
  bool operator==(const PaVerifyPaymentNoticeReq&) const = default;
};

// ctPaymentOptionDescriptionPA
struct PaymentOptionDescriptionPa {
  std::int64_t amount = 0;  // not zero
  AmountOption options = AmountOption::eq;
  std::optional<Date> due_date;
  std::optional<std::string> detail_description;  // 1-140
  bool all_ccp = false;
  bool operator==(const PaymentOptionDescriptionPa&) const = default;
};

struct PaVerifyPaymentNoticeRes {
  static constexpr Operation operation = Operation::pa_verify_payment_notice;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  std::optional<PaymentOptionDescriptionPa>
      payment_list;                                // paymentList/paymentOptionDescription (exactly one)
  std::optional<std::string> payment_description;  // 1-140
  std::optional<std::string> fiscal_code_pa;
  std::optional<std::string> company_name;  // 1-140
  std::optional<std::string> office_name;   // 1-140
  bool operator==(const PaVerifyPaymentNoticeRes&) const = default;
};

enum class TransferType { postal, pagopa };  // "POSTAL", "PAGOPA"
std::string_view toString(TransferType t);

struct PaGetPaymentReq {
  static constexpr Operation operation = Operation::pa_get_payment;
  static constexpr bool request = true;
  std::string id_pa;
  std::string id_broker_pa;
  std::string id_station;
  QrCode qr_code;
  std::optional<std::int64_t> amount;
  std::optional<std::string> payment_note;  // 1-210
  std::optional<TransferType> transfer_type;
  std::optional<Date> due_date;
  bool operator==(const PaGetPaymentReq&) const = default;
};

struct PaGetPaymentV2Request {
  static constexpr Operation operation = Operation::pa_get_payment_v2;
  static constexpr bool request = true;
  std::string id_pa;
  std::string id_broker_pa;
  std::string id_station;
  QrCode qr_code;
  std::optional<std::int64_t> amount;
  std::optional<std::string> payment_note;
  std::optional<TransferType> transfer_type;
  std::optional<Date> due_date;
  bool operator==(const PaGetPaymentV2Request&) const = default;
};

// ctTransferPA
struct TransferPa {
  int id_transfer = 1;                 // 1-5
  std::int64_t transfer_amount = 0;    // not zero
  std::string fiscal_code_pa;          // [0-9]{11}
  std::string iban;                    // 1-35 (a postal IBAN with transferType POSTAL)
  std::string remittance_information;  // 1-140
  std::string transfer_category;       // 1-140
  Metadata metadata;
  bool operator==(const TransferPa&) const = default;
};

// ctTransferPAV2
struct TransferPaV2 {
  int id_transfer = 1;
  std::int64_t transfer_amount = 0;
  std::string fiscal_code_pa;
  std::optional<std::string> company_name;  // 1-140
  std::variant<Iban, RichiestaMarcaDaBollo> account;
  std::string remittance_information;
  std::string transfer_category;
  Metadata metadata;
  bool operator==(const TransferPaV2&) const = default;
};

// ctPaymentPA
struct PaymentPa {
  std::string creditor_reference_id;  // the IUV, 1-35
  std::int64_t payment_amount = 0;    // not zero; the transfers sum to it
  Date due_date;
  std::optional<DateTime> retention_date;
  std::optional<bool> last_payment;
  std::string description;                  // 1-140
  std::optional<std::string> company_name;  // 1-140
  std::optional<std::string> office_name;   // 1-140
  Subject debtor;
  std::vector<TransferPa> transfer_list;  // 1-5
  Metadata metadata;
  bool operator==(const PaymentPa&) const = default;
};

// ctPaymentPAV2: as PaymentPa, companyName required, V2 transfers.
struct PaymentPaV2 {
  std::string creditor_reference_id;
  std::int64_t payment_amount = 0;
  Date due_date;
  std::optional<DateTime> retention_date;
  std::optional<bool> last_payment;
  std::string description;
  std::string company_name;
  std::optional<std::string> office_name;
  Subject debtor;
  std::vector<TransferPaV2> transfer_list;  // 1-5
  Metadata metadata;
  bool operator==(const PaymentPaV2&) const = default;
};

struct PaGetPaymentRes {
  static constexpr Operation operation = Operation::pa_get_payment;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  std::optional<PaymentPa> data;
  bool operator==(const PaGetPaymentRes&) const = default;
};

struct PaGetPaymentV2Response {
  static constexpr Operation operation = Operation::pa_get_payment_v2;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  std::optional<PaymentPaV2> data;
  bool operator==(const PaGetPaymentV2Response&) const = default;
};

// ctReceipt
struct Receipt {
  std::string receipt_id;  // xs:string, unique
  std::string notice_number;
  std::string fiscal_code;  // the EC's
  Outcome outcome = Outcome::ok;
  std::string creditor_reference_id;  // 1-35
  std::int64_t payment_amount = 0;
  std::string description;   // 1-140
  std::string company_name;  // 1-140
  std::optional<std::string> office_name;
  Subject debtor;
  std::vector<TransferPa> transfer_list;       // 1-5
  std::string id_psp;                          // 1-35
  std::optional<std::string> psp_fiscal_code;  // 1-70
  std::optional<std::string> psp_partita_iva;  // 1-20
  std::string psp_company_name;                // 1-70
  std::string id_channel;                      // 1-35
  std::string channel_description;             // 1-35
  std::optional<Subject> payer;
  std::optional<std::string> payment_method;  // 1-35
  std::optional<std::int64_t> fee;
  std::optional<DateTime> payment_date_time;
  std::optional<Date> application_date;
  std::optional<Date> transfer_date;
  Metadata metadata;
  std::optional<bool> stand_in;
  bool operator==(const Receipt&) const = default;
};

// ctTransferPAReceiptV2
struct TransferPaReceiptV2 {
  int id_transfer = 1;
  std::int64_t transfer_amount = 0;
  std::string fiscal_code_pa;
  std::optional<std::string> company_name;
  std::variant<Iban, MbdAttachment> account;
  std::string remittance_information;
  std::string transfer_category;
  Metadata metadata;
  bool operator==(const TransferPaReceiptV2&) const = default;
};

// ctReceiptV2
struct ReceiptV2 {
  std::string receipt_id;
  std::string notice_number;
  std::string fiscal_code;
  Outcome outcome = Outcome::ok;
  std::string creditor_reference_id;
  std::int64_t payment_amount = 0;
  std::string description;
  std::string company_name;
  std::optional<std::string> office_name;
  Subject debtor;
  std::vector<TransferPaReceiptV2> transfer_list;  // 1-5
  std::string id_psp;
  std::optional<std::string> psp_fiscal_code;
  std::optional<std::string> psp_partita_iva;
  std::string psp_company_name;
  std::string id_channel;
  std::string channel_description;
  std::optional<Subject> payer;
  std::optional<std::string> payment_method;
  std::optional<std::string> payment_note;  // 1-210
  std::optional<std::int64_t> fee;
  std::optional<std::int64_t> primary_ci_incurred_fee;
  std::optional<std::string> id_bundle;     // 1-70
  std::optional<std::string> id_ci_bundle;  // 1-70
  std::optional<DateTime> payment_date_time;
  std::optional<Date> application_date;
  std::optional<Date> transfer_date;
  Metadata metadata;
  std::optional<bool> stand_in;
  bool operator==(const ReceiptV2&) const = default;
};

struct PaSendRTReq {
  static constexpr Operation operation = Operation::pa_send_rt;
  static constexpr bool request = true;
  std::string id_pa;
  std::string id_broker_pa;
  std::string id_station;
  Receipt receipt;
  bool operator==(const PaSendRTReq&) const = default;
};

struct PaSendRTRes {
  static constexpr Operation operation = Operation::pa_send_rt;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  bool operator==(const PaSendRTRes&) const = default;
};

struct PaSendRTV2Request {
  static constexpr Operation operation = Operation::pa_send_rt_v2;
  static constexpr bool request = true;
  std::string id_pa;
  std::string id_broker_pa;
  std::string id_station;
  ReceiptV2 receipt;
  bool operator==(const PaSendRTV2Request&) const = default;
};

struct PaSendRTV2Response {
  static constexpr Operation operation = Operation::pa_send_rt_v2;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  bool operator==(const PaSendRTV2Response&) const = default;
};

// ---- nodeForPsp ------------------------------------------------------------------------------------------

// The PSP's credentials, first in every nodeForPsp request.
struct PspCredentials {
  std::string id_psp;         // 1-35
  std::string id_broker_psp;  // 1-35
  std::string id_channel;     // 1-35
  std::string password;       // 8-15
  bool operator==(const PspCredentials&) const = default;
};

struct VerifyPaymentNoticeReq {
  static constexpr Operation operation = Operation::verify_payment_notice;
  static constexpr bool request = true;
  PspCredentials credentials;
  QrCode qr_code;
  bool operator==(const VerifyPaymentNoticeReq&) const = default;
};

// ctPaymentOptionDescription
struct PaymentOptionDescription {
  std::int64_t amount = 0;  // not zero
  AmountOption options = AmountOption::eq;
  std::optional<Date> due_date;
  std::optional<std::string> payment_note;  // 1-210
  bool operator==(const PaymentOptionDescription&) const = default;
};

struct VerifyPaymentNoticeRes {
  static constexpr Operation operation = Operation::verify_payment_notice;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  std::vector<PaymentOptionDescription> payment_list;  // empty: absent; otherwise 1-5
  std::optional<std::string> payment_description;      // 1-210
  std::optional<std::string> fiscal_code_pa;
  std::optional<std::string> company_name;  // 1-140
  std::optional<std::string> office_name;   // 1-140
  std::optional<bool> standin;
  bool operator==(const VerifyPaymentNoticeRes&) const = default;
};

struct ActivatePaymentNoticeReq {
  static constexpr Operation operation = Operation::activate_payment_notice;
  static constexpr bool request = true;
  PspCredentials credentials;
  std::optional<std::string> idempotency_key;  // [a-zA-Z0-9]{2,18}_[a-zA-Z0-9]{10}
  QrCode qr_code;
  std::optional<std::chrono::milliseconds> expiration_time;  // at most 1,800,000
  std::int64_t amount = 0;
  std::optional<Date> due_date;
  std::optional<std::string> payment_note;  // 1-210
  bool operator==(const ActivatePaymentNoticeReq&) const = default;
};

enum class PaymentMethodFee { bbt, bp, ad, cp, po, obep, jif, mybk, ppal };  // "BBT", ... "PPAL"
std::string_view toString(PaymentMethodFee m);
enum class TouchPoint { io, wisp, checkout, psp, atm, betting, ts, hb, pos };  // "IO", ... "POS"
std::string_view toString(TouchPoint t);

struct ActivatePaymentNoticeV2Request {
  static constexpr Operation operation = Operation::activate_payment_notice_v2;
  static constexpr bool request = true;
  PspCredentials credentials;
  std::optional<std::string> idempotency_key;
  QrCode qr_code;
  std::optional<std::chrono::milliseconds> expiration_time;
  std::int64_t amount = 0;
  std::optional<Date> due_date;
  std::optional<std::string> payment_note;
  std::optional<PaymentMethodFee> payment_method;
  std::optional<TouchPoint> touch_point;
  bool operator==(const ActivatePaymentNoticeV2Request&) const = default;
};

// ctTransferPSP
struct TransferPsp {
  int id_transfer = 1;
  std::int64_t transfer_amount = 0;
  std::string fiscal_code_pa;
  std::string iban;  // [a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}
  std::string remittance_information;
  Metadata metadata;
  bool operator==(const TransferPsp&) const = default;
};

struct ActivatePaymentNoticeRes {
  static constexpr Operation operation = Operation::activate_payment_notice;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  std::optional<std::int64_t> total_amount;        // the transfers sum to it
  std::optional<std::string> payment_description;  // 1-140
  std::optional<std::string> fiscal_code_pa;
  std::optional<std::string> company_name;
  std::optional<std::string> office_name;
  std::optional<std::string> payment_token;  // 1-35
  std::vector<TransferPsp> transfer_list;    // empty: absent; otherwise 1-5
  std::optional<std::string> creditor_reference_id;
  std::optional<bool> standin;
  bool operator==(const ActivatePaymentNoticeRes&) const = default;
};

// ctTransferPSPV2
struct TransferPspV2 {
  int id_transfer = 1;
  std::int64_t transfer_amount = 0;
  std::string fiscal_code_pa;
  std::optional<std::string> company_name;
  std::optional<std::variant<Iban, RichiestaMarcaDaBollo>> account;  // Iban: the PSP pattern
  std::string remittance_information;
  std::optional<std::string> transfer_category;
  Metadata metadata;
  bool operator==(const TransferPspV2&) const = default;
};

struct ActivatePaymentNoticeV2Response {
  static constexpr Operation operation = Operation::activate_payment_notice_v2;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  std::optional<std::int64_t> total_amount;
  std::optional<std::string> payment_description;
  std::optional<std::string> fiscal_code_pa;
  std::optional<std::string> company_name;
  std::optional<std::string> office_name;
  std::optional<std::string> payment_token;
  std::vector<TransferPspV2> transfer_list;  // empty: absent; otherwise 1-5
  Metadata metadata;
  std::optional<std::string> creditor_reference_id;
  std::optional<std::int64_t> suggested_user_fee;
  std::optional<std::int64_t> suggested_pa_fee;
  std::optional<std::string> suggested_id_bundle;     // 1-70
  std::optional<std::string> suggested_id_ci_bundle;  // 1-70
  std::optional<bool> all_ccp;
  std::optional<bool> standin;
  bool operator==(const ActivatePaymentNoticeV2Response&) const = default;
};

enum class PaymentMethod { cash, credit_card, bancomat, other };       // "cash", "creditCard", ...
enum class PaymentChannel { front_office, atm, on_line, app, other };  // "frontOffice", "onLine", ...
std::string_view toString(PaymentMethod m);
std::string_view toString(PaymentChannel c);

// ctOutcomeDetails
struct OutcomeDetails {
  PaymentMethod payment_method = PaymentMethod::other;
  std::optional<PaymentChannel> payment_channel;
  std::int64_t fee = 0;
  std::optional<Subject> payer;
  Date application_date;
  Date transfer_date;
  bool operator==(const OutcomeDetails&) const = default;
};

// ctMarcaDaBollo
struct MarcaDaBollo {
  std::string payment_token;  // 1-35
  int id_transfer = 1;
  std::string mbd_attachment;  // base64
  bool operator==(const MarcaDaBollo&) const = default;
};

// ctOutcomeDetailsV2
struct OutcomeDetailsV2 {
  PaymentMethod payment_method = PaymentMethod::other;
  std::optional<PaymentChannel> payment_channel;
  std::int64_t fee = 0;
  std::optional<std::int64_t> primary_ci_incurred_fee;
  std::optional<std::string> id_bundle;
  std::optional<std::string> id_ci_bundle;
  std::optional<Subject> payer;
  Date application_date;
  Date transfer_date;
  std::vector<MarcaDaBollo> marche_da_bollo;  // empty: absent; otherwise 1-25
  bool operator==(const OutcomeDetailsV2&) const = default;
};

struct SendPaymentOutcomeReq {
  static constexpr Operation operation = Operation::send_payment_outcome;
  static constexpr bool request = true;
  PspCredentials credentials;
  std::optional<std::string> idempotency_key;
  std::string payment_token;  // 1-35
  Outcome outcome = Outcome::ok;
  std::optional<OutcomeDetails> details;
  bool operator==(const SendPaymentOutcomeReq&) const = default;
};

struct SendPaymentOutcomeRes {
  static constexpr Operation operation = Operation::send_payment_outcome;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  bool operator==(const SendPaymentOutcomeRes&) const = default;
};

struct SendPaymentOutcomeV2Request {
  static constexpr Operation operation = Operation::send_payment_outcome_v2;
  static constexpr bool request = true;
  PspCredentials credentials;
  std::optional<std::string> idempotency_key;
  std::vector<std::string> payment_tokens;  // paymentTokens/paymentToken, 1-5
  Outcome outcome = Outcome::ok;
  std::optional<OutcomeDetailsV2> details;
  bool operator==(const SendPaymentOutcomeV2Request&) const = default;
};

struct SendPaymentOutcomeV2Response {
  static constexpr Operation operation = Operation::send_payment_outcome_v2;
  static constexpr bool request = false;
  Outcome outcome = Outcome::ok;
  std::optional<FaultBean> fault;
  bool operator==(const SendPaymentOutcomeV2Response&) const = default;
};

// ---- Writing and reading ---------------------------------------------------------------------------------

std::string write(const PaVerifyPaymentNoticeReq& m);
std::string write(const PaVerifyPaymentNoticeRes& m);
std::string write(const PaGetPaymentReq& m);
std::string write(const PaGetPaymentRes& m);
std::string write(const PaGetPaymentV2Request& m);
std::string write(const PaGetPaymentV2Response& m);
std::string write(const PaSendRTReq& m);
std::string write(const PaSendRTRes& m);
std::string write(const PaSendRTV2Request& m);
std::string write(const PaSendRTV2Response& m);
std::string write(const VerifyPaymentNoticeReq& m);
std::string write(const VerifyPaymentNoticeRes& m);
std::string write(const ActivatePaymentNoticeReq& m);
std::string write(const ActivatePaymentNoticeRes& m);
std::string write(const ActivatePaymentNoticeV2Request& m);
std::string write(const ActivatePaymentNoticeV2Response& m);
std::string write(const SendPaymentOutcomeReq& m);
std::string write(const SendPaymentOutcomeRes& m);
std::string write(const SendPaymentOutcomeV2Request& m);
std::string write(const SendPaymentOutcomeV2Response& m);

// Instantiated for every message type above (and no other). Each type names its `operation` and whether
// it is the `request` or the response of it.
template <class T>
Result<T, FaultBean> read(const SoapMessage& message, std::optional<FaultPrefix> prefix = std::nullopt);

}  // namespace sportello::pagopa
