#!/usr/bin/python3
"""Interop: pysaml2 (Debian's python3-pysaml2) as a SPID Service Provider against the real
`sportello serve`, over HTTPS with the server's test CA.

    /usr/bin/python3 pysaml2_sp_test.py <sportello binary> <repository root>

What it proves:
  1. SP metadata signed by the library (saml2.metadata.sign_entity_descriptor, through the xmlsec1 backend,
     RSA-SHA256) is registered by the mock IdP with a verified signature and no failed metadata rule.
  2. The IdP's signed metadata verifies with the library (SecurityContext.verify_signature) against the
     certificate pinned from the server's PKI directory, and the library loads it as its IdP metadata.
  3. HTTP-Redirect: an AuthnRequest built and query-signed by Saml2Client.prepare_for_authenticate passes
     every AuthnRequest rule of the IdP; mario.rossi logs in and consents; the Response is accepted by
     Saml2Client.parse_authn_request_response (Response and Assertion signatures against the IdP
     metadata, InResponseTo against the outstanding request, Destination, Audience, Conditions,
     SubjectConfirmation) and carries the requested attributes (AttributeConsumingService 0).
  4. HTTP-POST: an AuthnRequest XML-signed by the library, with AssertionConsumerServiceIndex 0 and
     AttributeConsumingService 1, whose Response carries the xs:date-typed dateOfBirth and expirationDate.
  5. Negative: the same Response with one character changed in the NameID, or in the fiscalNumber value,
     is rejected by the library for its signature.
  6. The AuthnRequest without the SPID adjustments below fails exactly the IdP rule authn.issuer; the IdP
     answers with a signed SPID error Response that the library verifies (a copy with a forged ErrorCode
     fails with SignatureError) and turns into a StatusError (Requester, "ErrorCode nr10").

SPID adjustments pysaml2 7.0.1 needs. The XML ones are made in the client's msg_cb hook, which pysaml2
calls on the AuthnRequest object BEFORE it signs it (XML signature for POST) or encodes and query-signs it
(Redirect):
  - The Issuer has Format entity (pysaml2 default) but no NameQualifier: SPID (rule authn.issuer) requires
    one; msg_cb sets NameQualifier = the SP entityID.
  - With AssertionConsumerServiceIndex, pysaml2 still writes ProtocolBinding; SAML core 3.4.1 makes them
    mutually exclusive and SPID names the index as the alternative to URL + ProtocolBinding, so msg_cb
    drops ProtocolBinding when an index is used.
Passed as arguments, no XML editing: AttributeConsumingServiceIndex (attribute_consuming_service_index),
RequestedAuthnContext SpidL2 minimum (requested_authn_context), ForceAuthn (config force_authn);
NameIDPolicy transient comes from name_id_policy_format and pysaml2 already leaves AllowCreate out for
transient. RelayState is an opaque token (rule authn.relay_state).
Receiving side: pysaml2 7.0.1 refuses any AttributeValue typed xs:date ("Type and value do not match")
even with allow_unknown_attributes; SPID types dateOfBirth and expirationDate as xs:date. The test teaches
AttributeValueBase.set_text the type (kept as its ISO text after checking it parses as a date), which an SP
using this pysaml2 with SPID has to do too. pysaml2 checks only embedded signatures; the Redirect query
signature is the IdP's concern here (it verifies it, rule authn.signature).
"""

import base64
import datetime
import logging
import os
import secrets
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import check, log  # noqa: E402

support.require_modules(["saml2.client", "requests"], "the pysaml2 interop test")
# pysaml2 logs every rejection (and xmlsec1's output) at ERROR; the checks below report what matters.
logging.getLogger("saml2").setLevel(logging.CRITICAL)
XMLSEC1 = "/usr/bin/xmlsec1"
if not os.access(XMLSEC1, os.X_OK):
    log("SKIP: pysaml2's xmlsec1 backend needs %s (Debian package xmlsec1)" % XMLSEC1)
    sys.exit(support.SKIP)

import saml2  # noqa: E402
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, md, saml  # noqa: E402
from saml2.client import Saml2Client  # noqa: E402
from saml2.config import SPConfig  # noqa: E402
from saml2.metadata import sign_entity_descriptor  # noqa: E402
from saml2.response import StatusError  # noqa: E402
from saml2.samlp import RequestedAuthnContext  # noqa: E402
from saml2.sigver import SignatureError  # noqa: E402
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256  # noqa: E402

SP_HOST = "sp-pysaml2.example"
SP_BASE = "https://" + SP_HOST
SP_ENTITY = SP_BASE + "/metadata"
SP_ACS = SP_BASE + "/acs"
ORGANIZATION = "Comune di Vigata (pysaml2)"
IPA_CODE = "c_vgt"
XS_DATE_TYPES = ("xs:date", "xsd:date")


def teach_pysaml2_xs_date():
    """pysaml2 7.0.1's AttributeValueBase.set_text knows string, integer, boolean... but not xs:date, and
    raises ValueError for such a value; wrap it so that a value typed xs:date must parse as an ISO date and
    is kept as text, still typed xs:date."""
    base = saml2.saml.AttributeValueBase
    original = base.set_text
    if getattr(original, "spid_xs_date", False):
        return

    def set_text(self, value, base64encode=False):
        if not base64encode and self.get_type() in XS_DATE_TYPES and isinstance(value, str):
            datetime.date.fromisoformat(value.strip())  # ValueError for a value that is not a date
            typ = self.get_type()
            self.clear_type()
            original(self, value.strip())
            self.set_type(typ)
            return self
        return original(self, value, base64encode)

    set_text.spid_xs_date = True
    base.set_text = set_text


def spid_msg_cb(adjust):
    def cb(request):
        if adjust and isinstance(request, saml2.samlp.AuthnRequest):
            request.issuer.name_qualifier = SP_ENTITY
            if request.assertion_consumer_service_index is not None:
                request.protocol_binding = None
        return request
    return cb


def sp_config(creds, idp_metadata_path):
    conf = SPConfig()
    conf.load({
        "entityid": SP_ENTITY,
        "xmlsec_binary": XMLSEC1,
        "key_file": creds["key_path"],
        "cert_file": creds["cert_path"],
        "metadata": {"local": [idp_metadata_path]} if idp_metadata_path else {},
        "allow_unknown_attributes": True,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "service": {"sp": {
            "name": ORGANIZATION,
            "endpoints": {
                "assertion_consumer_service": [(SP_ACS, BINDING_HTTP_POST)],
                "single_logout_service": [(SP_BASE + "/slo", BINDING_HTTP_POST)],
            },
            "authn_requests_signed": True,
            "want_response_signed": True,
            "want_assertions_signed": True,
            "allow_unsolicited": False,
            "name_id_format": [saml.NAMEID_FORMAT_TRANSIENT],
            "name_id_policy_format": saml.NAMEID_FORMAT_TRANSIENT,
            "force_authn": True,
        }},
    })
    return conf


def client(creds, idp_metadata_path, adjust=True):
    return Saml2Client(config=sp_config(creds, idp_metadata_path), msg_cb=spid_msg_cb(adjust))


def write_signed_metadata(workdir, creds):
    xml = support.sp_metadata_xml(SP_ENTITY, SP_BASE, creds["cert_b64"], ORGANIZATION, IPA_CODE)
    edesc = md.entity_descriptor_from_string(xml)
    sec = client(creds, None).sec
    _, signed = sign_entity_descriptor(edesc, edesc.id, sec, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    if isinstance(signed, bytes):
        signed = signed.decode("utf-8")
    path = os.path.join(workdir, "sp-pysaml2-metadata.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(signed)
    return path


def requested_authn_context():
    return RequestedAuthnContext(authn_context_class_ref=[saml.AuthnContextClassRef(text=support.SPID_L2)],
                                 comparison="minimum")


def start_login(sp, browser, idp_entity, binding, relay, **kwargs):
    """The library builds (and signs) the request; the test carries it like a browser would."""
    request_id, info = sp.prepare_for_authenticate(
        entityid=idp_entity, relay_state=relay, binding=binding, sign=True, sigalg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256, requested_authn_context=requested_authn_context(), **kwargs)
    if binding == BINDING_HTTP_REDIRECT:
        url = dict(info["headers"])["Location"]
        log("HTTP-Redirect AuthnRequest %s -> %s" % (request_id, url.split("?")[0]))
        return request_id, browser.send_redirect(url)
    # HTTP-POST: the library's auto-submitting form, submitted as a browser would.
    form = next(f for f in support.forms_of(info["data"]) if "SAMLRequest" in f["inputs"])
    log("HTTP-POST AuthnRequest %s -> %s" % (request_id, form["action"]))
    return request_id, browser.send_post(form["action"], form["inputs"])


def parse(sp, saml_response, request_id):
    return sp.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"})


def accept(sp, acs, saml_response, relay_state, expected_relay, request_id, user, service, binding):
    check(acs == SP_ACS, "%s: the IdP posts the Response to %s, not the ACS %s" % (binding, acs, SP_ACS))
    check(relay_state == expected_relay,
          "%s: RelayState came back as %r, sent %r" % (binding, relay_state, expected_relay))
    try:
        response = parse(sp, saml_response, request_id)
    except Exception as e:
        raise support.Failure("%s: pysaml2 rejects the IdP's Response: %s: %s" % (binding, type(e).__name__, e))
    check(response is not None, "%s: pysaml2 returned no response (unsolicited or unparsable)" % binding)
    check(response.in_response_to == request_id,
          "%s: InResponseTo %s, the request was %s" % (binding, response.in_response_to, request_id))
    ava = response.get_identity()
    names = support.SERVICES[service][1]
    for name in names:
        check(ava.get(name) == [user[name]],
              "%s: attribute %s is %r, the test user has %r" % (binding, name, ava.get(name), user[name]))
    check(set(ava) == set(names), "%s: attributes %s differ from the requested set %s" % (binding, sorted(ava), names))
    name_id = response.name_id
    check(name_id.format == saml.NAMEID_FORMAT_TRANSIENT, "%s: NameID Format is %s" % (binding, name_id.format))
    classes = [info[0] for info in response.authn_info()]
    check(classes == [support.SPID_L2], "%s: AuthnContextClassRef %s" % (binding, classes))
    log("%s: pysaml2 accepts the Response: %s, NameID %s, level %s"
        % (binding, ", ".join("%s %s" % (n, ava[n][0]) for n in names), name_id.text, classes[0]))


def reject_tampered(creds, idp_md, saml_response, request_id, target):
    forged, before, after = support.tamper(saml_response, target)
    try:
        response = parse(client(creds, idp_md), forged, request_id)  # a fresh client: no state from before
    except SignatureError as e:
        log("tampered %s (%s -> %s): pysaml2 rejects it: %s: %s" % (target, before, after, type(e).__name__, e))
        return
    except Exception as e:
        raise support.Failure("pysaml2 rejects the tampered %s, but not for its signature: %s: %s"
                              % (target, type(e).__name__, e))
    check(response is None, "pysaml2 ACCEPTS a Response whose %s was changed from %s to %s" % (target, before, after))
    raise support.Failure("pysaml2 drops the tampered %s without a signature error" % target)


def library_defaults_are_refused(server, browser, creds, idp_md, idp_entity):
    """Without msg_cb's adjustment the IdP fails exactly authn.issuer and answers with a signed SPID error
    Response, which pysaml2 verifies and turns into a status error carrying the SPID ErrorCode."""
    sp = client(creds, idp_md, adjust=False)
    relay = secrets.token_hex(16)
    request_id, first = start_login(sp, browser, idp_entity, BINDING_HTTP_REDIRECT, relay,
                                    attribute_consuming_service_index="0")
    acs, saml_response, relay_back = browser.response_form(first, "the unadjusted AuthnRequest")
    failed = support.failed_rules(server, request_id)
    check(failed == ["authn.issuer"],
          "the unadjusted pysaml2 AuthnRequest fails rules %s; expected exactly authn.issuer" % failed)
    check(acs == SP_ACS and relay_back == relay, "the error Response goes to %s with RelayState %r" % (acs, relay_back))
    # pysaml2 checks the Response signature (want_response_signed) before the status: a forged ErrorCode
    # must fail as a signature error, not surface as the IdP's status.
    xml = base64.b64decode(saml_response).decode("utf-8")
    check("ErrorCode nr10" in xml, "the IdP's error Response does not carry ErrorCode nr10")
    forged = base64.b64encode(xml.replace("ErrorCode nr10", "ErrorCode nr11").encode("utf-8")).decode("ascii")
    try:
        parse(client(creds, idp_md, adjust=False), forged, request_id)
        raise support.Failure("pysaml2 does not notice a forged ErrorCode in a signed error Response")
    except SignatureError:
        pass
    except StatusError as e:
        raise support.Failure("pysaml2 reports a forged error status without checking the signature: %s" % e)
    try:
        parse(sp, saml_response, request_id)
    except StatusError as e:
        check("ErrorCode nr10" in str(e), "pysaml2's status error does not carry ErrorCode nr10: %s" % e)
        log("unadjusted pysaml2 AuthnRequest: the IdP fails %s and answers with a signed error Response; "
            "pysaml2 verifies it (a forged ErrorCode fails its signature) and reports %s: %s"
            % (", ".join(failed), type(e).__name__, " | ".join(str(e).splitlines())))
        return
    raise support.Failure("pysaml2 did not report the IdP's error Response as a status error")


def run(binary, repo, workdir):
    teach_pysaml2_xs_date()
    user = support.test_user(repo)
    creds = support.make_sp_credentials(workdir, SP_ENTITY, ORGANIZATION, IPA_CODE)
    metadata_path = write_signed_metadata(workdir, creds)

    def body(server):
        support.check_metadata_accepted(server, SP_ENTITY, expect_signed=True)

        idp_xml = server.idp_metadata()
        idp_md = os.path.join(workdir, "idp-aurora-id-metadata.xml")
        with open(idp_md, "w", encoding="utf-8") as f:
            f.write(idp_xml)
        pinned = os.path.join(workdir, "idp-aurora-id.pinned.crt")
        with open(pinned, "w", encoding="ascii") as f:
            f.write(server.idp_certificate_pem())
        sp = client(creds, idp_md)
        check(sp.sec.verify_signature(idp_xml, cert_file=pinned, node_name=saml2.class_name(md.EntityDescriptor())),
              "pysaml2 cannot verify the IdP metadata signature with the pinned IdP certificate")
        idp_entities = list(sp.metadata.identity_providers())
        check(len(idp_entities) == 1, "pysaml2 finds IdPs %s in the IdP metadata" % idp_entities)
        idp_entity = idp_entities[0]
        browser = support.Browser(server)

        # ---- HTTP-Redirect: AssertionConsumerServiceURL + ProtocolBinding, attribute set 0 ----
        relay = secrets.token_hex(16)
        request_id, first = start_login(sp, browser, idp_entity, BINDING_HTTP_REDIRECT, relay,
                                        attribute_consuming_service_index="0")
        acs, saml_response, relay_back = browser.login(first)
        accept(sp, acs, saml_response, relay_back, relay, request_id, user, 0, "HTTP-Redirect")
        reject_tampered(creds, idp_md, saml_response, request_id, "NameID")
        reject_tampered(creds, idp_md, saml_response, request_id, "fiscalNumber")
        library_defaults_are_refused(server, browser, creds, idp_md, idp_entity)

        # ---- HTTP-POST: AssertionConsumerServiceIndex 0, attribute set 1 (xs:date values) ----
        sp = client(creds, idp_md)
        relay = secrets.token_hex(16)
        request_id, first = start_login(sp, browser, idp_entity, BINDING_HTTP_POST, relay,
                                        assertion_consumer_service_index="0",
                                        attribute_consuming_service_index="1")
        acs, saml_response, relay_back = browser.login(first)
        accept(sp, acs, saml_response, relay_back, relay, request_id, user, 1, "HTTP-POST")

    support.with_server(binary, repo, workdir, [metadata_path], body)


if __name__ == "__main__":
    support.main(run, "pysaml2")
