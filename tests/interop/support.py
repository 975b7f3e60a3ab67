"""Shared helpers for the interop tests: third-party SAML libraries acting as SPID Service Providers
against the real `sportello serve`, over HTTPS.

Each driver (onelogin_sp_test.py, pysaml2_sp_test.py) is run by CTest as
    /usr/bin/python3 <driver> <path to the sportello binary> <repository root>
and exits 0 on success, 77 (CTest SKIP_RETURN_CODE) when its library cannot be imported, 1 on failure.

What lives here is what a browser and an SP operator would do by hand and is the same for every library:
an SP key and certificate, SPID-shaped SP metadata, a throw-away server configuration, starting and
stopping the server, playing the browser through the login and consent pages, and the byte-level
tampering used by the negative checks. Building AuthnRequests and verifying Responses is left to the
libraries under test.
"""

import base64
import datetime
import html
import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

SKIP = 77

SPID_L2 = "https://www.spid.gov.it/SpidL2"
NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
NAMEID_ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
ATTRNAME_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

IDP = "aurora-id"
USER = "mario.rossi"
PASSWORD = "password123"

# The attribute sets every interop SP declares (AttributeConsumingService index -> requested names).
# Index 0 is what the Redirect flows ask for; index 1 adds the xs:date-typed SPID attributes.
SERVICES = {
    0: ("Servizi online", ["fiscalNumber", "name", "familyName"]),
    1: ("Anagrafe", ["fiscalNumber", "dateOfBirth", "expirationDate"]),
}


class Failure(Exception):
    """A check that did not hold; the message says which and why."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def log(message):
    print(message, flush=True)


def require_modules(names, why):
    """Imports `names` or exits with SKIP, saying what is missing."""
    missing = []
    for name in names:
        try:
            __import__(name)
        except Exception as e:  # ImportError, or a broken native extension
            missing.append("%s (%s: %s)" % (name, type(e).__name__, e))
    if missing:
        log("SKIP: %s needs %s; install with scripts/setup.sh --test (interpreter %s)"
            % (why, ", ".join(missing), sys.executable))
        sys.exit(SKIP)


def test_user(repo):
    """The test user's record from config/idp-users.json: the values the Response must carry."""
    with open(os.path.join(repo, "config", "idp-users.json"), encoding="utf-8") as f:
        for u in json.load(f):
            if u.get("username") == USER:
                return u
    raise Failure("no user %s in config/idp-users.json" % USER)


# ---- SP credentials ----

def make_sp_credentials(workdir, entity_id, organization, ipa_code):
    """An RSA 2048 key and a self-signed SHA-256 certificate shaped as Avviso SPID n.29 v3 asks for a public
    SP (keyUsage critical digitalSignature+nonRepudiation, certificatePolicies agIDcert + public SP,
    subject with organizationIdentifier PA:IT-<IPA code> and uri = entityID), so that the IdP's metadata
    rules pass even outside the development profile. Returns a dict with the PEMs, paths and base64 DER."""
    key_path = os.path.join(workdir, "sp.key")
    cert_path = os.path.join(workdir, "sp.crt")
    try:
        _credentials_with_cryptography(key_path, cert_path, entity_id, organization, ipa_code)
    except ImportError:
        _credentials_with_openssl(key_path, cert_path, entity_id, organization, ipa_code)
    with open(key_path, encoding="ascii") as f:
        key_pem = f.read()
    with open(cert_path, encoding="ascii") as f:
        cert_pem = f.read()
    b64 = "".join(line for line in cert_pem.splitlines() if line and not line.startswith("-----"))
    return {"key_path": key_path, "cert_path": cert_path, "key_pem": key_pem, "cert_pem": cert_pem,
            "cert_b64": b64}


def _credentials_with_cryptography(key_path, cert_path, entity_id, organization, ipa_code):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, organization),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Vigata"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(x509.ObjectIdentifier("2.5.4.97"), "PA:IT-" + ipa_code),  # organizationIdentifier
        x509.NameAttribute(x509.ObjectIdentifier("2.5.4.83"), entity_id),  # uri
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.CertificatePolicies([
            x509.PolicyInformation(x509.ObjectIdentifier("1.3.76.16.6"), None),
            x509.PolicyInformation(x509.ObjectIdentifier("1.3.76.16.4.2.1"), None)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def _credentials_with_openssl(key_path, cert_path, entity_id, organization, ipa_code):
    # Fallback without python3-cryptography. OpenSSL 3.0's req knows no name for the subject uri (2.5.4.83),
    # so this certificate lacks it: the IdP's development profile only reports that (md.certificate_profile).
    def esc(value):
        return value.replace("\\", "\\\\").replace("/", "\\/")
    subject = "/CN=%s/O=%s/L=Vigata/C=IT/organizationIdentifier=PA:IT-%s" % (
        esc(organization), esc(organization), esc(ipa_code))
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
         "-keyout", key_path, "-out", cert_path, "-subj", subject,
         "-addext", "keyUsage=critical,digitalSignature,nonRepudiation",
         "-addext", "certificatePolicies=1.3.76.16.6,1.3.76.16.4.2.1"],
        check=True, capture_output=True)


# ---- SP metadata ----

def sp_metadata_xml(entity_id, base_url, cert_b64, organization, ipa_code, services=SERVICES):
    """SPID SP metadata (Avviso 29 v3), unsigned, with an ID on the EntityDescriptor so that a library can
    sign it: the shape of tests/core/saml/saml_fixtures.hpp with one ACS (index 0, default, HTTP-POST at
    <base>/acs), the attribute services of `services`, SLO, Organization and a public-SP ContactPerson."""
    e = html.escape
    attribute_services = "".join(
        '<md:AttributeConsumingService index="%d"><md:ServiceName xml:lang="it">%s</md:ServiceName>%s'
        '</md:AttributeConsumingService>\n'
        % (index, e(name), "".join('<md:RequestedAttribute Name="%s" NameFormat="%s"/>' % (a, ATTRNAME_BASIC)
                                   for a in attrs))
        for index, (name, attrs) in sorted(services.items()))
    ident = "_" + base64.b16encode(os.urandom(16)).decode("ascii").lower()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:spid="https://spid.gov.it/saml-extensions" '
        'entityID="%(entity)s" ID="%(id)s">\n'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" '
        'AuthnRequestsSigned="true" WantAssertionsSigned="true">\n'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%(cert)s'
        '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n'
        '<md:SingleLogoutService Binding="%(post)s" Location="%(base)s/slo"/>\n'
        '<md:NameIDFormat>%(transient)s</md:NameIDFormat>\n'
        '<md:AssertionConsumerService index="0" isDefault="true" Binding="%(post)s" Location="%(base)s/acs"/>\n'
        '%(services)s'
        '</md:SPSSODescriptor>\n'
        '<md:Organization><md:OrganizationName xml:lang="it">%(org)s</md:OrganizationName>'
        '<md:OrganizationDisplayName xml:lang="it">%(org)s</md:OrganizationDisplayName>'
        '<md:OrganizationURL xml:lang="it">%(base)s/</md:OrganizationURL></md:Organization>\n'
        '<md:ContactPerson contactType="other"><md:Extensions><spid:IPACode>%(ipa)s</spid:IPACode><spid:Public/>'
        '</md:Extensions><md:EmailAddress>urp@%(host)s</md:EmailAddress>'
        '<md:TelephoneNumber>+390922000000</md:TelephoneNumber></md:ContactPerson>\n'
        '</md:EntityDescriptor>\n'
    ) % {"entity": e(entity_id), "id": ident, "cert": cert_b64, "post": BINDING_POST, "base": e(base_url),
         "transient": NAMEID_TRANSIENT, "services": attribute_services, "org": e(organization),
         "ipa": e(ipa_code), "host": e(urllib.parse.urlsplit(base_url).hostname)}


# ---- The server ----

def https_session(ca):
    """A requests session that trusts exactly the server's test CA (from ports.json): real certificate and
    host name checks, never verify=False. trust_env is off because requests lets REQUESTS_CA_BUNDLE /
    CURL_CA_BUNDLE from the environment override a session's `verify` (psf/requests#3829), and no proxy
    from the environment may stand between the test and 127.0.0.1."""
    import requests

    s = requests.Session()
    s.trust_env = False
    s.verify = ca
    return s


def _die_with_parent():
    """In the server's child process, before exec: SIGTERM it if this driver dies without its finally
    blocks running (CTest's timeout kills the driver), so no server outlives its test."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Sportello:
    """`sportello serve` with a throw-away configuration: one HTTPS listener on 127.0.0.1:0, the mock IdPs
    aurora-id (SPID) and cie-test (CIE), the repository's test users and the given SP metadata files."""

    def __init__(self, binary, repo, workdir, sp_metadata_files):
        self.binary = binary
        self.repo = repo
        self.workdir = workdir
        self.sp_metadata_files = list(sp_metadata_files)
        self.proc = None
        self.ports = None
        self.url = None  # https://127.0.0.1:<port>, where the listener really is
        self.ca = None
        self.session = None
        self.stderr_path = os.path.join(workdir, "sportello.stderr")

    def start(self, timeout_s=60):
        config = os.path.join(self.workdir, "sportello.toml")
        q = json.dumps  # TOML basic strings accept JSON string escapes
        with open(config, "w", encoding="utf-8") as f:
            f.write(
                "data_dir = %s\n\n"
                "[[server.listeners]]\nname = \"main\"\naddress = \"127.0.0.1:0\"\n\n"
                "[mock_idp]\nusers_file = %s\nsp_metadata = [%s]\n\n"
                "[[idps]]\nname = \"aurora-id\"\ndisplay_name = \"Aurora ID (test)\"\n\n"
                "[[idps]]\nname = \"cie-test\"\nprofile = \"cie\"\ndisplay_name = \"CIE (test)\"\n"
                % (q(os.path.join(self.workdir, "var")), q(os.path.join(self.repo, "config", "idp-users.json")),
                   ", ".join(q(p) for p in self.sp_metadata_files)))
        ports_file = os.path.join(self.workdir, "ports.json")
        with open(os.path.join(self.workdir, "sportello.stdout"), "wb") as out, \
                open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([self.binary, "serve", "-c", config, "--ports-file", ports_file],
                                         cwd=self.workdir, stdout=out, stderr=err, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout_s
        while not os.path.exists(ports_file):
            if self.proc.poll() is not None:
                raise Failure("sportello serve exited with %s before it was ready:\n%s"
                              % (self.proc.returncode, self.stderr_tail()))
            if time.monotonic() > deadline:
                raise Failure("no %s after %d s:\n%s" % (ports_file, timeout_s, self.stderr_tail()))
            time.sleep(0.05)
        # It appears once every listener is ready; tolerate reading it while it is being written.
        for _ in range(100):
            try:
                with open(ports_file, encoding="utf-8") as f:
                    self.ports = json.load(f)
                break
            except ValueError:
                time.sleep(0.05)
        check(self.ports is not None, "ports.json never became valid JSON")
        check(self.ports.get("pid") == self.proc.pid,
              "ports.json names pid %s, the server is %s" % (self.ports.get("pid"), self.proc.pid))
        self.url = self.ports["listeners"]["main"]["url"]
        self.ca = self.ports["ca"]
        self.session = https_session(self.ca)
        r = self.session.get(self.url + "/_admin/ready", timeout=10)
        check(r.status_code == 200, "/_admin/ready answered %d: %s" % (r.status_code, r.text))
        log("sportello serve is up at %s (pid %d, CA %s)" % (self.url, self.proc.pid, self.ca))

    def stop(self):
        """SIGTERM, then wait; SIGKILL only if it does not drain in time. Returns the exit status."""
        if self.session is not None:
            self.session.close()
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            log("sportello did not stop within 20 s of SIGTERM; killing it")
            self.proc.kill()
            self.proc.wait()
            return -signal.SIGKILL

    def stderr_tail(self, lines=40):
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no stderr captured)"

    def local(self, public_url):
        """The same path and query at the listener: the IdP announces https://localhost:<port>/... (its
        public_url) and the TLS certificate covers both names; this keeps every byte of the query."""
        parts = urllib.parse.urlsplit(public_url)
        local = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit((local.scheme, local.netloc, parts.path, parts.query, parts.fragment))

    def get(self, path, **kw):
        return self.session.get(self.url + path, timeout=30, **kw)

    def idp_metadata(self, name=IDP):
        r = self.get("/idp/%s/metadata" % name)
        check(r.status_code == 200, "GET /idp/%s/metadata answered %d" % (name, r.status_code))
        return r.text

    def idp_certificate_pem(self, name=IDP):
        """The IdP signing certificate from the server's own PKI directory: the out-of-band pin."""
        with open(os.path.join(os.path.dirname(self.ca), "idp-%s.crt" % name), encoding="ascii") as f:
            return f.read()

    def registered_sp(self, entity_id):
        r = self.get("/_admin/sps")
        check(r.status_code == 200, "GET /_admin/sps answered %d" % r.status_code)
        for sp in r.json()["sps"]:
            if sp["entity_id"] == entity_id:
                return sp
        raise Failure("the IdP did not register %s: %s" % (entity_id, r.text))

    def journal(self, limit=6):
        try:
            return self.get("/_admin/journal?limit=%d" % limit).text
        except Exception as e:  # diagnostics only
            return "(journal unavailable: %s)" % e


def failed_rules(server, request_id):
    """The AuthnRequest rules the IdP's journal records as failed for the request with this ID."""
    r = server.get("/_admin/journal?limit=50")
    check(r.status_code == 200, "GET /_admin/journal answered %d" % r.status_code)
    for entry in r.json()["entries"]:
        if entry.get("kind") == "AuthnRequest" and ('ID="%s"' % request_id) in entry.get("xml", ""):
            return sorted(v["rule"] for v in entry["verdicts"] if v.get("outcome") == "fail")
    raise Failure("the IdP journal has no AuthnRequest %s" % request_id)


def check_metadata_accepted(server, entity_id, expect_signed):
    """The IdP registered the SP: its metadata signature verified (when signed) and no rule failed."""
    sp = server.registered_sp(entity_id)
    if expect_signed:
        check(sp["signature_valid"], "the IdP did not verify the library's metadata signature: %s" % sp["signature"])
    failed = [v for v in sp["verdicts"] if v.get("outcome") == "fail"]
    check(not failed, "the IdP's metadata rules failed for %s:\n%s"
          % (entity_id, "\n".join("  %s: %s" % (v.get("rule"), v.get("detail")) for v in failed)))
    outcomes = {}
    for v in sp["verdicts"]:
        outcomes[v.get("outcome")] = outcomes.get(v.get("outcome"), 0) + 1
    log("IdP registered %s: metadata signature %s; rules: %s"
        % (entity_id, "verified (%s)" % sp["signature"] if sp["signature_valid"] else "absent",
           ", ".join("%d %s" % (n, o) for o, n in sorted(outcomes.items()))))


def pem_body(pem):
    return "".join(line.strip() for line in pem.splitlines() if line and not line.startswith("-----"))


# ---- Playing the browser ----

class _Forms(html.parser.HTMLParser):
    """Every <form> of a page with its action, method, inputs and submit buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": (a.get("method") or "get").lower(),
                               "inputs": {}, "buttons": []})
        elif self.forms and tag == "input" and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value", "")
        elif self.forms and tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))


def forms_of(page):
    p = _Forms()
    p.feed(page)
    return p.forms


def idp_complaint(page):
    """What an IdP error page says: its alert and every rule the verdict table marks as failed."""
    parts = []
    m = re.search(r'role="alert">(.*?)</div>', page, re.S)
    if m:
        parts.append(html.unescape(re.sub(r"<[^>]+>", " ", m.group(1))).strip())
    for rule, detail in re.findall(
            r'<tr><td><code>([^<]*)</code><br>[^<]*</td><td class="fail">[^<]*</td><td>([^<]*)</td></tr>', page):
        parts.append("rule %s failed: %s" % (html.unescape(rule), html.unescape(detail)))
    return "\n".join(parts) if parts else page[:2000]


class Browser:
    """Takes an AuthnRequest to the IdP and walks the login and consent pages like a user would."""

    def __init__(self, server):
        self.server = server
        self.http = https_session(server.ca)

    def send_redirect(self, url):
        """GET the HTTP-Redirect URL exactly as the library built it (only the host is mapped)."""
        target = self.server.local(url)
        r = self.http.get(target, timeout=30, allow_redirects=False)
        sent = urllib.parse.urlsplit(r.request.url).query
        check(sent == urllib.parse.urlsplit(url).query,
              "the HTTP client re-encoded the signed query:\n  built %s\n  sent  %s" % (url, r.request.url))
        return r

    def send_post(self, url, fields):
        """POST the auto-submitting form of the HTTP-POST binding."""
        return self.http.post(self.server.local(url), data=fields, timeout=30, allow_redirects=False)

    def login(self, first, user=USER, password=PASSWORD):
        """From the IdP's answer to the AuthnRequest to the auto-submitted Response: returns
        (ACS action, SAMLResponse base64, RelayState or None)."""
        page = self._page(first, "the AuthnRequest")
        login_form = next((f for f in forms_of(page)
                           if ("action", "login") in f["buttons"] and "username" in f["inputs"]), None)
        check(login_form is not None, "the IdP did not show its login form:\n" + idp_complaint(page))
        tx = login_form["inputs"].get("tx")
        check(tx, "the login form has no tx")
        r = self.http.post(urllib.parse.urljoin(first.url, login_form["action"]), timeout=30,
                           data={"tx": tx, "action": "login", "username": user, "password": password})
        page = self._page(r, "the credentials")
        consent = next((f for f in forms_of(page) if ("decision", "accept") in f["buttons"]), None)
        check(consent is not None, "no consent page after the credentials:\n" + idp_complaint(page))
        r = self.http.post(urllib.parse.urljoin(r.url, consent["action"]), timeout=30,
                           data={"tx": consent["inputs"].get("tx", ""), "decision": "accept"})
        page = self._page(r, "the consent")
        final = next((f for f in forms_of(page) if "SAMLResponse" in f["inputs"]), None)
        check(final is not None, "no Response form after the consent:\n" + idp_complaint(page))
        check(final["method"] == "post", "the Response form uses method %s, HTTP-POST needs post" % final["method"])
        return final["action"], final["inputs"]["SAMLResponse"], final["inputs"].get("RelayState")

    def response_form(self, r, after):
        """The auto-submitting Response form the IdP answered with at once (an error Response):
        (ACS action, SAMLResponse base64, RelayState or None)."""
        page = self._page(r, after)
        final = next((f for f in forms_of(page) if "SAMLResponse" in f["inputs"]), None)
        check(final is not None, "the IdP did not answer %s with a Response:\n%s" % (after, idp_complaint(page)))
        return final["action"], final["inputs"]["SAMLResponse"], final["inputs"].get("RelayState")

    def _page(self, r, after):
        check(r.status_code == 200, "the IdP answered %d to %s:\n%s\njournal: %s"
              % (r.status_code, after, idp_complaint(r.text), self.server.journal(2)))
        return r.text


# ---- Tampering ----

def tamper(saml_response_b64, target):
    """The same Response with one character changed inside a signed Assertion: in the NameID value
    (target "NameID") or in the first value of the attribute named `target`. Every other byte stays, so
    only the signature can notice."""
    xml = base64.b64decode(saml_response_b64).decode("utf-8")
    if target == "NameID":
        pattern = r"(<(?:\w+:)?NameID\b[^>]*>)([^<]+)(<)"
    else:
        pattern = (r'(<(?:\w+:)?Attribute\b[^>]*\bName="%s"[^>]*>\s*<(?:\w+:)?AttributeValue\b[^>]*>)([^<]+)(<)'
                   % re.escape(target))
    m = re.search(pattern, xml)
    check(m is not None, "cannot find %s in the Response to tamper with" % target)
    value = m.group(2)
    i = len(value) - 1
    flipped = value[:i] + ("0" if value[i] != "0" else "1") + value[i + 1:]
    out = xml[:m.start(2)] + flipped + xml[m.end(2):]
    return base64.b64encode(out.encode("utf-8")).decode("ascii"), value, flipped


# ---- Running a driver ----

def main(run, library):
    """Runs `run(binary, repo, workdir)` in a temp dir; prints PASS or FAIL and exits 0 or 1."""
    if len(sys.argv) != 3:
        log("usage: %s <sportello binary> <repository root>" % sys.argv[0])
        sys.exit(2)
    binary, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        log("FAIL: %s is not an executable" % binary)
        sys.exit(1)
    # SIGTERM (CTest, a CI runner) unwinds like an exception, so the server is still stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("%s: terminated by SIGTERM" % library))
    workdir = tempfile.mkdtemp(prefix="sportello-interop-")
    keep = os.environ.get("SPORTELLO_KEEP_TMP") == "1"
    try:
        run(binary, repo, workdir)
    except Failure as e:
        log("FAIL (%s): %s" % (library, e))
        log("work directory kept: %s" % workdir)
        sys.exit(1)
    except Exception:
        log("FAIL (%s): unexpected error\n%s" % (library, traceback.format_exc()))
        log("work directory kept: %s" % workdir)
        sys.exit(1)
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    log("PASS (%s)" % library)
    sys.exit(0)


def with_server(binary, repo, workdir, metadata_files, body):
    """Starts the server, runs body(server), always stops it; a server that does not exit 0 on SIGTERM
    fails the test too (after body's own failure, if any, which is the more useful message)."""
    server = Sportello(binary, repo, workdir, metadata_files)
    ok = False
    try:
        server.start()
        body(server)
        ok = True
    except Failure as e:
        raise Failure("%s\n--- last server log lines ---\n%s" % (e, server.stderr_tail())) from None
    finally:
        status = server.stop()
        if ok and status not in (0, None):
            raise Failure("sportello exited with %s after SIGTERM:\n%s" % (status, server.stderr_tail()))
