// pagoPA SOAP (core/pagopa/soap.hpp, messages.hpp): readEnvelope() on any bytes, then read<T>() of every
// message type on its payload (all but the payload's own type refuse at once). Whatever reads survives a
// round trip: write() and read again give the same value. Refusals name their code and element.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/pagopa/messages.hpp"
#include "core/pagopa/soap.hpp"
#include "fuzz/check.hpp"

using namespace sportello::pagopa;
using sportello::fuzz::require;

namespace {

// What write() produces may be longer than what was read (escaping): re-read with room to spare.
sportello::xml::ParseLimits roomy() {
  sportello::xml::ParseLimits l;
  l.max_bytes = 16 * 1024 * 1024;
  return l;
}

template <class T>
void readAs(const SoapMessage& m) {
  auto r = read<T>(m);
  if (!r) {
    require(!r.error().fault_code.empty(), "a refusal has a fault code");
    require(r.error().description.has_value() && !r.error().description->empty(), "a refusal says where");
    return;
  }
  const std::string xml = write(*r);
  auto again = readEnvelope(xml, roomy());
  require(again.has_value(), "a written message is a valid envelope");
  auto back = read<T>(*again);
  require(back.has_value(), "a written message reads back");
  require(*back == *r, "a message read, written and read again is the same value");
}

void soapFault(const SoapMessage& m) {
  auto f = readSoapFault(m);
  if (!f) return;
  auto again = readEnvelope(writeSoapFault(*f), roomy());
  require(again && isSoapFault(*again), "a written SOAP Fault reads as one");
  auto back = readSoapFault(*again);
  require(back && back->string == f->string && back->actor == f->actor, "a SOAP Fault reads back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(bytes), size);
  auto m = readEnvelope(text);
  if (!m) {
    require(!m.error().rule.empty(), "a refused envelope names its rule");
    auto fault = readEnvelope(writeSoapFault(toSoapFault(m.error())), roomy());
    require(fault && isSoapFault(*fault), "the SOAP Fault for a refusal is itself readable");
    return 0;
  }
  require(m->payload != nullptr && !m->name.empty(), "an accepted envelope has a payload");
  // Requests.
  readAs<PaVerifyPaymentNoticeReq>(*m);
  readAs<PaGetPaymentReq>(*m);
  readAs<PaGetPaymentV2Request>(*m);
  readAs<PaSendRTReq>(*m);
  readAs<PaSendRTV2Request>(*m);
  readAs<VerifyPaymentNoticeReq>(*m);
  readAs<ActivatePaymentNoticeReq>(*m);
  readAs<ActivatePaymentNoticeV2Request>(*m);
  readAs<SendPaymentOutcomeReq>(*m);
  readAs<SendPaymentOutcomeV2Request>(*m);
  // Responses (what the node and the PSP side read).
  readAs<PaVerifyPaymentNoticeRes>(*m);
  readAs<PaGetPaymentRes>(*m);
  readAs<PaGetPaymentV2Response>(*m);
  readAs<PaSendRTRes>(*m);
  readAs<PaSendRTV2Response>(*m);
  readAs<VerifyPaymentNoticeRes>(*m);
  readAs<ActivatePaymentNoticeRes>(*m);
  readAs<ActivatePaymentNoticeV2Response>(*m);
  readAs<SendPaymentOutcomeRes>(*m);
  readAs<SendPaymentOutcomeV2Response>(*m);
  soapFault(*m);
  return 0;
}
