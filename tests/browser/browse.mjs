// The browse pages (README "Pages for people") in a real browser: Debian's chromium, headless,
// driven over the DevTools protocol by playwright-core, against the real wreg-server on
// 127.0.0.1 port 0 with packages published by the real wreg. It checks what a person sees and
// does (the version table, the WIT, yanked marks, search as submitted and as typed, copy buttons,
// links, the keyboard, the pages with JavaScript off), that a hostile package stays text, that
// the console and the network stay clean, runs axe-core in light and dark, and writes
// screenshots.
//
//   node tests/browser/browse.mjs --server build/server/wreg-server --client build/client/wreg \
//     --fixtures tests/fixtures --screenshots build/screenshots
//
// One line per check. Exit status 0 when every check passes; 1 when one fails (each failure again
// at the end, one line each); 2 on bad arguments; 77, ctest's SKIP_RETURN_CODE, when Debian's
// chromium or the npm packages are missing (deploy/install-deps.sh --test installs both).
// Runs on Node 18 (Debian 12's nodejs): nothing newer is used.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const SKIP = 77;

const HOSTILE_DESCRIPTION = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
const HOSTILE_HOMEPAGE = 'javascript:alert(3)';

// What the registry holds: real fixtures, published by `wreg publish` in this order. `sections`
// are custom sections appended to the fixture (other bytes, and the metadata the reader takes).
const RELEASES = [
  { id: 'wasi:io@0.2.0', file: 'packages/wasi-io@0.2.0.wasm' },
  { id: 'wasi:io@0.2.8', file: 'packages/wasi-io@0.2.8.wasm' },
  { id: 'wasi:clocks@0.2.8', file: 'packages/wasi-clocks@0.2.8.wasm' },  // depends on wasi:io
  { id: 'demo:analytics@0.1.0', file: 'components/analytics-engine.wasm' },
  {
    id: 'demo:analytics@0.2.0',
    file: 'components/analytics-engine-producers.wasm',
    sections: {
      description: 'Turns event streams into counts, sums and percentiles.',
      homepage: 'https://example.com/analytics',
      licenses: 'Apache-2.0',
    },
  },
  {
    id: 'demo:analytics@0.3.0',
    file: 'components/analytics-engine.wasm',
    // Another description than 0.2.0's: the package page must lead with 0.2.0's, not the yanked one's.
    sections: { description: 'Turns event streams into counts, sums and percentiles, faster.' },
    yank: true,
  },
  {
    id: 'demo:http-proxy@1.0.0',
    file: 'components/http-proxy.wasm',
    sections: { description: 'Forwards HTTP requests: the wasi:http proxy world.' },
  },
  {
    id: 'demo:hostile@6.6.6',
    file: 'components/analytics-engine.wasm',
    sections: { description: HOSTILE_DESCRIPTION, homepage: HOSTILE_HOMEPAGE },
  },
];

// The pages the checks open.
const PAGES = {
  home: '/',
  package: '/packages/demo/analytics',
  release: '/packages/demo/analytics/0.3.0',  // the yanked one
  dependent: '/packages/wasi/clocks/0.2.8',
  hostile: '/packages/demo/hostile',
  hostileRelease: '/packages/demo/hostile/6.6.6',
  namespace: '/namespaces/demo',
  missing: '/packages/demo/no-such-package',
};

const DEVICES = {
  desktop: { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

const run = promisify(execFile);

// ---- reporting

// A failed expectation: `message` is the one-line reason, `details` extra lines printed under it.
class CheckFailure extends Error {
  constructor(message, details = []) {
    super(message);
    this.details = details;
  }
}

function expect(condition, reason, details) {
  if (!condition) throw new CheckFailure(reason, details);
}

function firstLine(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

class Report {
  constructor() {
    this.failures = [];
    this.passed = 0;
  }

  // Runs `body` as the check `name`: a throw fails it with the error's first line as the reason.
  // A string `body` returns is shown after the name. Returns whether it passed.
  async check(name, body) {
    try {
      const detail = await body();
      this.passed += 1;
      console.log(`ok    ${name}${typeof detail === 'string' && detail ? ` (${detail})` : ''}`);
      return true;
    } catch (error) {
      const reason = firstLine(error);
      this.failures.push(`${name}: ${reason}`);
      console.log(`FAIL  ${name}: ${reason}`);
      for (const line of error instanceof CheckFailure ? error.details : []) console.log(`        ${line}`);
      return false;
    }
  }

  note(text) {
    console.log(`note  ${text}`);
  }

  summary() {
    const total = this.passed + this.failures.length;
    if (this.failures.length === 0) {
      console.log(`browser: all ${total} checks passed`);
      return 0;
    }
    console.log(`browser: ${this.failures.length} of ${total} checks failed:`);
    for (const failure of this.failures) console.log(`  ${failure}`);
    return 1;
  }
}

function skip(reason) {
  console.log(`SKIP  browser: ${reason}`);
  process.exit(SKIP);
}

// ---- arguments and prerequisites

function parseArguments() {
  const usage = 'usage: browse.mjs --server WREG-SERVER --client WREG --fixtures DIR --screenshots DIR';
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        server: { type: 'string' },
        client: { type: 'string' },
        fixtures: { type: 'string' },
        screenshots: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`browse.mjs: ${firstLine(error)}; ${usage}`);
    process.exit(2);
  }
  for (const name of ['server', 'client', 'fixtures', 'screenshots']) {
    if (!values[name]) {
      console.error(`browse.mjs: --${name} is missing; ${usage}`);
      process.exit(2);
    }
  }
  return {
    server: path.resolve(values.server),
    client: path.resolve(values.client),
    fixtures: path.resolve(values.fixtures),
    screenshots: path.resolve(values.screenshots),
  };
}

// The browser and the npm packages, or a skip saying which is missing and how to get it.
async function loadDependencies() {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
  } catch {
    skip(`${CHROMIUM} is missing: install Debian's chromium (deploy/install-deps.sh --test)`);
  }
  const modules = path.join(HERE, 'node_modules');
  const axePath = path.join(modules, 'axe-core', 'axe.min.js');
  const playwrightPath = path.join(modules, 'playwright-core', 'index.mjs');
  for (const file of [playwrightPath, axePath]) {
    if (!fs.existsSync(file)) {
      skip(`${file} is missing: run npm ci in tests/browser (deploy/install-deps.sh --test does)`);
    }
  }
  const { chromium } = await import(pathToFileURL(playwrightPath).href);
  return { chromium, axeSource: fs.readFileSync(axePath, 'utf8') };
}

// ---- the registry: wreg-server and the packages wreg publishes to it

// `bytes` with the custom section `name` holding `payload` appended (Binary.md: id 0, the
// section's size, then the name and the payload; sizes are LEB128 u32). Custom sections may
// stand anywhere, so the binary stays valid, and the reader takes its metadata from them.
function withCustomSection(bytes, name, payload) {
  const leb128 = (value) => {
    const out = [];
    do {
      let byte = value & 0x7f;
      value >>>= 7;
      if (value !== 0) byte |= 0x80;
      out.push(byte);
    } while (value !== 0);
    return Buffer.from(out);
  };
  const nameBytes = Buffer.from(name, 'utf8');
  const body = Buffer.concat([leb128(nameBytes.length), nameBytes, Buffer.from(payload, 'utf8')]);
  return Buffer.concat([bytes, Buffer.from([0x00]), leb128(body.length), body]);
}

function sha256(bytes) {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function packageOf(id) {
  return id.slice(0, id.indexOf('@'));
}

function versionOf(id) {
  return id.slice(id.indexOf('@') + 1);
}

// The real wreg-server on a temp data dir, and the real wreg publishing to it.
class Registry {
  constructor(binaries, work) {
    this.binaries = binaries;
    this.work = work;
    this.data = path.join(work, 'data');
    this.logPath = path.join(work, 'server.log');
    this.server = null;
    this.url = '';
  }

  async admin(...args) {
    const { stdout } = await run(this.binaries.server, [...args, '--data', this.data]);
    return stdout;
  }

  // Makes the namespaces and a token for them, then serves on a port the kernel picks.
  async start(namespaces) {
    for (const namespace of namespaces) await this.admin('namespace', 'create', namespace);
    const scope = namespaces.flatMap((namespace) => ['--namespace', namespace]);
    this.token = (await this.admin('token', 'create', ...scope)).split('\n')[0].trim();
    expect(this.token.startsWith('wreg_'), `token create printed no token: ${this.token}`);

    const portFile = path.join(this.work, 'port');
    const log = fs.openSync(this.logPath, 'w');
    this.server = spawn(this.binaries.server,
      ['serve', '--data', this.data, '--listen', '127.0.0.1:0', '--port-file', portFile],
      { stdio: ['ignore', 'ignore', log] });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.server.once('exit', resolve));
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      const text = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8') : '';
      if (text.endsWith('\n')) {
        this.url = `http://127.0.0.1:${Number.parseInt(text, 10)}`;
        return;
      }
      if (!this.running()) throw new CheckFailure('wreg-server exited at start', this.logTail());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new CheckFailure('wreg-server wrote no port file within 20 s', this.logTail());
  }

  running() {
    return this.server !== null && this.server.exitCode === null && this.server.signalCode === null;
  }

  logTail() {
    const text = fs.existsSync(this.logPath) ? fs.readFileSync(this.logPath, 'utf8') : '';
    return text.split('\n').filter((line) => line.trim() !== '').slice(-15);
  }

  // `wreg ARGS...` in a HOME of its own, against this registry with the token.
  async client(...args) {
    const home = path.join(this.work, 'home');
    fs.mkdirSync(home, { recursive: true });
    const env = {
      PATH: process.env.PATH || '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      WREG_REGISTRY: this.url,
      WREG_TOKEN: this.token,
    };
    try {
      return (await run(this.binaries.client, ['-q', ...args], { env, cwd: home })).stdout;
    } catch (error) {
      throw new Error(`wreg ${args.join(' ')}: ${(error.stderr || error.message).trim()}`);
    }
  }

  // SIGTERM, then SIGKILL if it has not stopped after 10 s.
  async stop() {
    if (!this.running()) return;
    this.server.kill('SIGTERM');
    const timer = setTimeout(() => this.server.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
  }
}

// Publishes RELEASES with wreg, then yanks those marked. Returns each release's digest by id.
async function publishReleases(registry, fixtures, uploads) {
  fs.mkdirSync(uploads, { recursive: true });
  const digests = new Map();
  for (const release of RELEASES) {
    let bytes = fs.readFileSync(path.join(fixtures, release.file));
    for (const [name, payload] of Object.entries(release.sections || {})) {
      bytes = withCustomSection(bytes, name, payload);
    }
    const file = path.join(uploads, `${release.id.replace(/[:@]/g, '-')}.wasm`);
    fs.writeFileSync(file, bytes);
    const said = await registry.client('publish', file, '--package', release.id);
    expect(said.includes(sha256(bytes)), `wreg publish ${release.id} named another digest: ${said.trim()}`);
    digests.set(release.id, sha256(bytes));
  }
  for (const release of RELEASES.filter((r) => r.yank)) await registry.client('yank', release.id);
  return digests;
}

// ---- the browser

// Watches every page the test opens: console errors (a CSP violation is one), uncaught page
// errors, failed requests, answers of 400 and above other than those a check asked for, and
// dialogs (an alert would be hostile text run as script).
class Watch {
  constructor() {
    this.problems = [];
    this.dialogs = [];
    this.expectedErrors = new Set();  // URLs a check asks for knowing they answer an error
  }

  async newPage(context) {
    const page = await context.newPage();
    const where = () => new URL(page.url()).pathname;
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const { url } = message.location();
      // Chromium logs the status of a page it was asked to load; a 404 asked for is no problem.
      if (this.expectedErrors.has(url) && message.text().startsWith('Failed to load resource')) return;
      const about = url && url !== page.url() ? ` (${url})` : '';
      this.problems.push(`console error on ${where()}: ${message.text()}${about}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error on ${where()}: ${firstLine(error)}`));
    page.on('requestfailed', (request) => {
      // ERR_ABORTED is the browser cancelling a load itself (the page navigated on while the icon
      // was still coming); a server's failure shows as another error, or as a status below.
      const reason = request.failure()?.errorText;
      if (reason === 'net::ERR_ABORTED') return;
      this.problems.push(`request failed: ${request.url()}: ${reason}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !this.expectedErrors.has(response.url())) {
        this.problems.push(`${response.status()} for ${response.url()}`);
      }
    });
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()} "${dialog.message()}" on ${where()}`);
      dialog.dismiss().catch(() => {});
    });
    return page;
  }
}

// The pages' own context: their CSP applies, as for a person.
class Site {
  constructor(base, context, watch) {
    this.base = base;
    this.context = context;
    this.watch = watch;
    this.links = new Map();  // same-origin href -> the page it was found on
    this.withoutPolicy = [];
  }

  // Navigates `page` to `pathname` and expects `status`; keeps the page's same-origin links,
  // stylesheets and scripts for the link check, and notes a page sent without a strict policy
  // (nothing by default, no inline script).
  async open(page, pathname, status = 200) {
    const url = this.base + pathname;
    if (status >= 400) this.watch.expectedErrors.add(url);
    const response = await page.goto(url);
    expect(response && response.status() === status,
      `GET ${pathname} answered ${response && response.status()}, not ${status}`);
    const policy = response.headers()['content-security-policy'] || '';
    if (!policy.startsWith("default-src 'none'") || policy.includes('unsafe-')) this.withoutPolicy.push(pathname);
    const hrefs = await page.$$eval('a[href^="/"], link[href^="/"], script[src^="/"]',
      (elements) => elements.map((element) => element.getAttribute('href') || element.getAttribute('src')));
    for (const href of hrefs) if (!this.links.has(href)) this.links.set(href, pathname);
    return response;
  }
}

async function texts(page, selector) {
  return (await page.locator(selector).allTextContents()).map((text) => text.trim());
}

// ---- the checks

// What a page holds that hostile text could have become: script other than the pages' own, images,
// event handler attributes, javascript: links; and whether the hostile text shows as text.
async function markupFound(page) {
  return page.evaluate(([description, homepage]) => ({
    description: document.body.textContent.includes(description),
    homepage: document.body.textContent.includes(homepage),
    scripts: [...document.scripts].filter((script) => script.getAttribute('src') !== '/static/wreg.js').length,
    images: document.querySelectorAll('img').length,
    handlers: [...document.querySelectorAll('*')].filter((element) =>
      element.getAttributeNames().some((name) => name.startsWith('on'))).length,
    scriptLinks: [...document.querySelectorAll('a[href]')].filter((a) =>
      a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
  }), [HOSTILE_DESCRIPTION, HOSTILE_HOMEPAGE]);
}

function expectNoMarkup(found) {
  expect(found.scripts === 0, `${found.scripts} script elements besides /static/wreg.js`);
  expect(found.images === 0, `${found.images} img elements`);
  expect(found.handlers === 0, `${found.handlers} elements with an on* attribute`);
  expect(found.scriptLinks === 0, `${found.scriptLinks} javascript: links`);
}

// Clicks the copy button labelled "Copy `label`" (the pages' script adds them), waits for the
// clipboard, emptied before, to hold something, and answers what it holds. The button's own
// "Copied" lasts two seconds, too short to wait for on a loaded machine.
async function copyWith(page, label) {
  const button = page.getByRole('button', { name: `Copy ${label}`, exact: true });
  expect(await button.count() === 1, `no button "Copy ${label}"`);
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await button.click();
  await page.waitForFunction(async () => (await navigator.clipboard.readText()) !== '', null,
    { timeout: 10000, polling: 100 });
  return page.evaluate(() => navigator.clipboard.readText());
}

async function checkHome(report, site, page, digests) {
  await report.check('home: counts, the newest releases, and a link to every package published', async () => {
    await site.open(page, PAGES.home);
    const counts = (await texts(page, '.counts'))[0] || '';
    const packages = new Set(RELEASES.map((r) => packageOf(r.id)));
    const namespaces = new Set([...packages].map((name) => name.split(':')[0]));
    expect(counts.includes(`${packages.size} packages, ${digests.size} releases in ${namespaces.size} namespaces`),
      `the counts say "${counts}"`);
    const listed = await page.$$eval('#results ul.packages a', (links) => links.map((a) => a.getAttribute('href')));
    for (const name of packages) {
      const href = `/packages/${name.replace(':', '/')}`;
      expect(listed.includes(href), `no link to ${href} under "All packages": ${listed.join(' ')}`);
    }
    const recent = await page.$$eval('section[aria-labelledby="recent"] li a',
      (links) => links.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })));
    expect(recent.length > 0, 'no newest releases are listed');
    for (const { text, href } of recent) {
      const [name, version] = text.split(' ');
      expect(digests.has(`${name}@${version}`) && href === `/packages/${name.replace(':', '/')}/${version}`,
        `a newest release "${text}" links to ${href}`);
    }
    return counts;
  });

  await report.check('home: the header search box, submitted, lands on the results; a click leads to the package', async () => {
    await site.open(page, PAGES.home);
    await page.locator('#site-q').fill('analytics');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === 'analytics'), page.keyboard.press('Enter')]);
    expect((await texts(page, '#listed'))[0] === 'Results', 'the answer has no "Results" heading');
    const found = await texts(page, '#results ul.packages > li > a');
    expect(found.includes('demo:analytics'), `demo:analytics is not among the results: ${found.join(', ')}`);
    expect(!found.includes('wasi:io'), 'wasi:io matches "analytics"');
    await Promise.all([page.waitForURL(site.base + PAGES.package),
      page.locator('#results').getByRole('link', { name: 'demo:analytics', exact: true }).click()]);
    expect((await texts(page, 'h1'))[0] === 'demo:analytics', 'the package page has another heading');
    return `${found.length} found`;
  });

  await report.check('home: search by exported interface with the form\'s button', async () => {
    await site.open(page, PAGES.home);
    await page.getByLabel('Exports interface').fill('wasi:http/incoming-handler');
    await Promise.all([page.waitForURL((url) => url.searchParams.has('exports')),
      page.locator('form.find button[type="submit"]').click()]);
    const found = await texts(page, '#results ul.packages > li > a');
    expect(found.length === 1 && found[0] === 'demo:http-proxy', `the results are ${found.join(', ') || 'none'}`);
  });

  await report.check('home: results follow the search box as one types, and lead to the package', async () => {
    await site.open(page, PAGES.home);
    await page.locator('#q').pressSequentially('proxy', { delay: 30 });
    await page.locator('#listed', { hasText: 'Results' }).waitFor({ timeout: 15000 });
    await page.waitForURL((url) => url.searchParams.get('q') === 'proxy', { timeout: 15000 });
    const found = await texts(page, '#results ul.packages > li > a');
    expect(found.join(',') === 'demo:http-proxy', `the list shows ${found.join(', ') || 'nothing'}`);
    await Promise.all([page.waitForURL(`${site.base}/packages/demo/http-proxy`),
      page.locator('#results').getByRole('link', { name: 'demo:http-proxy' }).click()]);
  });
}

async function checkPackage(report, site, page, digests) {
  const versions = RELEASES.filter((r) => packageOf(r.id) === 'demo:analytics').map((r) => versionOf(r.id));
  await report.check('package: the versions table lists every version, newest first, with its digest', async () => {
    await site.open(page, PAGES.package);
    const rows = await page.$$eval('table.versions tbody tr', (trs) => trs.map((tr) => ({
      version: tr.querySelector('td a').textContent.trim(),
      href: tr.querySelector('td a').getAttribute('href'),
      digest: tr.querySelector('code.digest').getAttribute('title'),
    })));
    const expected = [...versions].reverse();
    expect(JSON.stringify(rows.map((row) => row.version)) === JSON.stringify(expected),
      `the table lists ${rows.map((row) => row.version).join(', ')}, not ${expected.join(', ')}`);
    for (const row of rows) {
      const id = `demo:analytics@${row.version}`;
      expect(row.digest === digests.get(id), `${id} shows digest ${row.digest}, published ${digests.get(id)}`);
      expect(row.href === `${PAGES.package}/${row.version}`, `${id} links to ${row.href}`);
    }
    return expected.join(', ');
  });

  await report.check('package: the yanked 0.3.0 is marked and explained, the others not', async () => {
    const yanked = await page.$$eval('table.versions tr.yanked', (trs) => trs.map((tr) => tr.querySelector('td a').textContent.trim()));
    expect(JSON.stringify(yanked) === '["0.3.0"]', `rows marked yanked: ${yanked.join(', ') || 'none'}`);
    const mark = await texts(page, 'tr.yanked .yanked-mark');
    expect(mark[0] === 'yanked', 'the yanked row has no visible "yanked" mark');
    const note = await texts(page, 'p.note');
    expect(note.some((text) => text.includes('yanked version stays downloadable')), 'no note explains what yanked means');
  });

  await report.check('package: leads with `wreg add demo:analytics@0.2.0`, the newest not yanked', async () => {
    const commands = await texts(page, 'pre.command');
    expect(commands.includes('wreg add demo:analytics@0.2.0'), `the commands shown are ${commands.join(' | ') || 'none'}`);
  });

  await report.check('package: the description under the name is 0.2.0\'s, the release it leads with', async () => {
    const description = (await texts(page, 'header p.description'))[0];
    const lead = RELEASES.find((r) => r.id === 'demo:analytics@0.2.0').sections.description;
    expect(description === lead, `it is "${description}", not 0.2.0's "${lead}"`);
  });

  await report.check('package: 0.2.0\'s metadata, exports and WIT are shown', async () => {
    const homepage = await page.locator('dl.facts a[href="https://example.com/analytics"]').count();
    expect(homepage === 1, 'the https homepage is not a link');
    const facts = await texts(page, 'dl.facts dd');
    expect(facts.includes('Apache-2.0'), `the facts shown are ${facts.join(', ')}`);
    const exports = await texts(page, 'ul.externs code');
    expect(exports.includes('toolsku:analytics/data-processor@0.1.0'), `exports shown: ${exports.join(', ')}`);
    const wit = (await texts(page, 'section[aria-labelledby="wit"] pre.wit')).join('\n');
    expect(wit.includes('export toolsku:analytics/data-processor@0.1.0;'), `the WIT shown is "${wit.slice(0, 120)}"`);
    expect(await page.locator('pre.wit').first().isVisible(), 'the WIT is not visible');
  });

  await report.check('package: copy buttons copy the whole wreg add line, wkg line and digest', async () => {
    const host = new URL(site.base).host;
    const wanted = {
      'the wreg add command': 'wreg add demo:analytics@0.2.0',
      'the wkg get command': `wkg get --registry ${host} demo:analytics@0.2.0`,
      'the digest of 0.1.0': digests.get('demo:analytics@0.1.0'),
    };
    for (const [label, text] of Object.entries(wanted)) {
      const copied = await copyWith(page, label);
      expect(copied === text, `"Copy ${label}" copied "${copied}", not "${text}"`);
    }
    return `${Object.keys(wanted).length} buttons`;
  });
}

async function checkReleases(report, site, page, digests) {
  await report.check('release: the yanked 0.3.0 says so, with its command, digest, copy button and download', async () => {
    await site.open(page, PAGES.release);
    expect((await texts(page, 'h1'))[0].replace(/\s+/g, ' ') === 'demo:analytics 0.3.0', 'another heading');
    const note = (await texts(page, '.yanked-note'))[0] || '';
    expect(note.startsWith('Yanked.'), 'no yanked note');
    const commands = await texts(page, 'pre.command');
    expect(commands.includes('wreg add demo:analytics@0.3.0'), `the commands shown are ${commands.join(' | ')}`);
    const digest = (await texts(page, 'dd code.digest'))[0];
    expect(digest === digests.get('demo:analytics@0.3.0'), `the digest shown is ${digest}`);
    const copied = await copyWith(page, 'the digest');
    expect(copied === digest, `"Copy the digest" copied "${copied}"`);
    const href = await page.locator('a[download]').getAttribute('href');
    const answer = await site.context.request.get(site.base + href);
    expect(answer.status() === 200, `the download answered ${answer.status()}`);
    expect(sha256(await answer.body()) === digest, 'the download is other bytes than the digest shown');
  });

  await report.check('release: a WIT package\'s dependency is a link to its page, which says who uses it', async () => {
    await site.open(page, PAGES.dependent);
    const dependencies = await texts(page, 'section[aria-labelledby="dependencies"] li');
    expect(dependencies.some((text) => text.replace(/\s+/g, ' ') === 'wasi:io ^0.2.8'),
      `dependencies shown: ${dependencies.join(', ') || 'none'}`);
    await Promise.all([page.waitForURL(`${site.base}/packages/wasi/io`),
      page.locator('section[aria-labelledby="dependencies"]').getByRole('link', { name: 'wasi:io' }).click()]);
    const versions = await texts(page, 'table.versions tbody td:first-child a');
    expect(versions.join(',') === '0.2.8,0.2.0', `wasi:io lists ${versions.join(', ')}`);
    const usedBy = await page.$$eval('section[aria-labelledby="used-by"] a', (links) => links.map((a) => a.getAttribute('href')));
    expect(usedBy.includes('/packages/wasi/clocks'), `"Used by" links ${usedBy.join(', ') || 'nothing'}`);
  });

  await report.check('release: the WIT folds per interface, open at first', async () => {
    await site.open(page, '/packages/wasi/io');
    const summaries = await texts(page, 'details.wit > summary');
    for (const name of ['interface error', 'interface poll', 'interface streams', 'world imports']) {
      expect(summaries.includes(name), `no fold for ${name}: ${summaries.join(', ')}`);
    }
    const streams = page.locator('details.wit', { has: page.locator('summary', { hasText: 'interface streams' }) });
    const body = streams.locator('pre.wit');
    expect(await body.isVisible(), 'interface streams is not shown open');
    expect((await body.textContent()).includes('resource input-stream'), 'interface streams shows no input-stream');
    await streams.locator('summary').click();
    expect(!(await body.isVisible()), 'a click on its summary does not fold interface streams');
    return `${summaries.length} folds`;
  });

  await report.check('namespace: /namespaces/demo lists its packages and only those', async () => {
    await site.open(page, PAGES.namespace);
    const listed = (await texts(page, 'main ul.packages > li > a')).sort();
    const wanted = [...new Set(RELEASES.map((r) => packageOf(r.id)).filter((n) => n.startsWith('demo:')))].sort();
    expect(listed.join(',') === wanted.join(','), `it lists ${listed.join(', ')}, not ${wanted.join(', ')}`);
  });

  await report.check('error: a missing package is a 404 page that says so and links home', async () => {
    await site.open(page, PAGES.missing, 404);
    expect((await texts(page, 'h1'))[0] === 'Not found', 'the heading is not "Not found"');
    expect(await page.locator('main a[href="/"]').count() === 1, 'no link back to the search');
  });
}

// The hostile description and homepage, wherever they show: as text, never markup or a link,
// whether the server rendered them or the pages' script put them into the list.
async function checkHostile(report, site, page) {
  for (const pathname of [PAGES.hostile, PAGES.hostileRelease, `/?q=${encodeURIComponent('onerror')}`]) {
    await report.check(`hostile: the description and homepage are text on ${pathname}`, async () => {
      await site.open(page, pathname);
      const found = await markupFound(page);
      expect(found.description, 'the page does not show the description as text');
      expect(found.homepage || pathname.startsWith('/?'), 'the page does not show the homepage as text');
      expectNoMarkup(found);
    });
  }
  await report.check('hostile: the description is text in the results shown while typing', async () => {
    await site.open(page, PAGES.home);
    await page.locator('#q').pressSequentially('onerror', { delay: 30 });
    await page.locator('#listed', { hasText: 'Results' }).waitFor({ timeout: 15000 });
    await page.locator('#results ul.packages li', { hasText: 'demo:hostile' }).waitFor({ timeout: 15000 });
    const found = await markupFound(page);
    expect(found.description, 'the list does not show the description as text');
    expectNoMarkup(found);
  });
}

// The pages with JavaScript off: everything above but the copy buttons and live results.
async function checkWithoutScript(report, browser, site) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: DEVICES.desktop.viewport });
  const page = await site.watch.newPage(context);
  await report.check('no script: search submits and leads to a package page that shows its command', async () => {
    await site.open(page, PAGES.home);
    await page.locator('#q').fill('analytics');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === 'analytics'), page.keyboard.press('Enter')]);
    const found = await texts(page, '#results ul.packages > li > a');
    expect(found.includes('demo:analytics'), `the results are ${found.join(', ') || 'none'}`);
    await Promise.all([page.waitForURL(site.base + PAGES.package),
      page.locator('#results').getByRole('link', { name: 'demo:analytics', exact: true }).click()]);
    const commands = await texts(page, 'pre.command');
    expect(commands.includes('wreg add demo:analytics@0.2.0'), `the commands shown are ${commands.join(' | ')}`);
    expect(await page.locator('button.copy').count() === 0, 'copy buttons without a script to copy with');
  });
  await context.close();
}

async function checkKeyboard(report, site, page) {
  for (const pathname of [PAGES.home, PAGES.package]) {
    await report.check(`keyboard: on ${pathname} Tab reaches the skip link first, and it leads into main`, async () => {
      await site.open(page, pathname);
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => {
        const element = document.activeElement;
        const box = element.getBoundingClientRect();
        return {
          what: `${element.tagName.toLowerCase()}.${element.className} "${element.textContent.trim()}"`,
          href: element.getAttribute('href'),
          onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 &&
            box.right <= window.innerWidth && box.bottom <= window.innerHeight,
        };
      });
      expect(first.href === '#main', `the first Tab focused ${first.what}`);
      expect(first.onScreen, 'the focused skip link is not visible on screen');
      await page.keyboard.press('Enter');
      expect(new URL(page.url()).hash === '#main', `Enter on the skip link went to ${page.url()}`);
      // main is not focusable itself: the link moves the sequential focus starting point there,
      // so either focus is in main now or the next Tab lands in it, past the header's search.
      const inMain = () => page.evaluate(() => document.querySelector('main').contains(document.activeElement));
      if (!(await inMain())) await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement.outerHTML.slice(0, 80));
      expect(await inMain(), `after the skip link, Tab focused ${focused}, outside main`);
      return `then ${focused.split('>')[0]}>`;
    });
  }
}

// Every same-origin link, stylesheet and script the pages had: each answers 200.
async function checkLinks(report, site) {
  await report.check('links: every same-origin link, stylesheet and script of the pages answers 200', async () => {
    const broken = [];
    for (const [href, foundOn] of site.links) {
      const answer = await site.context.request.get(site.base + href, { maxRedirects: 0 });
      if (answer.status() !== 200) broken.push(`${href} (on ${foundOn}) answered ${answer.status()}`);
    }
    expect(site.links.has('/static/wreg.css'), 'no page links /static/wreg.css');
    expect(broken.length === 0, `${broken.length} broken: ${broken.join('; ')}`);
    return `${site.links.size} URLs`;
  });
  await report.check('csp: every page came with a strict Content-Security-Policy', async () => {
    expect(site.withoutPolicy.length === 0, `without it: ${site.withoutPolicy.join(', ')}`);
  });
}

// axe-core in a context of its own that bypasses the CSP (the pages allow their own script and no
// other, as they should); the checked contexts keep it. Every page on a desktop, the main ones on a phone too
// (another layout: code blocks scroll sideways there), light and dark. Serious and critical
// violations fail, with each element; minor and moderate ones are notes.
async function checkAccessibility(report, browser, watch, base, axeSource) {
  const runs = {
    desktop: [PAGES.home, PAGES.package, PAGES.release, PAGES.dependent, PAGES.namespace, PAGES.hostile, PAGES.missing],
    phone: [PAGES.home, PAGES.package, PAGES.release],
  };
  watch.expectedErrors.add(base + PAGES.missing);
  for (const [device, pathnames] of Object.entries(runs)) {
    const context = await browser.newContext({ ...DEVICES[device], bypassCSP: true });
    const page = await watch.newPage(context);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const pathname of pathnames) {
        const name = `a11y ${scheme} ${device}: ${pathname}`;
        await report.check(`${name}: axe-core finds nothing serious`, async () => {
          const { violations, undecided } = await axeViolations(page, base + pathname, axeSource);
          // What axe could not decide (contrast over an overlapped background, say) is not checked.
          for (const v of undecided) {
            report.note(`${name}: ${v.id} undecided by axe: ${v.nodes.map((n) => n.target).join(', ')}`);
          }
          const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
          for (const v of violations.filter((x) => !grave.includes(x))) {
            report.note(`${name}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target).join(', ')}`);
          }
          expect(grave.length === 0,
            grave.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target).join(', ')}`).join('; '),
            grave.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target}: ${n.summary.replace(/\s+/g, ' ')}`)));
          return violations.length ? `${violations.length} minor or moderate, as notes` : '';
        });
      }
    }
    await context.close();
  }
}

// axe-core's violations and its undecided results on `url`, each with the elements' selectors.
async function axeViolations(page, url, axeSource) {
  await page.goto(url);
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(() => window.axe.run(document).then((results) => {
    const brief = (v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((node) => ({ target: node.target.join(' '), summary: node.failureSummary || '' })),
    });
    return { violations: results.violations.map(brief), undecided: results.incomplete.map(brief) };
  }));
}

// Light and dark, desktop and phone, full page: `${name}-${scheme}-${device}.png`. On a phone the
// page must also fit its width (nothing scrolls sideways but the WIT and code blocks themselves),
// and the colours must follow the scheme the system asks for.
async function takeScreenshots(report, browser, site, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const shots = { home: PAGES.home, package: PAGES.package, release: PAGES.release };
  const written = [];
  const failed = [];
  const backgrounds = { light: new Set(), dark: new Set() };
  for (const [device, options] of Object.entries(DEVICES)) {
    const context = await browser.newContext(options);
    const page = await site.watch.newPage(context);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, pathname] of Object.entries(shots)) {
        const file = `${name}-${scheme}-${device}.png`;
        try {
          await site.open(page, pathname);
          await page.screenshot({ path: path.join(dir, file), fullPage: true, type: 'png', animations: 'disabled' });
          written.push(file);
          backgrounds[scheme].add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
        } catch (error) {
          failed.push(`${file}: ${firstLine(error)}`);
          continue;
        }
        if (device === 'phone' && scheme === 'light') {
          await report.check(`phone: ${pathname} fits ${options.viewport.width} px without scrolling sideways`, async () => {
            const width = await page.evaluate(() => document.documentElement.scrollWidth);
            expect(width <= options.viewport.width, `the page is ${width} px wide`);
          });
        }
      }
    }
    await context.close();
  }
  await report.check('colours: the pages follow the system\'s light or dark scheme', async () => {
    const light = [...backgrounds.light];
    const dark = [...backgrounds.dark];
    expect(light.length === 1 && dark.length === 1 && light[0] !== dark[0],
      `the page backgrounds are ${light.join(', ')} in light and ${dark.join(', ')} in dark`);
    return `${light[0]} and ${dark[0]}`;
  });
  await report.check(`screenshots: ${written.length} written to ${dir}`, async () => {
    expect(failed.length === 0, failed.join('; '));
    return written.join(' ');
  });
}

async function checkWatched(report, watch) {
  await report.check('browser: no console error, failed request or error status on any page', async () => {
    expect(watch.problems.length === 0, `${watch.problems.length}: ${watch.problems.join('; ')}`);
  });
  await report.check('browser: no dialog ever opened', async () => {
    expect(watch.dialogs.length === 0, watch.dialogs.join('; '));
  });
}

// ---- the run

async function main() {
  const started = Date.now();
  const args = parseArguments();
  const { chromium, axeSource } = await loadDependencies();
  const report = new Report();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wreg-browser-'));
  const registry = new Registry({ server: args.server, client: args.client }, work);
  let browser = null;

  let cleaned = null;
  const cleanup = () => {
    cleaned = cleaned || (async () => {
      if (browser) await browser.close().catch(() => {});
      await registry.stop();
      fs.rmSync(work, { recursive: true, force: true });
    })();
    return cleaned;
  };
  // Whatever ends the run, the server goes and the temp dir with it.
  process.on('exit', () => {
    if (registry.running()) registry.server.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      console.log(`browser: ${signal}, stopping`);
      cleanup().finally(() => process.exit(status));
    });
  }

  try {
    let digests;
    const ready = await report.check('registry: wreg-server serves, wreg publishes the fixtures and yanks one', async () => {
      await registry.start(['demo', 'wasi']);
      digests = await publishReleases(registry, args.fixtures, path.join(work, 'uploads'));
      return `${digests.size} releases on ${registry.url}`;
    });
    if (!ready) {
      for (const line of registry.logTail()) console.log(`        server: ${line}`);
      return report.summary();
    }

    // Chromium keeps crash reports and settings under HOME: a HOME of the run's own keeps them
    // out of the user's (CI runs as root).
    const browserHome = path.join(work, 'browser-home');
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      env: {
        ...process.env,
        HOME: browserHome,
        XDG_CONFIG_HOME: path.join(browserHome, '.config'),
        XDG_CACHE_HOME: path.join(browserHome, '.cache'),
      },
    });
    report.note(`chromium ${browser.version()}`);
    const watch = new Watch();
    const context = await browser.newContext({ viewport: DEVICES.desktop.viewport });
    // The copy buttons write to the clipboard, and the checks read it back.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: registry.url });
    const site = new Site(registry.url, context, watch);
    const page = await watch.newPage(context);

    await checkHome(report, site, page, digests);
    await checkPackage(report, site, page, digests);
    await checkReleases(report, site, page, digests);
    await checkHostile(report, site, page);
    await checkKeyboard(report, site, page);
    await checkWithoutScript(report, browser, site);
    await takeScreenshots(report, browser, site, args.screenshots);
    await checkLinks(report, site);
    await checkAccessibility(report, browser, watch, registry.url, axeSource);
    await checkWatched(report, watch);
    await report.check('wreg-server: still running after the browser run', async () => {
      expect(registry.running(), 'it exited', registry.logTail());
    });
    return report.summary();
  } finally {
    await cleanup();
    console.log(`browser: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().then((status) => process.exit(status), (error) => {
  console.log(`FAIL  browser: ${firstLine(error)}`);
  process.exit(1);
});
