// What the node writes from what the EC gave it: the PSP's answers to verify and activate, and the
// receipts of a paid attempt (pure functions over values, no I/O).
//
// Receipts (spec/pagopa.md "Operations", paSendRT(V2)): receiptId = the paymentToken (unique, the same
// on every retry), the notice and EC, the EC's payment (IUV, amount, description, company, debtor,
// transfers, metadata) from its paGetPayment(V2) answer as stored at activation, the PSP's identity
// ([pagopa] id_psp, id_channel), the outcome's details (payer, method, fee, application and transfer
// dates), paymentDateTime = the simulated clock at the outcome. One receipt per EC of the transfer list:
// the EC that owns the notice (on the station that served the activation) and every other EC that
// receives a transfer (on its first station), each as paSendRTV2 or paSendRT per that station's version.
// A transfer that asked for a marca da bollo carries the one the PSP sent in details/marcheDaBollo
// (none: PPT_SEMANTICA).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/result.hpp"
#include "core/config/config.hpp"
#include "core/pagopa/messages.hpp"
#include "mocks/pagopa/node_ec.hpp"
#include "mocks/pagopa/outbox.hpp"
#include "mocks/pagopa/tokens.hpp"

namespace sportello::node {

// The company name of an EC for receipts when its V1 answer gave none: [[ec.creditors]], else the code.
std::string companyOf(const config::Config& config, std::string_view ec);

pagopa::PaymentPaV2 toV2(const pagopa::PaymentPa& p, std::string_view company_fallback);
pagopa::OutcomeDetailsV2 toV2(const pagopa::OutcomeDetails& d);
// An EC answer stored by activate, read again (it was read strictly once, so this only fails on a
// damaged database).
Result<pagopa::PaymentPaV2, std::string> paymentFromXml(const std::string& xml, int station_version,
                                                        std::string_view company_fallback);

pagopa::VerifyPaymentNoticeRes verifyAnswer(const pagopa::QrCode& qr,
                                            const pagopa::PaVerifyPaymentNoticeRes& ec);
// activatePaymentNotice (V1) cannot carry a marca da bollo: PPT_SEMANTICA then.
Result<pagopa::ActivatePaymentNoticeRes, pagopa::FaultBean> activateAnswerV1(const pagopa::QrCode& qr,
                                                                             const pagopa::PaymentPaV2& p,
                                                                             const std::string& token);
pagopa::ActivatePaymentNoticeV2Response activateAnswerV2(const pagopa::QrCode& qr,
                                                         const pagopa::PaymentPaV2& p,
                                                         const std::string& token);

struct ReceiptContext {
  const config::Config& config;
  const EcGateway& ec;
  Clock::time_point now;
};

// The outbox entries of attempt `a` paid with `details`.
Result<std::vector<OutboxEntry>, pagopa::FaultBean> buildReceipts(const Attempt& a,
                                                                  const pagopa::OutcomeDetailsV2& details,
                                                                  const ReceiptContext& cx);

}  // namespace sportello::node
