#!/usr/bin/python3
"""Interop: python3-saml (OneLogin, Debian's python3-onelogin-saml2) as a SPID Service Provider against
the real `sportello serve`, over HTTPS with the server's test CA.

    /usr/bin/python3 onelogin_sp_test.py <sportello binary> <repository root>

What it proves:
  1. SP metadata signed by the library (OneLogin_Saml2_Metadata.sign_metadata, RSA-SHA256) is registered by
     the mock IdP with a verified signature and no failed metadata rule; the library's own schema check
     (OneLogin_Saml2_Settings.validate_metadata) accepts it too.
  2. The IdP's signed metadata (GET /idp/aurora-id/metadata) verifies with the library
     (OneLogin_Saml2_Utils.validate_metadata_sign) against the certificate pinned from the server's PKI
     directory, and the library's OneLogin_Saml2_IdPMetadataParser reads it.
  3. HTTP-Redirect: an AuthnRequest built by the library, query-signed by the library
     (OneLogin_Saml2_Auth.login), passes every AuthnRequest rule of the IdP; mario.rossi logs in and
     consents; the signed Response is valid for OneLogin_Saml2_Response.is_valid in strict mode
     (schema, signatures of Response and Assertion, InResponseTo, Destination, Audience, Issuer,
     SubjectConfirmation, timestamps, AuthnContext) and carries the requested attributes.
  4. HTTP-POST: the same with an AuthnRequest XML-signed by the library (OneLogin_Saml2_Utils.add_sign).
  5. Negative: the same Response with one character changed in the NameID, or in the fiscalNumber value,
     is rejected by the library for its signature.
  6. The stock AuthnRequest (without the SPID adjustments below) fails exactly the IdP rules authn.issuer and
     authn.name_id_policy; the IdP answers with a signed SPID error Response (ErrorCode nr10) whose
     signature the library verifies (validate_sign) and whose status it reports as not Success.

SPID adjustments python3-saml 1.12 needs (it has no SPID profile); all are made to the XML BEFORE any
signature is computed, by a subclass of OneLogin_Saml2_Authn_Request that the library itself then
deflates, encodes and signs:
  - <saml:Issuer> is emitted bare: SPID (and the IdP's rule authn.issuer) require
    Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity" and NameQualifier (= the SP entityID).
  - <samlp:NameIDPolicy> always carries AllowCreate="true": SPID forbids AllowCreate (rule
    authn.name_id_policy), so it is removed.
Settings do the rest with no XML editing: AttributeConsumingServiceIndex comes from
sp.attributeConsumingService.index ("0"); ForceAuthn from login(force_authn=True); RequestedAuthnContext
from security.requestedAuthnContext/Comparison; the AssertionConsumerServiceURL + ProtocolBinding
HTTP-POST the library always sends is one of the two forms SPID allows (the URL equals the metadata ACS).
RelayState: login() defaults it to the current URL, which SPID forbids (rule authn.relay_state: opaque, not
a readable URL); the test passes an opaque token as return_to.
"""

import os
import secrets
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import check, log  # noqa: E402

support.require_modules(["onelogin.saml2.auth", "xmlsec", "lxml.etree", "requests"],
                        "the OneLogin python3-saml interop test")

from lxml import etree  # noqa: E402
from onelogin.saml2.auth import OneLogin_Saml2_Auth  # noqa: E402
from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request  # noqa: E402
from onelogin.saml2.constants import OneLogin_Saml2_Constants as K  # noqa: E402
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser  # noqa: E402
from onelogin.saml2.metadata import OneLogin_Saml2_Metadata  # noqa: E402
from onelogin.saml2.response import OneLogin_Saml2_Response  # noqa: E402
from onelogin.saml2.settings import OneLogin_Saml2_Settings  # noqa: E402
from onelogin.saml2.utils import OneLogin_Saml2_Utils  # noqa: E402

SP_HOST = "sp-onelogin.example"
SP_BASE = "https://" + SP_HOST
SP_ENTITY = SP_BASE + "/metadata"
SP_ACS = SP_BASE + "/acs"
ORGANIZATION = "Comune di Vigata (OneLogin)"
IPA_CODE = "c_vgt"
NS = {"samlp": K.NS_SAMLP, "saml": K.NS_SAML}


class SpidAuthnRequest(OneLogin_Saml2_Authn_Request):
    """python3-saml's AuthnRequest made SPID-conformant before it is encoded and signed."""

    def __init__(self, settings, *args, **kwargs):
        super().__init__(settings, *args, **kwargs)
        root = etree.fromstring(self.get_xml().encode("utf-8"))
        entity_id = settings.get_sp_data()["entityId"]
        # SPID: the Issuer carries Format entity and a NameQualifier; python3-saml writes neither.
        issuer = root.find("saml:Issuer", NS)
        issuer.set("Format", K.NAMEID_ENTITY)
        issuer.set("NameQualifier", entity_id)
        # SPID: no AllowCreate on NameIDPolicy; python3-saml always writes AllowCreate="true".
        policy = root.find("samlp:NameIDPolicy", NS)
        if policy is not None and "AllowCreate" in policy.attrib:
            del policy.attrib["AllowCreate"]
        # The base class keeps the XML in a private attribute that get_xml()/get_request() read.
        self._OneLogin_Saml2_Authn_Request__authn_request = etree.tostring(root, encoding="unicode")


def sp_settings(creds):
    return {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": SP_ENTITY,
            "assertionConsumerService": {"url": SP_ACS, "binding": K.BINDING_HTTP_POST},
            "singleLogoutService": {"url": SP_BASE + "/slo", "binding": K.BINDING_HTTP_POST},
            "attributeConsumingService": {
                "index": "0",
                "serviceName": support.SERVICES[0][0],
                "requestedAttributes": [{"name": a, "nameFormat": support.ATTRNAME_BASIC, "isRequired": True}
                                        for a in support.SERVICES[0][1]],
            },
            "NameIDFormat": K.NAMEID_TRANSIENT,
            "x509cert": creds["cert_pem"],
            "privateKey": creds["key_pem"],
        },
        "security": {
            "authnRequestsSigned": True,
            "wantMessagesSigned": True,
            "wantAssertionsSigned": True,
            "wantNameId": True,
            "wantAttributeStatement": True,
            "signatureAlgorithm": K.RSA_SHA256,
            "digestAlgorithm": K.SHA256,
            "requestedAuthnContext": [support.SPID_L2],
            "requestedAuthnContextComparison": "minimum",
            "failOnAuthnContextMismatch": True,
        },
    }


def write_signed_metadata(workdir, creds):
    xml = support.sp_metadata_xml(SP_ENTITY, SP_BASE, creds["cert_b64"], ORGANIZATION, IPA_CODE)
    signed = OneLogin_Saml2_Metadata.sign_metadata(xml, creds["key_pem"], creds["cert_pem"], K.RSA_SHA256,
                                                   K.SHA256)
    if isinstance(signed, bytes):
        signed = signed.decode("utf-8")
    errors = OneLogin_Saml2_Settings(sp_settings(creds), sp_validation_only=True).validate_metadata(signed)
    check(not errors, "python3-saml's own metadata check refuses the SP metadata: %s" % errors)
    path = os.path.join(workdir, "sp-onelogin-metadata.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(signed)
    return path


def acs_request_data(saml_response, relay_state):
    # What the SP's web framework would hand the library at POST https://sp-onelogin.example/acs.
    return {"https": "on", "http_host": SP_HOST, "script_name": "/acs", "get_data": {},
            "post_data": {"SAMLResponse": saml_response, "RelayState": relay_state}}


def verify(settings, saml_response, relay_state, request_id):
    """The library's own verdict on a Response: (is_valid, error, response object)."""
    response = OneLogin_Saml2_Response(OneLogin_Saml2_Settings(settings), saml_response)
    ok = response.is_valid(acs_request_data(saml_response, relay_state), request_id)
    return ok, response.get_error(), response


def accept(settings, acs, saml_response, relay_state, expected_relay, request_id, user, binding):
    check(acs == SP_ACS, "%s: the IdP posts the Response to %s, not the ACS %s" % (binding, acs, SP_ACS))
    check(relay_state == expected_relay,
          "%s: RelayState came back as %r, sent %r" % (binding, relay_state, expected_relay))
    ok, error, response = verify(settings, saml_response, relay_state, request_id)
    check(ok, "%s: python3-saml rejects the IdP's Response (strict): %s" % (binding, error))
    attributes = response.get_attributes()
    for name in support.SERVICES[0][1]:
        check(attributes.get(name) == [user[name]],
              "%s: attribute %s is %r, the test user has %r" % (binding, name, attributes.get(name), user[name]))
    check(set(attributes) == set(support.SERVICES[0][1]),
          "%s: attributes %s differ from the requested set %s" % (binding, sorted(attributes), support.SERVICES[0][1]))
    check(response.get_nameid_format() == K.NAMEID_TRANSIENT,
          "%s: NameID Format is %s" % (binding, response.get_nameid_format()))
    check(response.get_authn_contexts() == [support.SPID_L2],
          "%s: AuthnContextClassRef %s" % (binding, response.get_authn_contexts()))
    log("%s: python3-saml accepts the Response (strict): fiscalNumber %s, NameID %s, level %s"
        % (binding, attributes["fiscalNumber"][0], response.get_nameid(), response.get_authn_contexts()[0]))


def reject_tampered(settings, saml_response, relay_state, request_id, target):
    forged, before, after = support.tamper(saml_response, target)
    ok, error, _ = verify(settings, forged, relay_state, request_id)
    check(not ok, "python3-saml ACCEPTS a Response whose %s was changed from %s to %s" % (target, before, after))
    check(error and "ignature" in error,
          "python3-saml rejects the tampered %s, but not for its signature: %s" % (target, error))
    log("tampered %s (%s -> %s): python3-saml rejects it: %s" % (target, before, after, error))


def library_defaults_are_refused(server, browser, settings):
    """The stock OneLogin_Saml2_Authn_Request (no SPID adjustment) breaks exactly the two rules the
    adjustments exist for; the IdP answers with a signed SPID error Response, whose signature python3-saml
    verifies and whose status it reports as not successful, with the SPID ErrorCode."""
    auth = OneLogin_Saml2_Auth(acs_request_data("", ""), settings)
    relay = secrets.token_hex(16)
    url = auth.login(return_to=relay, force_authn=True)
    request_id = auth.get_last_request_id()
    acs, saml_response, relay_back = browser.response_form(browser.send_redirect(url),
                                                           "the unadjusted AuthnRequest")
    failed = support.failed_rules(server, request_id)
    check(failed == ["authn.issuer", "authn.name_id_policy"],
          "the stock python3-saml AuthnRequest fails rules %s; expected exactly authn.issuer and "
          "authn.name_id_policy" % failed)
    check(acs == SP_ACS and relay_back == relay, "the error Response goes to %s with RelayState %r" % (acs, relay_back))
    # is_valid() reports the status before it looks at signatures: check the error Response's own
    # signature with the library too, against the IdP certificate from the metadata.
    check(OneLogin_Saml2_Utils.validate_sign(OneLogin_Saml2_Utils.b64decode(saml_response),
                                             cert=settings["idp"]["x509cert"]),
          "python3-saml cannot verify the signature of the IdP's error Response")
    ok, error, _ = verify(settings, saml_response, relay_back, request_id)
    check(not ok and error and "ErrorCode nr10" in error,
          "python3-saml on the IdP's error Response: valid=%s, %s (expected a Requester status with "
          "ErrorCode nr10)" % (ok, error))
    log("stock python3-saml AuthnRequest: the IdP fails %s and answers with a signed error Response; "
        "its signature verifies; python3-saml: %s" % (", ".join(failed), error))


def run(binary, repo, workdir):
    user = support.test_user(repo)
    creds = support.make_sp_credentials(workdir, SP_ENTITY, ORGANIZATION, IPA_CODE)
    metadata_path = write_signed_metadata(workdir, creds)

    def body(server):
        support.check_metadata_accepted(server, SP_ENTITY, expect_signed=True)

        idp_xml = server.idp_metadata()
        pinned = server.idp_certificate_pem()
        check(OneLogin_Saml2_Utils.validate_metadata_sign(idp_xml, cert=pinned),
              "python3-saml cannot verify the IdP metadata signature with the pinned IdP certificate")
        browser = support.Browser(server)

        # ---- HTTP-Redirect, the library's own login(): it deflates, encodes and query-signs ----
        idp = OneLogin_Saml2_IdPMetadataParser.parse(idp_xml, required_sso_binding=K.BINDING_HTTP_REDIRECT)
        check(support.pem_body(idp["idp"]["x509cert"]) == support.pem_body(pinned),
              "the IdP metadata's signing certificate is not the one in the server's PKI directory")
        settings = OneLogin_Saml2_IdPMetadataParser.merge_settings(sp_settings(creds), idp)
        auth = OneLogin_Saml2_Auth(acs_request_data("", ""), settings)
        auth.authn_request_class = SpidAuthnRequest
        relay = secrets.token_hex(16)
        url = auth.login(return_to=relay, force_authn=True)
        request_id = auth.get_last_request_id()
        log("HTTP-Redirect AuthnRequest %s -> %s" % (request_id, url.split("?")[0]))
        acs, saml_response, relay_back = browser.login(browser.send_redirect(url))
        accept(settings, acs, saml_response, relay_back, relay, request_id, user, "HTTP-Redirect")
        reject_tampered(settings, saml_response, relay_back, request_id, "NameID")
        reject_tampered(settings, saml_response, relay_back, request_id, "fiscalNumber")
        library_defaults_are_refused(server, browser, settings)

        # ---- HTTP-POST: the same request object, XML-signed by the library (Signature after Issuer) ----
        idp = OneLogin_Saml2_IdPMetadataParser.parse(idp_xml, required_sso_binding=K.BINDING_HTTP_POST)
        settings = OneLogin_Saml2_IdPMetadataParser.merge_settings(sp_settings(creds), idp)
        request = SpidAuthnRequest(OneLogin_Saml2_Settings(settings), force_authn=True)
        signed = OneLogin_Saml2_Utils.add_sign(request.get_xml(), creds["key_pem"], creds["cert_pem"],
                                               sign_algorithm=K.RSA_SHA256, digest_algorithm=K.SHA256)
        relay = secrets.token_hex(16)
        sso = idp["idp"]["singleSignOnService"]["url"]
        log("HTTP-POST AuthnRequest %s -> %s" % (request.get_id(), sso))
        first = browser.send_post(sso, {"SAMLRequest": OneLogin_Saml2_Utils.b64encode(signed), "RelayState": relay})
        acs, saml_response, relay_back = browser.login(first)
        accept(settings, acs, saml_response, relay_back, relay, request.get_id(), user, "HTTP-POST")

    support.with_server(binary, repo, workdir, [metadata_path], body)


if __name__ == "__main__":
    support.main(run, "python3-saml (onelogin)")
