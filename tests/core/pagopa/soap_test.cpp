// SOAP 1.1 envelopes: readEnvelope()'s contract, SOAP Faults written and read back, relaying a payload.
#include "core/pagopa/soap.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/pagopa/messages.hpp"
#include "core/xml/document.hpp"
#include "tests/core/pagopa/samples.hpp"
#include "tests/core/pagopa/xsd_validator.hpp"

namespace sportello::pagopa {
namespace {

constexpr std::string_view kOpen =
    R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">)";
constexpr std::string_view kClose = "</soapenv:Envelope>";
constexpr std::string_view kPayload =
    R"(<pafn:paVerifyPaymentNoticeReq xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd">)"
    "<idPA>77777777777</idPA><idBrokerPA>77777777777</idBrokerPA><idStation>S</idStation>"
    "<qrCode><fiscalCode>77777777777</fiscalCode><noticeNumber>301000000000000144</noticeNumber></qrCode>"
    "</pafn:paVerifyPaymentNoticeReq>";

std::string env(std::string_view inside) {
  return std::string(kOpen) + std::string(inside) + std::string(kClose);
}
std::string body(std::string_view inside) {
  return env("<soapenv:Body>" + std::string(inside) + "</soapenv:Body>");
}

std::string ruleOf(std::string_view bytes) {
  auto r = readEnvelope(bytes);
  return r ? "ok" : r.error().rule;
}

TEST(SoapEnvelope, OnePayloadIsRead) {
  auto m = readEnvelope(body(kPayload));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->ns, ns::pa_for_node);
  EXPECT_EQ(m->name, "paVerifyPaymentNoticeReq");
  ASSERT_NE(m->payload, nullptr);
  EXPECT_EQ(m->payload->doc, m->document.get());
  EXPECT_EQ(requestOperation(*m), Operation::pa_verify_payment_notice);
}

TEST(SoapEnvelope, HeaderCommentsAndWhitespaceAreTolerated) {
  EXPECT_EQ(ruleOf(env("\n  <soapenv:Header><wsa:To xmlns:wsa=\"urn:x\">n</wsa:To></soapenv:Header>\n"
                       "  <soapenv:Body>\n  <!-- the request -->\n  " +
                       std::string(kPayload) + "\n  </soapenv:Body>\n")),
            "ok");
  EXPECT_EQ(ruleOf(env("<soapenv:Header/><soapenv:Body>" + std::string(kPayload) + "</soapenv:Body>")), "ok");
}

TEST(SoapEnvelope, EmptyBodyIsRefused) {
  EXPECT_EQ(ruleOf(body("")), "soap.empty_body");
  EXPECT_EQ(ruleOf(body("  <!-- nothing -->  ")), "soap.empty_body");
  EXPECT_EQ(ruleOf(env("<soapenv:Body/>")), "soap.empty_body");
}

TEST(SoapEnvelope, TwoPayloadsAreRefused) {
  auto r = readEnvelope(body(std::string(kPayload) + std::string(kPayload)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rule, "soap.payloads");
  EXPECT_NE(r.error().message.find("paVerifyPaymentNoticeReq"), std::string::npos) << r.error().message;
}

TEST(SoapEnvelope, NotXmlIsRefusedByTheHardenedParser) {
  EXPECT_EQ(ruleOf("paVerifyPaymentNotice please"), "xml.malformed");
  EXPECT_EQ(ruleOf(body(kPayload).substr(0, 200)), "xml.malformed");
  EXPECT_EQ(ruleOf(""), "xml.empty");
  EXPECT_EQ(ruleOf("{\"idPA\": \"77777777777\"}"), "xml.malformed");
}

TEST(SoapEnvelope, DoctypeAndEntityAttacksAreRefusedBeforeAnythingIsRead) {
  const std::size_t loadsBefore = xml::refusedExternalLoads();
  // Billion laughs.
  const std::string laughs = R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">)"
                             R"(<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>)" +
                             body("<x>&lol2;</x>");
  EXPECT_EQ(ruleOf(laughs), "xml.doctype");
  // XXE.
  const std::string xxe = R"(<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>)" +
                          body("<x>&xxe;</x>");
  EXPECT_EQ(ruleOf(xxe), "xml.doctype");
  EXPECT_EQ(ruleOf(R"(<!DOCTYPE soapenv:Envelope SYSTEM "http://127.0.0.1:1/evil.dtd">)" + body(kPayload)),
            "xml.doctype");
  // An undeclared entity reference, no DOCTYPE.
  auto ent = readEnvelope(body("<x>&xxe;</x>"));
  ASSERT_FALSE(ent);
  EXPECT_TRUE(ent.error().rule == "xml.entity" || ent.error().rule == "xml.malformed") << ent.error().rule;
  // A processing instruction.
  EXPECT_EQ(ruleOf(body("<?evil x?>" + std::string(kPayload))), "xml.pi");
  EXPECT_EQ(xml::refusedExternalLoads(), loadsBefore);  // nothing was even asked for
}

TEST(SoapEnvelope, TheEnvelopeItselfIsChecked) {
  EXPECT_EQ(ruleOf(kPayload), "soap.envelope");  // a bare payload
  EXPECT_EQ(ruleOf(R"(<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>)" +
                   std::string(kPayload) + "</soap:Body></soap:Envelope>"),
            "soap.version");
  EXPECT_EQ(ruleOf(R"(<Envelope><Body>)" + std::string(kPayload) + "</Body></Envelope>"), "soap.envelope");
  EXPECT_EQ(ruleOf(env("")), "soap.envelope");  // no Body
  EXPECT_EQ(ruleOf(env("<soapenv:Body>" + std::string(kPayload) + "</soapenv:Body><soapenv:Body/>")),
            "soap.envelope");
  EXPECT_EQ(ruleOf(env("<soapenv:Body>" + std::string(kPayload) + "</soapenv:Body><soapenv:Header/>")),
            "soap.envelope");
  EXPECT_EQ(ruleOf(env("text<soapenv:Body>" + std::string(kPayload) + "</soapenv:Body>")), "soap.envelope");
  EXPECT_EQ(ruleOf(body("text" + std::string(kPayload))), "soap.body");
}

TEST(SoapEnvelope, MustUnderstandHeadersAreRefused) {
  const std::string h = R"(<soapenv:Header><x:Security xmlns:x="urn:x" soapenv:mustUnderstand="1"/>)"
                        R"(</soapenv:Header><soapenv:Body>)" +
                        std::string(kPayload) + "</soapenv:Body>";
  auto r = readEnvelope(env(h));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rule, "soap.must_understand");
  EXPECT_EQ(toSoapFault(r.error()).code, soap_code::must_understand);
  const std::string optional = R"(<soapenv:Header><x:Trace xmlns:x="urn:x" soapenv:mustUnderstand="0"/>)"
                               R"(</soapenv:Header><soapenv:Body>)" +
                               std::string(kPayload) + "</soapenv:Body>";
  EXPECT_EQ(ruleOf(env(optional)), "ok");
}

TEST(SoapEnvelope, OversizedAndDeepDocumentsAreRefused) {
  xml::ParseLimits small;
  small.max_bytes = 100;
  auto big = readEnvelope(body(kPayload), small);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().rule, "xml.too_large");
  std::string deep;
  for (int i = 0; i < 60; ++i) deep += "<a>";
  for (int i = 0; i < 60; ++i) deep += "</a>";
  EXPECT_EQ(ruleOf(body(deep)), "xml.too_deep");
}

TEST(SoapFaults, EnvelopeErrorsBecomeSoapFaults) {
  EXPECT_EQ(toSoapFault({"soap.version", "v"}).code, soap_code::version_mismatch);
  EXPECT_EQ(toSoapFault({"xml.doctype", "d"}).code, soap_code::client);
  SoapFault f = toSoapFault({"soap.empty_body", "the Body holds no payload element"});
  EXPECT_EQ(f.code, "Client");
  EXPECT_EQ(f.string, "the Body holds no payload element");
  EXPECT_EQ(f.rule, "soap.empty_body");
}

TEST(SoapFaults, EveryMalformedEnvelopeIsAnsweredWithAValidClientFault) {
  const std::string laughs = R"(<!DOCTYPE l [<!ENTITY l "l">]>)" + body("<x>&l;</x>");
  for (const std::string& bytes : {body(""), body(std::string(kPayload) + std::string(kPayload)),
                                   std::string("not xml"), laughs, env("")}) {
    auto r = readEnvelope(bytes);
    ASSERT_FALSE(r) << bytes;
    SoapFault f = toSoapFault(r.error());
    EXPECT_EQ(f.code, soap_code::client) << r.error().rule;
    const std::string xml = writeSoapFault(f);
    EXPECT_EQ(testing::PagopaSchemas::get().validate(xml), "") << xml;
    auto back = readSoapFault(*readEnvelope(xml));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rule, r.error().rule);
  }
}

TEST(SoapFaults, AreWrittenValidAndReadBack) {
  SoapFault f{std::string(soap_code::server), "database <unavailable> & co", std::string("urn:sportello:ec"),
              std::string("ec.store")};
  const std::string xml = writeSoapFault(f);
  EXPECT_NE(xml.find("<faultcode>soapenv:Server</faultcode>"), std::string::npos) << xml;
  const auto& schemas = testing::PagopaSchemas::get();
  ASSERT_TRUE(schemas.loaded()) << schemas.loadError();
  // validate() checks the envelope and then the payload (soapenv:Fault) against its declaration.
  EXPECT_EQ(schemas.validate(xml), "") << xml;
  auto m = readEnvelope(xml);
  ASSERT_TRUE(m);
  EXPECT_TRUE(isSoapFault(*m));
  auto back = readSoapFault(*m);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, f);

  SoapFault minimal;
  minimal.string = "no";
  auto again = readSoapFault(*readEnvelope(writeSoapFault(minimal)));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, minimal);
}

TEST(SoapFaults, FaultCodePrefixesAreResolved) {
  // Another prefix bound to the envelope namespace is still SOAP's Client; an unbound one is kept as is.
  const std::string other =
      R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>)"
      R"(<faultcode>e:Client</faultcode><faultstring>x</faultstring></e:Fault></e:Body></e:Envelope>)";
  auto a = readSoapFault(*readEnvelope(other));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, "Client");
  const std::string foreign =
      R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:f="urn:f"><e:Body><e:Fault>)"
      R"(<faultcode>f:Client</faultcode><faultstring>x</faultstring></e:Fault></e:Body></e:Envelope>)";
  auto b = readSoapFault(*readEnvelope(foreign));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->code, "f:Client");
  const std::string broken =
      R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>)"
      R"(<faultstring>x</faultstring></e:Fault></e:Body></e:Envelope>)";
  auto c = readSoapFault(*readEnvelope(broken));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().rule, "soap.fault");
  EXPECT_FALSE(readSoapFault(*readEnvelope(body(kPayload))));
}

TEST(SoapEnvelope, APayloadIsRelayedIntoANewEnvelope) {
  // The payload's namespace declared on the Envelope, as write() does: the copy must redeclare it.
  const std::string original = write(samples::full<PaGetPaymentV2Request>());
  auto m = readEnvelope(original);
  ASSERT_TRUE(m);
  const std::string relayed = writeEnvelope(m->payload);
  auto again = readEnvelope(relayed);
  ASSERT_TRUE(again) << again.error().message << "\n" << relayed;
  auto value = read<PaGetPaymentV2Request>(*again);
  ASSERT_TRUE(value) << value.error().description.value_or("");
  EXPECT_EQ(*value, samples::full<PaGetPaymentV2Request>());
  EXPECT_EQ(testing::PagopaSchemas::get().validate(relayed), "") << relayed;
}

}  // namespace
}  // namespace sportello::pagopa
