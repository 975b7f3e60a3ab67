// Browser journeys against the real `sportello serve` (default configuration: mock IdPs aurora-id,
// borgo-id, cinque-id and cie-test; the comune's gateway SP at /login, /spid/*, /cie/*, /sessione), in
// headless Debian Chromium driven by playwright-core:
//   citizen  SPID login with Aurora ID, consent, /sessione, global logout
//   cie      CIE login with cie-test (sofia.romano), /sessione says CIE
//   cancel   the citizen cancels at the IdP (nr25): an Italian error page with status 401, no session
// Every page a person looks at is screenshot (for humans; pixels are never compared) and passes the
// accessibility smoke check (support.mjs). Finally the server must exit 0 on SIGTERM.
//
// Usage: node journeys.mjs <sportello binary> <repository root> <chromium> [default artifacts dir]
// Screenshots go to $SPORTELLO_ARTIFACTS, else the given default, else a fresh temporary directory; they
// are kept, the server's data directory is not.
// Exit status: 0 all journeys passed, 1 a check failed.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Failure, Journey, check, launchChromium, log, newContext, publicUrl, startServer, verifiedSpkiPin,
} from './support.mjs';

const [binary, repo, chromiumPath, artifactsDefault] = process.argv.slice(2);
if (!binary || !repo || !chromiumPath) {
  process.stderr.write('usage: node journeys.mjs <sportello binary> <repository root> <chromium> [artifacts dir]\n');
  process.exit(2);
}
const workdir = mkdtempSync(join(tmpdir(), 'sportello-browser-'));
const artifacts = process.env.SPORTELLO_ARTIFACTS || artifactsDefault ||
                  mkdtempSync(join(tmpdir(), 'sportello-screenshots-'));

const journeys = [['citizen', citizen], ['cie', cie], ['cancel', cancel]];  // run in this order
const journeyNames = journeys.map(([name]) => name);
// Screenshots of an earlier run (a stale *-failure.png, say) would mislead: ours go, nothing else does.
if (existsSync(artifacts)) {
  for (const f of readdirSync(artifacts)) {
    if (new RegExp(`^(${journeyNames.join('|')})-\\d\\d-[a-z-]+\\.png$`).test(f)) rmSync(join(artifacts, f));
  }
}

const pathOf = (u) => new URL(u).pathname;
const shots = [];  // every screenshot written, in order

// Waits for the document response of the next navigation to `path` (a POST to the ACS, say).
function documentResponse(page, path, method) {
  return page.waitForResponse((r) => r.request().isNavigationRequest() && pathOf(r.url()) === path &&
                                      (method === undefined || r.request().method() === method));
}

// From an IdP's login page (the browser is on its way there), through consent, to /sessione.
async function loginAt(j, { idp, acs, username, password }) {
  const { page } = j;
  await page.waitForURL((u) => u.pathname === `/idp/${idp}/sso`);
  await j.step('idp-login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await page.getByRole('button', { name: 'Acconsento', exact: true }).waitFor();
  await j.step('consent');
  // Consent -> the IdP's auto-posting form -> the ACS, whose 200 page refreshes at once to /sessione. The
  // ACS body is gone by the time it could be read (the refresh has no delay), so the forward is judged by
  // the navigations: the one after the ACS POST is a GET of /sessione that no HTTP redirect caused.
  const navigations = [];
  const onRequest = (r) => { if (r.isNavigationRequest() && r.frame() === page.mainFrame()) navigations.push(r); };
  page.on('request', onRequest);
  const acsResponse = documentResponse(page, acs, 'POST');
  await page.getByRole('button', { name: 'Acconsento', exact: true }).click();
  const r = await acsResponse;
  check(r.status() === 200, `ACS answered ${r.status()}, want 200`);
  await page.waitForURL((u) => u.pathname === '/sessione');
  page.off('request', onRequest);
  const at = navigations.findIndex((n) => n.method() === 'POST' && pathOf(n.url()) === acs);
  const forward = navigations[at + 1];
  check(at >= 0 && forward !== undefined && forward.method() === 'GET' && pathOf(forward.url()) === '/sessione' &&
        forward.redirectedFrom() === null,
        `after the ACS the browser did not go on to /sessione by itself: ${navigations.map((n) => `${n.method()} ${pathOf(n.url())}`).join(' -> ')}`);
  await page.locator('h1', { hasText: 'La tua sessione' }).waitFor();
  await j.step('sessione');
}

async function openDiscovery(j, base) {
  const { page } = j;
  const r = await page.goto(`${base}/login`);
  check(r.status() === 200, `GET /login answered ${r.status()}`);
  check(await page.locator('html').getAttribute('lang') === 'it', '/login is not lang="it"');
  await j.step('login');
}

// Asks for /sessione and expects the gateway to send the browser to /login (no session).
async function expectNoSession(page, what) {
  const r = await page.goto(new URL('/sessione', page.url()).href);
  const hop = r.request().redirectedFrom();
  check(hop !== null && pathOf(hop.url()) === '/sessione', `${what}: /sessione was not redirected`);
  const status = (await hop.response()).status();
  check(status >= 300 && status < 400, `${what}: /sessione answered ${status}, want a redirect`);
  check(pathOf(page.url()) === '/login', `${what}: /sessione led to ${page.url()}, want /login`);
}

// A fresh browser context (no cookies) per journey; a failing journey leaves a screenshot of where it was.
async function journey(browser, name, body) {
  const context = await newContext(browser);
  try {
    const j = new Journey(name, await context.newPage(), artifacts, shots);
    await j.run(() => body(j));
  } finally {
    await context.close();
  }
}

async function citizen(j, base) {
  const { page } = j;
  await openDiscovery(j, base);
  const menu = page.locator('details#spid-button');
  check(!(await menu.evaluate((d) => d.open)), 'the SPID IdP list is open before the button is pressed');
  await page.getByText('Entra con SPID').click();
  check(await menu.evaluate((d) => d.open), '"Entra con SPID" did not open the IdP list');
  const aurora = page.getByRole('link', { name: 'Aurora ID (test)' });
  await aurora.waitFor({ state: 'visible' });
  await j.step('spid-menu');
  await aurora.click();
  await loginAt(j, { idp: 'aurora-id', acs: '/spid/acs', username: 'mario.rossi', password: 'password123' });
  const text = await page.locator('main').innerText();
  check(text.includes('Mario'), `/sessione does not name Mario:\n${text}`);
  check(text.includes('Codice fiscale'), `/sessione shows no "Codice fiscale":\n${text}`);

  await page.goto(new URL('/logout', page.url()).href);
  await j.step('logout');
  await page.getByRole('button', { name: /Esci da tutti i servizi/ }).click();
  await page.locator('h1', { hasText: 'Disconnessione completata' }).waitFor();
  await j.step('logged-out');
  await expectNoSession(page, 'after the global logout');
}

async function cie(j, base) {
  const { page } = j;
  await openDiscovery(j, base);
  await page.getByRole('link', { name: /Entra con CIE/ }).click();
  await loginAt(j, { idp: 'cie-test', acs: '/cie/acs', username: 'sofia.romano', password: 'password123' });
  const text = await page.locator('main').innerText();
  check(text.includes('Sofia'), `/sessione does not name Sofia:\n${text}`);
  check(text.includes('CIE'), `/sessione does not say CIE:\n${text}`);
}

async function cancel(j, base) {
  const { page } = j;
  await openDiscovery(j, base);
  await page.getByText('Entra con SPID').click();
  await page.getByRole('link', { name: 'Aurora ID (test)' }).click();
  await page.waitForURL((u) => u.pathname === '/idp/aurora-id/sso');
  await j.step('idp-login');
  const acsResponse = documentResponse(page, '/spid/acs', 'POST');
  await page.getByRole('button', { name: 'Annulla', exact: true }).click();
  const r = await acsResponse;
  check(r.status() === 401, `ACS answered ${r.status()} to the cancelled login, want 401`);
  await page.locator('h1', { hasText: 'Accesso non completato' }).waitFor();
  await j.step('error');
  const text = await page.locator('main').innerText();
  check(text.includes("Riprova l'accesso"), `the error page offers no retry in Italian:\n${text}`);
  // The rule is in the closed "Per sviluppatori" details: present in the DOM, not shown.
  const all = await page.locator('main').textContent();
  check(all.includes('idp.error_nr25'), `the error page does not name idp.error_nr25:\n${all}`);
  await expectNoSession(page, 'after the cancelled login');
}

let running = null;  // the server, for the watchdog and signal handlers
function abandon() {
  if (running !== null) running.kill();
  rmSync(workdir, { recursive: true, force: true });
}

// CTest's timeout or a ^C must not leave the server behind.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    abandon();
    process.stderr.write(`journeys.mjs: stopped by ${signal}\n`);
    process.exit(1);
  });
}

async function main() {
  const started = Date.now();
  const server = await startServer(binary, repo, workdir);
  running = server;
  let browser = null;
  let failed = null;
  try {
    const base = await publicUrl(server.url, server.ca);
    log(`sportello listening at ${server.url}, public URL ${base}, CA ${server.ca}`);
    const pin = await verifiedSpkiPin(server.url, server.ca);
    log(`TLS chain verified against the test CA; Chromium pins SPKI sha256/${pin}`);
    browser = await launchChromium(chromiumPath, pin);
    log(`Chromium ${browser.version()}`);
    for (const [name, body] of journeys) {
      const t0 = Date.now();
      await journey(browser, name, (j) => body(j, base));
      log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } catch (e) {
    failed = e;
  } finally {
    if (browser !== null) await browser.close().catch(() => {});
  }
  const exit = await server.stop();
  if (failed === null && !(exit.code === 0 && exit.signal === null)) {
    failed = new Failure(`sportello exited with ${JSON.stringify(exit)} after SIGTERM, want 0:\n${server.stderrTail()}`);
  } else if (failed === null) {
    log('ok   sportello exited 0 on SIGTERM');
  }
  log(`screenshots (${shots.length}) in ${artifacts}:`);
  for (const s of shots) log(`  ${s}`);
  rmSync(workdir, { recursive: true, force: true });  // the server's keys and sessions; screenshots stay
  if (failed !== null) {
    const what = failed instanceof Failure ? failed.message : (failed.stack || String(failed));
    process.stderr.write(`FAIL: ${what}\n--- server log (tail) ---\n${server.stderrTail()}\n`);
    return 1;
  }
  log(`all browser journeys passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

// A hung step must not outlive CTest's patience: fail well before its TIMEOUT.
const watchdog = setTimeout(() => {
  process.stderr.write('FAIL: the browser journeys took more than 100 s\n');
  abandon();
  process.exit(1);
}, 100_000);
watchdog.unref();

main().then((code) => { process.exitCode = code; }, (e) => {
  abandon();
  process.stderr.write(`FAIL: ${e instanceof Failure ? e.message : (e.stack || e)}\n`);
  process.exitCode = 1;
});
