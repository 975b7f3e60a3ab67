// Shared helpers for the browser tests: the real `sportello serve`, Debian's Chromium driven by
// playwright-core, the certificate pin, screenshots and the accessibility smoke check.
//
// Contract: journeys.mjs is run as `node journeys.mjs <sportello binary> <repository root> <chromium>`;
// everything here either returns or throws a Failure that says which check did not hold and why.
// Nothing here reaches the network beyond loopback, and no browser is ever downloaded.

import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import tls from 'node:tls';

import { chromium } from 'playwright-core';

export class Failure extends Error {}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

export function log(message) {
  process.stdout.write(`${message}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the server ----

// `sportello serve` on 127.0.0.1:0 with the default configuration and a throw-away data directory.
// Resolves once the ports file is complete, with { url, ca, stop(), stderrTail() }.
export async function startServer(binary, repo, workdir, timeoutMs = 30_000) {
  const portsFile = join(workdir, 'ports.json');
  const proc = spawn(
    binary,
    ['serve', '-c', join(repo, 'config', 'sportello.toml'), '--listen', '127.0.0.1:0', '--data-dir', workdir,
     '--ports-file', portsFile],
    { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-64 * 1024); });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let exit = null;
  exited.then((e) => { exit = e; });
  const stderrTail = () => stderr.split('\n').slice(-30).join('\n');

  const deadline = Date.now() + timeoutMs;
  let ports = null;
  while (ports === null) {
    if (exit !== null) throw new Failure(`sportello serve exited (${JSON.stringify(exit)}) before writing ${portsFile}:\n${stderrTail()}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Failure(`no complete ${portsFile} after ${timeoutMs / 1000} s:\n${stderrTail()}`);
    }
    if (existsSync(portsFile)) {
      try { ports = JSON.parse(readFileSync(portsFile, 'utf8')); } catch { /* written but not yet complete */ }
    }
    if (ports === null) await sleep(50);
  }
  check(ports.pid === proc.pid, `ports.json names pid ${ports.pid}, the server is ${proc.pid}`);
  const url = ports.listeners?.main?.url;
  check(typeof url === 'string' && url.startsWith('https://'), `ports.json has no https main listener: ${JSON.stringify(ports)}`);
  check(typeof ports.ca === 'string' && existsSync(ports.ca), `ports.json names no readable CA: ${ports.ca}`);

  // SIGTERM, then the exit status; SIGKILL only if the server does not drain within 20 s.
  async function stop() {
    if (exit !== null) return exit;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    const e = await exited;
    clearTimeout(timer);
    return e;
  }
  return { url, ca: ports.ca, proc, stop, stderrTail, kill: () => { if (exit === null) proc.kill('SIGKILL'); } };
}

// The gateway's public URL from /_admin/endpoints. On loopback it is https://localhost:<port>, not the
// 127.0.0.1 URL of ports.json, and it is where a citizen starts: the gateway's login cookie is set on the
// host the login starts at, and the IdP posts back to the public host (a login started on 127.0.0.1 ends
// in acs.browser_binding).
export async function publicUrl(url, caPath) {
  const body = await new Promise((resolve, reject) => {
    const req = https.get(new URL('/_admin/endpoints', url), { ca: readFileSync(caPath) }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { data += chunk; });
      res.on('end', () => (res.statusCode === 200 ? resolve(data)
        : reject(new Failure(`/_admin/endpoints answered ${res.statusCode}: ${data}`))));
    });
    req.on('error', (e) => reject(new Failure(`/_admin/endpoints: ${e.message}`)));
  });
  const endpoints = JSON.parse(body);
  check(typeof endpoints.public_url === 'string' && endpoints.public_url.startsWith('https://'),
        `/_admin/endpoints has no https public_url: ${body.slice(0, 300)}`);
  return endpoints.public_url;
}

// ---- trusting the test CA ----

// Node's TLS client verifies the server's chain against the test CA from ports.json and the host name
// (both as an IP and as `localhost`, the host of the public URL on loopback); the SHA-256 of the leaf's
// SubjectPublicKeyInfo, base64, is what Chromium's --ignore-certificate-errors-spki-list takes. So Chromium
// accepts exactly the key the test CA vouched for, and any other certificate error still fails the page.
export async function verifiedSpkiPin(url, caPath) {
  const { hostname, port } = new URL(url);
  const ca = readFileSync(caPath);
  const pins = new Set();
  for (const servername of [hostname, 'localhost']) {
    const der = await new Promise((resolve, reject) => {
      const socket = tls.connect(
        { host: hostname, port: Number(port), ca, servername: /^[\d.]+$/.test(servername) ? undefined : servername,
          checkServerIdentity: (host, cert) => tls.checkServerIdentity(servername, cert), rejectUnauthorized: true },
        () => {
          const cert = socket.getPeerCertificate(false);
          socket.end();
          resolve(cert.raw);
        });
      socket.on('error', (e) => reject(new Failure(`TLS to ${url} as ${servername} does not verify against ${caPath}: ${e.message}`)));
    });
    const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
    pins.add(createHash('sha256').update(spki).digest('base64'));
  }
  check(pins.size === 1, `the server showed different keys for ${hostname} and localhost`);
  return [...pins][0];
}

// ---- the browser ----

export async function launchChromium(executablePath, spkiPin) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      `--ignore-certificate-errors-spki-list=${spkiPin}`,
      // The machine's network is closed: no background fetches, updates, sync or QUIC probes.
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
      '--no-first-run', '--disable-gpu',
    ],
  });
}

export async function newContext(browser) {
  const context = await browser.newContext({
    ignoreHTTPSErrors: false,
    locale: 'it-IT',
    viewport: { width: 1024, height: 768 },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

// ---- screenshots and page checks ----

// Names the screenshots of one journey <journey>-<nn>-<step>.png in the artifacts directory and runs the
// accessibility smoke check on every page it shoots.
// `shots` collects every file written, across journeys.
export class Journey {
  constructor(name, page, artifacts, shots) {
    this.name = name;
    this.page = page;
    this.artifacts = artifacts;
    this.shots = shots;
    this.n = 0;
    mkdirSync(artifacts, { recursive: true });
  }

  async shoot(label) {
    const file = join(this.artifacts, `${this.name}-${String(++this.n).padStart(2, '0')}-${label}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    this.shots.push(file);
  }

  async step(label) {
    await this.page.waitForLoadState('load');
    await this.shoot(label);
    await accessibilitySmoke(this.page, `${this.name} step ${this.n} (${label}, ${this.page.url()})`);
  }

  // Runs body(); if it throws, the page as it was is kept as <journey>-<nn>-failure.png.
  async run(body) {
    try {
      await body();
    } catch (e) {
      await this.shoot('failure').catch(() => {});
      throw e;
    }
  }
}

// One <h1>, a non-empty <title>, lang="it", and a label for every form control a person fills in
// (a <label> tied to it, aria-label or aria-labelledby). Buttons carry their own text.
export async function accessibilitySmoke(page, where) {
  const problems = await page.evaluate(() => {
    const found = [];
    const h1 = document.querySelectorAll('h1').length;
    if (h1 !== 1) found.push(`${h1} <h1> elements, want 1`);
    if (document.querySelector('head > title') === null || document.title.trim() === '') found.push('no <title>');
    const lang = document.documentElement.getAttribute('lang');
    if (lang !== 'it') found.push(`<html lang="${lang}">, want "it"`);
    for (const el of document.querySelectorAll('input, select, textarea')) {
      const type = (el.getAttribute('type') || '').toLowerCase();
      if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
      const byLabel = Array.from(el.labels || []).some((l) => l.textContent.trim() !== '');
      const byAria = (el.getAttribute('aria-label') || '').trim() !== '';
      const byRef = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
        .some((id) => (document.getElementById(id)?.textContent || '').trim() !== '');
      if (!byLabel && !byAria && !byRef) found.push(`<${el.tagName.toLowerCase()} name="${el.name}"> has no label`);
    }
    return found;
  });
  check(problems.length === 0, `accessibility smoke, ${where}: ${problems.join('; ')}`);
}
