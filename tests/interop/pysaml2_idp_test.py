"""Interop: the gateway's SPID Service Provider logs in through a third-party IdP, one written here with
Debian's python3-pysaml2 (saml2.server.Server), and the session's identity reaches an upstream.

Run by CTest as
    /usr/bin/python3 pysaml2_idp_test.py <path to the sportello binary> <repository root>
exits 0 on success, 77 (skipped) without pysaml2, requests, cryptography or the xmlsec1 CLI, 1 on failure.

What runs, all on 127.0.0.1 ports chosen by the kernel:
  - the IdP: HTTPS (a throw-away CA issues its TLS certificate; its SAML signing certificate is
    self-signed), SSO on HTTP-Redirect. It loads the SP metadata fetched from the running gateway once its
    signature verifies with the SP certificate of the gateway's PKI directory, checks the gateway's
    AuthnRequest against it (the query signature with the SP's signing certificate, Issuer, Destination,
    the ACS index, SpidL2) and answers with a SPID-shaped Response, Response and Assertion signed
    (RSA-SHA256, SHA-256 digests), in an auto-posting form with the RelayState;
  - an echo upstream: plain HTTP, answers every request with the headers it received, as JSON;
  - `sportello serve` with the default configuration plus the IdP as [[external_idps]] (its signed
    metadata in a file), a [[routes]] /servizi/ -> the echo upstream (auth any, min_level 2) and a
    [[routes]] /aperto/ -> the same upstream (auth none).
A requests.Session plays the browser (cookies kept across the gateway and the IdP).

Checks: the gateway trusts the IdP from its signed metadata; the login through the pysaml2 IdP ends in a
session whose identity reaches the upstream as the X-Sportello-* headers (fiscal number without TINIT-,
names, level 2, the IdP's entityID, the other attributes; percent-encoded) and /sessione; identity headers
a client sends never reach the upstream: refused without a session on the auth route, stripped on the
auth = none route, replaced by the session's with one; the same Response posted again (same RelayState,
then under a new login) is refused with 403; a Response signed by a key the IdP metadata does not list is
refused with 403, and so is a correctly signed one with a changed fiscalNumber. Then a login through the
mock IdP aurora-id (its login and consent pages) whose identity reaches the upstream too.

What pysaml2 7.0.1 needs to be a SPID IdP (done with its own objects, no XML text editing):
  - attribute names: its bundled maps translate friendly names to OIDs or urn:mace names; SPID uses the
    plain names with NameFormat basic, so the Server gets an AttributeConverter mapping each SPID name to
    itself (`spid_attribute_converter`) and a policy with name_form basic, lifetime 5 minutes;
  - its policy filter repeats an attribute's values once per AttributeConsumingService of the SP metadata
    that requests the attribute (the gateway publishes two, sharing names): the values are de-duplicated;
  - NameID: passed explicitly (transient, NameQualifier = the IdP's entityID), not left to its IdentDB;
  - AuthnContextClassRef SpidL2 through `authn={"class_ref": ...}`;
  - xs:date: pysaml2 types every str value xs:string; SPID types dateOfBirth (and expirationDate) xs:date.
    The Response is built unsigned, the types set on the objects, then signed with the Server's own
    sign() exactly as create_authn_response would (Assertion first, then Response);
  - Server.verify_assertion_consumer_service raises AttributeError for a request with
    AssertionConsumerServiceIndex (what the gateway sends): the ACS is looked up in the metadata here;
  - the Redirect binding: pysaml2 7.0.1's parse_authn_request neither sees nor checks the query signature
    (want_authn_requests_signed would demand an XML signature the Redirect binding does not carry), so it
    runs with want_authn_requests_signed off and the query signature is checked with
    saml2.sigver.verify_redirect_signature and the SP certificate from the SP metadata. That function
    re-encodes the decoded values instead of using the octets received (SAML bindings 3.4.4.1 signs the
    octets as sent); it agrees with the gateway's encoding, and the refusal says so if that ever changes.
"""

import base64
import datetime
import html
import http.server
import ipaddress
import json
import logging
import os
import re
import secrets
import ssl
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import Failure, check, log  # noqa: E402

support.require_modules(["saml2.server", "requests", "cryptography"], "the pysaml2 IdP interop test")
logging.getLogger("saml2").setLevel(logging.CRITICAL)  # the checks below say what matters
XMLSEC1 = "/usr/bin/xmlsec1"
if not os.access(XMLSEC1, os.X_OK):
    log("SKIP: pysaml2's xmlsec1 backend needs %s (Debian package xmlsec1)" % XMLSEC1)
    sys.exit(support.SKIP)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name, md, saml  # noqa: E402
from saml2.attribute_converter import AttributeConverter  # noqa: E402
from saml2.config import IdPConfig  # noqa: E402
from saml2.metadata import entity_descriptor, sign_entity_descriptor  # noqa: E402
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_TRANSIENT  # noqa: E402
from saml2.server import Server  # noqa: E402
from saml2.sigver import RSACrypto, pre_signature_part, verify_redirect_signature  # noqa: E402
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256  # noqa: E402

IDP_NAME = "pysaml2"  # the [[external_idps]] name
FISCAL_CODE = "RSSMRA80A01H501U"
IDENTITY = {  # what the pysaml2 IdP asserts: the gateway's attribute service 0 asks for exactly these
    "fiscalNumber": "TINIT-" + FISCAL_CODE,
    "name": "Mario",
    "familyName": "Rossi",
    "dateOfBirth": "1980-01-01",
    "email": "mario.rossi@example.it",
}
SPID_ATTRIBUTES = ["spidCode", "name", "familyName", "placeOfBirth", "countyOfBirth", "dateOfBirth", "gender",
                   "companyName", "registeredOffice", "fiscalNumber", "ivaCode", "idCard", "mobilePhone",
                   "email", "address", "expirationDate", "digitalAddress", "domicileStreetAddress",
                   "domicilePostalCode", "domicileMunicipality", "domicileProvince", "domicileNation"]
XS_DATE_ATTRIBUTES = ("dateOfBirth", "expirationDate")
ROUTE = "/servizi/"  # auth any, min_level 2
NEXT = "/servizi/echo"
PUBLIC_ROUTE = "/aperto/"  # auth none: reached without a session, so forged headers get there unless stripped
FORGED = {"X-Sportello-Fiscal-Number": "FRGFRG00A01H501X", "x-sportello-level": "3",
          "X-Sportello-Idp": "https://evil.example/idp", "X-Sportello-Attr-role": "sindaco",
          "X-Forwarded-For": "203.0.113.9"}


# ---- Keys and certificates ----

def _write_key(path, key):
    with open(path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))


def _write_cert(path, cert):
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Identità di prova pysaml2"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "IT")])


def _builder(subject, issuer, public_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2)))


def signing_credentials(workdir, label):
    """A self-signed RSA 2048 certificate for SAML signatures (SPID IdPs publish theirs in metadata)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (_builder(_name("pysaml2 IdP signing (%s)" % label), _name("pysaml2 IdP signing (%s)" % label),
                     key.public_key())
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    paths = {"key": os.path.join(workdir, "idp-%s.key" % label), "cert": os.path.join(workdir, "idp-%s.crt" % label)}
    _write_key(paths["key"], key)
    _write_cert(paths["cert"], cert)
    return paths


def tls_credentials(workdir):
    """A throw-away CA and a server certificate for 127.0.0.1 signed by it (the IdP's HTTPS). P-256 keys:
    generated at once, where RSA keys take seconds on a loaded machine."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("pysaml2 IdP test CA")
    ca = (_builder(ca_name, ca_name, ca_key.public_key())
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (_builder(_name("127.0.0.1"), ca_name, key.public_key())
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {"ca": os.path.join(workdir, "idp-tls-ca.crt"), "key": os.path.join(workdir, "idp-tls.key"),
             "cert": os.path.join(workdir, "idp-tls.crt")}
    _write_cert(paths["ca"], ca)
    _write_key(paths["key"], key)
    _write_cert(paths["cert"], leaf)
    return paths


# ---- Small HTTP servers ----

class _Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # no access log on stderr
        pass

    def reply(self, status, body, content_type):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self):
        if self.thread is not None:
            self.shutdown()
            self.thread.join(5)
        self.server_close()


class EchoUpstream:
    """The comune's service behind the route: answers every request with what it received, as JSON
    (headers as a list of [name, value], so that a duplicated header shows), and keeps a copy."""

    def __init__(self):
        outer = self
        self.seen = []
        self.lock = threading.Lock()

        class Handler(_Quiet):
            def _echo(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                record = {"method": self.command, "path": self.path, "headers": list(self.headers.items())}
                with outer.lock:
                    outer.seen.append(record)
                self.reply(200, json.dumps(record), "application/json")

            do_GET = do_POST = do_PUT = do_DELETE = _echo

        self.httpd = _Server(Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def count(self):
        with self.lock:
            return len(self.seen)


def headers_named(record, name):
    return [v for k, v in record["headers"] if k.lower() == name.lower()]


# ---- The pysaml2 IdP ----

def spid_attribute_converter():
    """SPID attribute names as they are, NameFormat basic (pysaml2's bundled maps would rename them)."""
    conv = AttributeConverter(NAME_FORMAT_BASIC)
    conv.from_dict({"identifier": NAME_FORMAT_BASIC, "to": {n: n for n in SPID_ATTRIBUTES},
                    "fro": {n: n for n in SPID_ATTRIBUTES}})
    return conv


class RefusedRequest(Exception):
    """The IdP does not answer this AuthnRequest (a 400 page saying why)."""


class PysamlIdp:
    """A SPID IdP built on saml2.server.Server. The socket is bound at construction so that the entityID
    and endpoints (which carry the port) exist before the metadata is written; trust_sp() loads the SP
    metadata once the gateway serves it, and only then does the IdP answer."""

    def __init__(self, workdir):
        self.workdir = workdir
        outer = self

        class Handler(_Quiet):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                if path != "/sso":
                    return self.reply(404, "not found", "text/plain")
                try:
                    page = outer.single_sign_on(query)
                except RefusedRequest as e:
                    outer.refusals.append(str(e))
                    return self.reply(400, "<p>%s</p>" % html.escape(str(e)), "text/html; charset=utf-8")
                except Exception as e:  # a bug here, or pysaml2's: say it instead of dropping the connection
                    outer.refusals.append("%s: %s" % (type(e).__name__, e))
                    return self.reply(500, "<pre>%s</pre>" % html.escape(traceback.format_exc()),
                                      "text/html; charset=utf-8")
                self.reply(200, page, "text/html; charset=utf-8")

        self.httpd = _Server(Handler)
        self.base = "https://127.0.0.1:%d" % self.httpd.server_address[1]
        self.entity_id = self.base + "/metadata"
        self.sso_url = self.base + "/sso"
        self.tls = tls_credentials(workdir)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.tls["cert"], self.tls["key"])
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.signing = signing_credentials(workdir, "signing")
        self.rogue = signing_credentials(workdir, "rogue")  # same IdP, a key its metadata does not list
        self.sign_with = "signing"
        self.servers = {}
        self.requests = []  # (AuthnRequest ID, SP entityID, ACS URL, RelayState) of every answered request
        self.refusals = []

    def config(self, credentials, sp_metadata=None):
        conf = IdPConfig()
        conf.load({
            "entityid": self.entity_id,
            "xmlsec_binary": XMLSEC1,
            "key_file": credentials["key"],
            "cert_file": credentials["cert"],
            "metadata": {"local": [sp_metadata]} if sp_metadata else {},
            "signing_algorithm": SIG_RSA_SHA256,
            "digest_algorithm": DIGEST_SHA256,
            "accepted_time_diff": 60,
            "organization": {"name": [("Identità di prova pysaml2", "it")],
                             "display_name": [("Identità di prova pysaml2", "it")],
                             "url": [(self.base + "/", "it")]},
            "service": {"idp": {
                "name": "Identità di prova pysaml2",
                "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)],
                              "single_logout_service": [(self.base + "/slo", BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                # The Redirect binding signs the query, not the XML: checked in single_sign_on().
                "want_authn_requests_signed": False,
                "sign_response": True,
                "sign_assertion": True,
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_BASIC,
                                       "attribute_restrictions": None, "fail_on_missing_requested": False}},
            }},
        })
        conf.attribute_converters = [spid_attribute_converter()]
        return conf

    def write_metadata(self, path):
        """The IdP's metadata, signed with its own key (the gateway checks the signature against the
        certificate the metadata lists)."""
        server = Server(config=self.config(self.signing))
        edesc = entity_descriptor(server.config)
        _, signed = sign_entity_descriptor(edesc, "_" + secrets.token_hex(16), server.sec,
                                           sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        if isinstance(signed, bytes):
            signed = signed.decode("utf-8")
        with open(path, "w", encoding="utf-8") as f:
            f.write(signed)
        return signed

    def trust_sp(self, sp_metadata_path, pinned_cert_path):
        """Loads the SP metadata after checking its signature (pysaml2 with xmlsec1) against the SP signing
        certificate taken out of band (the gateway's PKI directory), as a federation registry would."""
        for label, credentials in (("signing", self.signing), ("rogue", self.rogue)):
            self.servers[label] = Server(config=self.config(credentials, sp_metadata_path))
        with open(sp_metadata_path, encoding="utf-8") as f:
            xml = f.read()
        try:
            ok = self.servers["signing"].sec.verify_signature(xml, cert_file=pinned_cert_path,
                                                              node_name=class_name(md.EntityDescriptor()))
        except Exception as e:
            raise Failure("pysaml2 cannot verify the gateway's SP metadata signature: %s: %s" % (type(e).__name__, e))
        check(ok, "pysaml2 cannot verify the gateway's SP metadata signature with %s" % pinned_cert_path)

    def start(self):
        self.httpd.start()

    def stop(self):
        self.httpd.stop()

    def single_sign_on(self, raw_query):
        server = self.servers.get("signing")
        if server is None:
            raise RefusedRequest("no SP metadata loaded yet")
        fields = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        if any(len(v) != 1 for v in fields.values()):
            raise RefusedRequest("a query parameter appears twice")
        msg = {k: v[0] for k, v in fields.items()}
        for name in ("SAMLRequest", "SigAlg", "Signature"):
            if name not in msg:
                raise RefusedRequest("HTTP-Redirect without %s: SPID AuthnRequests are signed" % name)
        try:
            request = server.parse_authn_request(msg["SAMLRequest"], BINDING_HTTP_REDIRECT)
        except Exception as e:
            raise RefusedRequest("pysaml2 refuses the AuthnRequest: %s: %s" % (type(e).__name__, e))
        if request is None:
            raise RefusedRequest("pysaml2 could not read the AuthnRequest (Destination, IssueInstant)")
        authn = request.message
        if authn.issuer is None or not authn.issuer.text:
            raise RefusedRequest("the AuthnRequest has no Issuer")
        sp_entity = authn.issuer.text.strip()
        try:
            certs = server.metadata.certs(sp_entity, "spsso", "signing")
        except KeyError:
            raise RefusedRequest("unknown SP %s" % sp_entity)
        if not certs:
            raise RefusedRequest("the SP metadata of %s lists no signing certificate" % sp_entity)
        if msg["SigAlg"] != SIG_RSA_SHA256:
            raise RefusedRequest("SigAlg %s, expected %s" % (msg["SigAlg"], SIG_RSA_SHA256))
        verified = False
        for cert in certs:
            try:
                verified = verify_redirect_signature(msg, RSACrypto(None), cert=cert)
            except Exception as e:
                raise RefusedRequest("verify_redirect_signature: %s: %s" % (type(e).__name__, e))
            if verified:
                break
        if not verified:
            raw = "&".join(part for part in raw_query.split("&") if not part.startswith("Signature="))
            again = "&".join(urllib.parse.urlencode({k: msg[k]}) for k in ("SAMLRequest", "RelayState", "SigAlg")
                             if k in msg)
            raise RefusedRequest("the query signature does not verify with the SP certificate of %s%s" % (
                sp_entity, "" if raw == again else " (pysaml2 verifies its own re-encoding of the values, which "
                "differs from the octets received: %s vs %s)" % (again[:80], raw[:80])))
        acs = self.acs_url(server, sp_entity, authn)
        level = authn.requested_authn_context.authn_context_class_ref[0].text \
            if authn.requested_authn_context and authn.requested_authn_context.authn_context_class_ref else None
        if level != support.SPID_L2:
            raise RefusedRequest("RequestedAuthnContext %s: this IdP answers SpidL2 requests" % level)
        relay = msg.get("RelayState")
        self.requests.append((authn.id, sp_entity, acs, relay))

        saml_response = self.response(self.servers[self.sign_with], authn.id, acs, sp_entity)
        fields = '<input type="hidden" name="SAMLResponse" value="%s">' % html.escape(saml_response)
        if relay is not None:
            fields += '<input type="hidden" name="RelayState" value="%s">' % html.escape(relay)
        return ('<!DOCTYPE html><html><body onload="document.forms[0].submit()">'
                '<form method="post" action="%s">%s<noscript><button type="submit">Continua</button></noscript>'
                '</form></body></html>' % (html.escape(acs), fields))

    @staticmethod
    def acs_url(server, sp_entity, authn):
        """The ACS on HTTP-POST the request names, by URL or by index, which the SP metadata must list; else
        the default one. (pysaml2 7.0.1's Server.verify_assertion_consumer_service cannot be used: with an
        AssertionConsumerServiceIndex it reads `.index` from the dicts its metadata store returns and raises
        AttributeError.)"""
        if authn.protocol_binding not in (None, BINDING_HTTP_POST):
            raise RefusedRequest("ProtocolBinding %s: this IdP answers on HTTP-POST" % authn.protocol_binding)
        listed = server.metadata.assertion_consumer_service(sp_entity, BINDING_HTTP_POST)
        if authn.assertion_consumer_service_url:
            if authn.assertion_consumer_service_url not in [a["location"] for a in listed]:
                raise RefusedRequest("AssertionConsumerServiceURL %s is not in the SP metadata"
                                     % authn.assertion_consumer_service_url)
            return authn.assertion_consumer_service_url
        index = authn.assertion_consumer_service_index
        if index is not None:
            for acs in listed:
                if acs.get("index") == index:
                    return acs["location"]
            raise RefusedRequest("AssertionConsumerServiceIndex %s is not in the SP metadata" % index)
        for acs in listed:
            if acs.get("is_default") in ("true", True):
                return acs["location"]
        if listed:
            return listed[0]["location"]
        raise RefusedRequest("the SP metadata lists no ACS on HTTP-POST")

    def response(self, server, in_response_to, acs, sp_entity):
        """The signed Response, base64. Built unsigned first so that the xs:date values get their type,
        then signed with the Server's own sign(): the Assertion, then the Response around it."""
        name_id = saml.NameID(format=NAMEID_FORMAT_TRANSIENT, name_qualifier=self.entity_id,
                              text="_" + secrets.token_hex(20))
        response = server.create_authn_response(
            dict((k, [v]) for k, v in IDENTITY.items()), in_response_to, acs, sp_entity, name_id=name_id,
            authn={"class_ref": support.SPID_L2, "authn_auth": self.entity_id},
            sign_response=False, sign_assertion=False)
        check(not isinstance(response, (str, bytes)) and response.assertion is not None,
              "pysaml2 did not build a Response with an Assertion: %r" % (response,))
        assertion = response.assertion
        for statement in assertion.attribute_statement:
            for attribute in statement.attribute:
                # pysaml2 7.0.1's policy filter appends an attribute's values once per AttributeConsumingService
                # of the SP metadata that requests it (the gateway's services 0 and 1 share several names).
                unique = []
                for value in attribute.attribute_value:
                    if value.text not in [u.text for u in unique]:
                        unique.append(value)
                attribute.attribute_value = unique
                if attribute.name in XS_DATE_ATTRIBUTES:
                    for value in attribute.attribute_value:
                        value.clear_type()
                        value.set_type("xs:date")
        assertion.signature = pre_signature_part(assertion.id, server.sec.my_cert, 2, sign_alg=SIG_RSA_SHA256,
                                                 digest_alg=DIGEST_SHA256)
        signed = server.sign(response, to_sign=[(class_name(assertion), assertion.id)], sign_alg=SIG_RSA_SHA256,
                             digest_alg=DIGEST_SHA256)
        if isinstance(signed, str):
            signed = signed.encode("utf-8")
        return base64.b64encode(signed).decode("ascii")


# ---- The gateway ----

class Gateway(support.Sportello):
    """`sportello serve --listen 127.0.0.1:0 --data-dir ... --ports-file ...` with the default configuration
    (config/sportello.toml) plus the pysaml2 IdP and the echo route. Browsers start at public_url
    (https://localhost:<port>): the gateway's cookies are set for that host."""

    def __init__(self, binary, repo, workdir, idp_metadata_path, upstream_url):
        super().__init__(binary, repo, workdir, [])
        self.idp_metadata_path = idp_metadata_path
        self.upstream_url = upstream_url
        self.public = None

    def start(self, timeout_s=60):
        q = json.dumps  # TOML basic strings accept JSON string escapes
        with open(os.path.join(self.repo, "config", "sportello.toml"), encoding="utf-8") as f:
            default = f.read()
        config = os.path.join(self.workdir, "sportello.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(default + "\n# ---- added by pysaml2_idp_test.py ----\n"
                    "[mock_idp]\nusers_file = %s\n\n"
                    "[[external_idps]]\nname = %s\nprofile = \"spid\"\nmetadata = %s\n\n"
                    "[[routes]]\nprefix = %s\nupstream = %s\nauth = \"any\"\nmin_level = 2\nstrip_prefix = true\n\n"
                    "[[routes]]\nprefix = %s\nupstream = %s\nauth = \"none\"\nstrip_prefix = true\n"
                    % (q(os.path.join(self.repo, "config", "idp-users.json")), q(IDP_NAME),
                       q(self.idp_metadata_path), q(ROUTE), q(self.upstream_url), q(PUBLIC_ROUTE),
                       q(self.upstream_url)))
        ports_file = os.path.join(self.workdir, "ports.json")
        with open(os.path.join(self.workdir, "sportello.stdout"), "wb") as out, \
                open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [self.binary, "serve", "-c", config, "--listen", "127.0.0.1:0",
                 "--data-dir", os.path.join(self.workdir, "var"), "--ports-file", ports_file],
                cwd=self.workdir, stdout=out, stderr=err, preexec_fn=support._die_with_parent)
        deadline = time.monotonic() + timeout_s
        while not os.path.exists(ports_file):
            if self.proc.poll() is not None:
                raise Failure("sportello serve exited with %s before it was ready:\n%s"
                              % (self.proc.returncode, self.stderr_tail()))
            if time.monotonic() > deadline:
                raise Failure("no %s after %d s:\n%s" % (ports_file, timeout_s, self.stderr_tail()))
            time.sleep(0.05)
        with open(ports_file, encoding="utf-8") as f:  # written to a temporary name and renamed
            self.ports = json.load(f)
        check(self.ports.get("pid") == self.proc.pid,
              "ports.json names pid %s, the server is %s" % (self.ports.get("pid"), self.proc.pid))
        self.url = self.ports["listeners"]["main"]["url"]
        self.public = self.ports["public_url"].rstrip("/")
        self.ca = self.ports["ca"]
        self.session = support.https_session(self.ca)
        r = self.session.get(self.public + "/_admin/ready", timeout=10)
        check(r.status_code == 200, "/_admin/ready answered %d: %s" % (r.status_code, r.text))
        log("sportello serve is up at %s (listener %s, pid %d)" % (self.public, self.url, self.proc.pid))

    def get(self, path, **kw):
        return self.session.get(self.public + path, timeout=30, **kw)

    def log_events(self, event):
        out = []
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("event") == event:
                    out.append(entry)
        return out

    def wait_rejection(self, before, timeout_s=5):
        """The acs_rejected log line written after the first `before` ones (the rule that refused)."""
        deadline = time.monotonic() + timeout_s
        while True:
            lines = self.log_events("acs_rejected")
            if len(lines) > before:
                return lines[before]
            if time.monotonic() > deadline:
                raise Failure("no acs_rejected log line after a refused Response:\n%s" % self.stderr_tail())
            time.sleep(0.05)


# ---- The browser ----

def trust_bundle(workdir, *cas):
    path = os.path.join(workdir, "browser-ca.pem")
    with open(path, "w", encoding="ascii") as out:
        for ca in cas:
            with open(ca, encoding="ascii") as f:
                out.write(f.read().rstrip("\n") + "\n")
    return path


def auto_post_form(r, what):
    check(r.status_code == 200, "%s answered %d:\n%s" % (what, r.status_code, r.text[:2000]))
    form = next((f for f in support.forms_of(r.text) if "SAMLResponse" in f["inputs"]), None)
    check(form is not None, "%s did not answer with a Response form:\n%s" % (what, r.text[:2000]))
    check(form["method"] == "post", "%s: the Response form uses method %s" % (what, form["method"]))
    return form["action"], form["inputs"]["SAMLResponse"], form["inputs"].get("RelayState")


def start_login(gw, browser, idp, next_path=NEXT):
    """GET /login?idp=...: the gateway answers 302 to the IdP's SSO with a signed HTTP-Redirect query."""
    r = browser.get(gw.public + "/login", params={"idp": idp, "next": next_path}, timeout=30,
                    allow_redirects=False)
    check(r.status_code in (302, 303), "/login?idp=%s answered %d:\n%s" % (idp, r.status_code, r.text[:1500]))
    location = r.headers["Location"]
    check(any(c.name == "sportello_login" for c in browser.cookies),
          "/login did not set the login cookie (Set-Cookie: %s)" % r.headers.get("Set-Cookie"))
    return location


def follow_to_idp(browser, location):
    r = browser.get(location, timeout=30, allow_redirects=False)
    sent = urllib.parse.urlsplit(r.request.url).query
    check(sent == urllib.parse.urlsplit(location).query,
          "the HTTP client re-encoded the signed query:\n  got  %s\n  sent %s" % (location, r.request.url))
    return r


def decoded_authn_request(location):
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    return zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode("utf-8")


def post_to_acs(gw, browser, acs, saml_response, relay):
    check(urllib.parse.urlsplit(acs).path == "/spid/acs", "the Response goes to %s, not /spid/acs" % acs)
    data = {"SAMLResponse": saml_response}
    if relay is not None:
        data["RelayState"] = relay
    return browser.post(acs, data=data, timeout=30, allow_redirects=False)


def refused(gw, browser, acs, saml_response, relay, what, expect_rules):
    """Posts a Response that must be refused: 403, no session change, and the rule the gateway logged is
    one of `expect_rules`. Returns that rule."""
    before = len(gw.log_events("acs_rejected"))
    r = post_to_acs(gw, browser, acs, saml_response, relay)
    check(r.status_code == 403, "%s: the ACS answered %d, expected 403:\n%s" % (what, r.status_code, r.text[:1500]))
    check("Set-Cookie" not in r.headers or "sportello_session=" not in r.headers["Set-Cookie"],
          "%s: the refused Response still set a session cookie" % what)
    line = gw.wait_rejection(before)
    check(line.get("rule") in expect_rules, "%s: refused by rule %s (%s), expected one of %s"
          % (what, line.get("rule"), line.get("detail"), ", ".join(expect_rules)))
    log("%s: 403, rule %s: %s" % (what, line.get("rule"), line.get("detail")))
    return line.get("rule")


def meta_refresh(page):
    m = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]*)"', page)
    return html.unescape(m.group(1)) if m else None


def logged_in(gw, browser, r, what):
    check(r.status_code == 200, "%s: the ACS answered %d:\n%s\n%s"
          % (what, r.status_code, support.idp_complaint(r.text), gw.stderr_tail(8)))
    check(any(c.name == "sportello_session" for c in browser.cookies), "%s: no session cookie after the ACS" % what)
    check(meta_refresh(r.text) == NEXT, "%s: the ACS page moves on to %r, not %s" % (what, meta_refresh(r.text), NEXT))


def check_upstream_identity(gw, browser, upstream, expected, what):
    """GET NEXT through the gateway, with forged identity headers: the upstream sees the session's
    identity, each header once, and none of the forged values."""
    before = upstream.count()
    r = browser.get(gw.public + NEXT, headers=dict(FORGED, Accept="application/json"), timeout=30,
                    allow_redirects=False)
    check(r.status_code == 200, "%s: GET %s answered %d:\n%s" % (what, NEXT, r.status_code, r.text[:1500]))
    check(upstream.count() == before + 1, "%s: the upstream saw %d requests, expected 1"
          % (what, upstream.count() - before))
    seen = r.json()
    check(seen["path"] == "/echo", "%s: the upstream was asked for %s (strip_prefix), not /echo" % (what, seen["path"]))
    for name, value in expected.items():
        got = headers_named(seen, name)
        check(len(got) == 1, "%s: the upstream got %s %d times: %s" % (what, name, len(got), got))
        check(urllib.parse.unquote(got[0], errors="strict") == value,
              "%s: the upstream got %s: %r, expected %r" % (what, name, got[0], value))
    check(not headers_named(seen, "X-Sportello-Attr-role"), "%s: a client's X-Sportello-Attr-role reached the upstream"
          % what)
    check(headers_named(seen, "X-Forwarded-For") == ["127.0.0.1"],
          "%s: X-Forwarded-For at the upstream is %s" % (what, headers_named(seen, "X-Forwarded-For")))
    for k, v in seen["headers"]:
        check("FRGFRG" not in v and "evil.example" not in v and "sindaco" not in v,
              "%s: a forged value reached the upstream as %s: %s" % (what, k, v))
        if k.lower() == "cookie":
            check("sportello_session" not in v and "sportello_login" not in v,
                  "%s: the gateway's cookies reached the upstream: %s" % (what, v))
    session_ref = headers_named(seen, "X-Sportello-Session")
    check(len(session_ref) == 1 and session_ref[0] and session_ref[0] not in [c.value for c in browser.cookies],
          "%s: X-Sportello-Session is %s (must be one opaque id, not the cookie)" % (what, session_ref))
    log("%s: the upstream saw %s" % (what, ", ".join(
        "%s: %s" % (k, v) for k, v in seen["headers"] if k.lower().startswith("x-sportello-"))))
    return seen


def check_session_json(gw, browser, idp_name, idp_entity, what):
    r = browser.get(gw.public + "/sessione", headers={"Accept": "application/json"}, timeout=30)
    check(r.status_code == 200, "%s: /sessione answered %d: %s" % (what, r.status_code, r.text[:500]))
    s = r.json()
    check(s.get("idp") == idp_name and s.get("idp_entity_id") == idp_entity and s.get("level") == 2
          and s.get("profile") == "spid",
          "%s: /sessione says %s" % (what, s))
    return s


# ---- The test ----

def anonymous_forgery_blocked(gw, upstream):
    """Without a session, forged identity headers get a 401 on the auth route (the upstream is never asked)
    and are stripped on the auth = "none" route (the upstream gets no X-Sportello-* header at all)."""
    anon = support.https_session(gw.browser_ca)
    try:
        before = upstream.count()
        r = anon.get(gw.public + NEXT, headers=dict(FORGED, Accept="application/json"), timeout=30,
                     allow_redirects=False)
        check(r.status_code == 401, "an anonymous request with forged identity headers got %d, expected 401"
              % r.status_code)
        check(upstream.count() == before, "an anonymous request with forged identity headers reached the upstream")
        log("anonymous GET %s with forged X-Sportello-*: 401 (login at %s), the upstream was not asked"
            % (NEXT, r.headers.get("Location")))
        r = anon.get(gw.public + PUBLIC_ROUTE + "echo", headers=FORGED, timeout=30, allow_redirects=False)
        check(r.status_code == 200, "anonymous GET %secho answered %d" % (PUBLIC_ROUTE, r.status_code))
        seen = r.json()
        leaked = [(k, v) for k, v in seen["headers"] if k.lower().startswith("x-sportello-")]
        check(not leaked, "forged identity headers reached the upstream of an auth = none route: %s" % leaked)
        check(headers_named(seen, "X-Forwarded-For") == ["127.0.0.1"],
              "X-Forwarded-For at the upstream is %s" % headers_named(seen, "X-Forwarded-For"))
        log("anonymous GET %secho with forged X-Sportello-*: the upstream got none of them" % PUBLIC_ROUTE)
    finally:
        anon.close()


def pysaml2_login(gw, idp, upstream):
    browser = support.https_session(gw.browser_ca)
    try:
        r = gw.get("/_admin/idps")
        check(r.status_code == 200, "GET /_admin/idps answered %d" % r.status_code)
        trusted = next((i for i in r.json() if i["name"] == IDP_NAME), None)
        check(trusted is not None, "the gateway does not list %s: %s" % (IDP_NAME, r.text))
        check(trusted["entity_id"] == idp.entity_id and trusted["sso"]["HTTP-Redirect"] == idp.sso_url,
              "the gateway read the IdP metadata as %s" % trusted)
        check("the metadata is not signed" not in trusted["warnings"], "the gateway did not see the metadata signature")
        log("the gateway trusts %s (%s), warnings %s" % (trusted["entity_id"], trusted["source"], trusted["warnings"]))

        # ---- login ----
        location = start_login(gw, browser, IDP_NAME)
        check(location.startswith(idp.sso_url + "?"), "/login sends the browser to %s, not the IdP SSO" % location)
        authn_xml = decoded_authn_request(location)
        first = follow_to_idp(browser, location)
        check(first.status_code == 200, "the pysaml2 IdP refused the gateway's AuthnRequest: %d %s\n%s"
              % (first.status_code, first.text, authn_xml))
        request_id, sp_entity, acs_expected, relay_sent = idp.requests[-1]
        acs, saml_response, relay = auto_post_form(first, "the pysaml2 IdP")
        check(acs == acs_expected and relay == relay_sent,
              "the IdP's form posts to %s with RelayState %r" % (acs, relay))
        log("pysaml2 verified the AuthnRequest %s of %s (query signature, Destination, ACS) and answers to %s"
            % (request_id, sp_entity, acs))
        response_xml = base64.b64decode(saml_response).decode("utf-8")
        check('xsi:type="xs:date"' in response_xml and len(re.findall(r"<(?:\w+:)?Signature\b", response_xml)) == 2
              and response_xml.count(IDENTITY["fiscalNumber"]) == 1,
              "the Response is not shaped as intended (two signatures, xs:date):\n%s" % response_xml)
        r = post_to_acs(gw, browser, acs, saml_response, relay)
        logged_in(gw, browser, r, "pysaml2 login")
        log("the ACS accepted the pysaml2 Response: 200, session cookie set, on to %s" % NEXT)

        check_session_json(gw, browser, IDP_NAME, idp.entity_id, "pysaml2 login")
        check_upstream_identity(gw, browser, upstream, {
            "X-Sportello-Fiscal-Number": FISCAL_CODE, "X-Sportello-Name": IDENTITY["name"],
            "X-Sportello-Family-Name": IDENTITY["familyName"], "X-Sportello-Level": "2",
            "X-Sportello-Auth": "spid", "X-Sportello-Idp": idp.entity_id,
            "X-Sportello-Attr-dateOfBirth": IDENTITY["dateOfBirth"], "X-Sportello-Attr-email": IDENTITY["email"],
        }, "pysaml2 login")

        r = browser.get(gw.public + PUBLIC_ROUTE + "echo", headers=FORGED, timeout=30, allow_redirects=False)
        check(r.status_code == 200 and headers_named(r.json(), "X-Sportello-Fiscal-Number") == [FISCAL_CODE],
              "with a session, the auth = none route's upstream got X-Sportello-Fiscal-Number %s"
              % (headers_named(r.json(), "X-Sportello-Fiscal-Number") if r.status_code == 200 else r.status_code))

        # ---- the same Response again ----
        refused(gw, browser, acs, saml_response, relay, "the same Response posted again (same RelayState)",
                ["acs.relay_state", "response.replay"])
        location = start_login(gw, browser, IDP_NAME)  # a new login in progress, not taken to the IdP
        new_relay = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["RelayState"][0]
        refused(gw, browser, acs, saml_response, new_relay, "the same Response posted again under a new login",
                ["response.in_response_to", "assertion.in_response_to", "response.replay"])

        # ---- signed by a key the metadata does not list ----
        idp.sign_with = "rogue"
        try:
            r = follow_to_idp(browser, start_login(gw, browser, IDP_NAME))
            acs, rogue_response, relay = auto_post_form(r, "the pysaml2 IdP (rogue key)")
        finally:
            idp.sign_with = "signing"
        refused(gw, browser, acs, rogue_response, relay, "a Response signed by a key the IdP metadata does not list",
                ["response.signature", "assertion.signature"])

        # ---- the right key, a changed fiscalNumber ----
        r = follow_to_idp(browser, start_login(gw, browser, IDP_NAME))
        acs, good, relay = auto_post_form(r, "the pysaml2 IdP")
        forged, before, after = support.tamper(good, "fiscalNumber")
        refused(gw, browser, acs, forged, relay, "a signed Response whose fiscalNumber was changed (%s -> %s)"
                % (before, after), ["response.signature", "assertion.signature"])

        # The session from the accepted login is still the one the upstream sees.
        check_upstream_identity(gw, browser, upstream, {"X-Sportello-Fiscal-Number": FISCAL_CODE},
                                "after the refused Responses")
    finally:
        browser.close()


def mock_idp_login(gw, upstream):
    """The same through the mock IdP aurora-id: its login and consent pages."""
    user = support.test_user(gw.repo)
    browser = support.https_session(gw.browser_ca)
    try:
        location = start_login(gw, browser, support.IDP)
        first = browser.get(location, timeout=30)
        driver = support.Browser(gw)
        driver.http = browser  # the same cookie jar: the gateway's login cookie must come back at the ACS
        acs, saml_response, relay = driver.login(first)
        r = post_to_acs(gw, browser, acs, saml_response, relay)
        logged_in(gw, browser, r, "aurora-id login")
        entity = gw.public + "/idp/" + support.IDP
        check_session_json(gw, browser, support.IDP, entity, "aurora-id login")
        expected = {"X-Sportello-Fiscal-Number": user["fiscalNumber"].replace("TINIT-", ""),
                    "X-Sportello-Name": user["name"], "X-Sportello-Family-Name": user["familyName"],
                    "X-Sportello-Level": "2", "X-Sportello-Auth": "spid", "X-Sportello-Idp": entity}
        check_upstream_identity(gw, browser, upstream, expected, "aurora-id login")
    finally:
        browser.close()


def run(binary, repo, workdir):
    upstream = EchoUpstream()
    idp = PysamlIdp(workdir)
    idp_metadata_path = os.path.join(workdir, "idp-pysaml2-metadata.xml")
    idp.write_metadata(idp_metadata_path)
    gw = Gateway(binary, repo, workdir, idp_metadata_path, upstream.url)
    upstream.httpd.start()
    ok = False
    try:
        gw.start()
        gw.browser_ca = trust_bundle(workdir, gw.ca, idp.tls["ca"])
        r = gw.get("/spid/metadata")
        check(r.status_code == 200, "GET /spid/metadata answered %d" % r.status_code)
        sp_metadata_path = os.path.join(workdir, "gateway-sp-metadata.xml")
        with open(sp_metadata_path, "w", encoding="utf-8") as f:
            f.write(r.text)
        idp.trust_sp(sp_metadata_path, os.path.join(os.path.dirname(gw.ca), "sp-signing.crt"))
        log("pysaml2 verified the gateway's SP metadata signature with the pinned SP certificate")
        idp.start()

        anonymous_forgery_blocked(gw, upstream)
        pysaml2_login(gw, idp, upstream)
        mock_idp_login(gw, upstream)
        check(not idp.refusals, "the IdP refused requests: %s" % idp.refusals)
        ok = True
    except Failure as e:
        raise Failure("%s\n--- last server log lines ---\n%s" % (e, gw.stderr_tail())) from None
    finally:
        status = gw.stop()
        idp.stop()
        upstream.httpd.stop()
        if ok and status not in (0, None):
            raise Failure("sportello exited with %s after SIGTERM:\n%s" % (status, gw.stderr_tail()))


if __name__ == "__main__":
    support.main(run, "pysaml2 IdP")
