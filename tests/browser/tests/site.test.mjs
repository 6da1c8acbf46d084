// Browser tests for the Collagen public site. Run through ../run.sh, which
// starts a server on a fresh database and sets BASE_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  launchBrowser,
  newContext,
  newAxeContext,
  runAxe,
  formatViolations,
  abs,
  show,
} from '../lib/browser.mjs';

const ORIGIN = new URL(BASE_URL).origin;
const CRAWL_CAP = 150;
const TREATMENT_PATHS = ['/microneedling', '/procedure', '/benefits', '/risks', '/aftercare', '/compare', '/faq'];
const SCHEDULE = 'Schedule an Appointment';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});


/** Public URLs only: the API and the back office are not crawled. */
function skipped(url) {
  const p = url.pathname;
  return /^\/api(\/|$)/.test(p) || /^\/manage(\/|$)/.test(p) || /^\/admin/.test(p);
}

/** Links that are files rather than pages: fetched with the request context, not navigated to. */
function isFileLike(url) {
  return url.pathname.startsWith('/assets/') || /\.(css|js|mjs|svg|png|jpe?g|gif|webp|avif|ico|woff2?|pdf|txt|xml|json|map)$/i.test(url.pathname);
}

function normalise(href, pageUrl) {
  let u;
  try {
    u = new URL(href, pageUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null; // mailto:, tel:, javascript:
  if (u.origin !== ORIGIN) return null;
  u.hash = '';
  if (skipped(u)) return null;
  return u.href;
}

// ---------------------------------------------------------------------------
// The crawl is shared by several tests; it runs once.
let crawlPromise;
function getCrawl() {
  crawlPromise ??= crawl();
  return crawlPromise;
}

async function crawl() {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const result = {
    pages: [], // HTML pages that answered 2xx: { url, headers }
    failures: [], // { url, status, error, from }
    pageProblems: [], // JS errors, console errors, failed subresources
    checked: 0,
    capped: false,
    sitemap: [],
  };
  const linkedFrom = new Map(); // url -> Set(page urls)
  const seen = new Set();
  const queue = [];
  const assetQueue = [];

  const enqueue = (url, from) => {
    if (!linkedFrom.has(url)) linkedFrom.set(url, new Set());
    if (from) linkedFrom.get(url).add(from);
    if (seen.has(url)) return;
    seen.add(url);
    (isFileLike(new URL(url)) ? assetQueue : queue).push(url);
  };
  const fromOf = (url) => {
    const s = [...(linkedFrom.get(url) || [])].map(show);
    if (!s.length) return '(start / sitemap)';
    return s.slice(0, 3).join(', ') + (s.length > 3 ? ` and ${s.length - 3} more` : '');
  };

  enqueue(abs('/'), null);
  const sm = await ctx.request.get(abs('/sitemap.xml'));
  if (sm.status() !== 200) {
    result.failures.push({ url: abs('/sitemap.xml'), status: sm.status(), from: '(sitemap)' });
  } else {
    const xml = await sm.text();
    for (const m of xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)) {
      const loc = new URL(m[1].replace(/&amp;/g, '&'));
      const rewritten = BASE_URL + loc.pathname + loc.search;
      result.sitemap.push(rewritten);
      const n = normalise(rewritten, BASE_URL);
      if (n) enqueue(n, abs('/sitemap.xml'));
    }
  }

  let current = null;
  page.on('pageerror', (e) => current && result.pageProblems.push(`${show(current)}: uncaught JS error: ${e.message}`));
  page.on('console', (m) => {
    // 'Failed to load resource' duplicates the status checks below and in the crawl.
    if (current && m.type() === 'error' && !m.text().startsWith('Failed to load resource')) result.pageProblems.push(`${show(current)}: console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    if (current && !r.isNavigationRequest() && r.failure()?.errorText !== 'net::ERR_ABORTED') {
      result.pageProblems.push(`${show(current)}: request failed: ${show(r.url())} (${r.failure()?.errorText})`);
    }
  });
  page.on('response', (r) => {
    if (current && !r.request().isNavigationRequest() && r.status() >= 400) {
      result.pageProblems.push(`${show(current)}: subresource ${show(r.url())} answered ${r.status()}`);
    }
  });

  while (queue.length) {
    if (result.checked >= CRAWL_CAP) {
      result.capped = true;
      break;
    }
    const url = queue.shift();
    result.checked++;
    current = url;
    let resp;
    try {
      resp = await page.goto(url, { waitUntil: 'load', timeout: 20_000 });
    } catch (e) {
      if (/Download is starting/.test(String(e))) {
        assetQueue.push(url);
        continue;
      }
      result.failures.push({ url, error: String(e.message || e).split('\n')[0], from: fromOf(url) });
      continue;
    }
    const status = resp ? resp.status() : 0;
    if (status < 200 || status > 299) {
      result.failures.push({ url, status, from: fromOf(url) });
      continue;
    }
    const ctype = resp.headers()['content-type'] || '';
    if (!ctype.includes('text/html')) {
      continue;
    }
    result.pages.push({ url, headers: resp.headers() });
    const found = await page.evaluate(() => ({
      links: [...document.querySelectorAll('a[href], area[href]')].map((a) => a.getAttribute('href')),
      assets: [
        ...[...document.querySelectorAll('link[href]')].map((l) => l.getAttribute('href')),
        ...[...document.querySelectorAll('script[src], img[src], source[src], video[src], audio[src]')].map((e) => e.getAttribute('src')),
      ],
    }));
    for (const href of found.links) {
      if (!href || href.startsWith('#')) continue;
      const n = normalise(href, url);
      if (n) enqueue(n, url);
    }
    for (const href of found.assets) {
      const n = normalise(href, url);
      if (n) enqueue(n, url);
    }
  }

  for (const url of assetQueue) {
    result.checked++;
    try {
      const r = await ctx.request.get(url, { timeout: 20_000 });
      if (r.status() < 200 || r.status() > 299) result.failures.push({ url, status: r.status(), from: fromOf(url) });
    } catch (e) {
      result.failures.push({ url, error: String(e.message || e).split('\n')[0], from: fromOf(url) });
    }
  }
  await ctx.close();
  return result;
}

// ---------------------------------------------------------------------------

test('crawl: every same-origin link and asset answers 2xx', async () => {
  const c = await getCrawl();
  assert.ok(c.sitemap.length > 0, 'sitemap.xml lists no <loc>');
  assert.ok(c.pages.length >= 10, `only ${c.pages.length} HTML pages were crawled`);
  const msg = c.failures
    .map((f) => `${show(f.url)} -> ${f.status ?? f.error}  (linked from ${f.from})`)
    .join('\n');
  assert.equal(c.failures.length, 0, `${c.failures.length} broken URL(s) of ${c.checked} checked:\n${msg}`);
  if (c.capped) console.log(`# crawl stopped at the cap of ${CRAWL_CAP} pages`);
});

test('crawl: no JS errors, console errors (e.g. CSP violations) or failed subresources', async () => {
  const c = await getCrawl();
  const problems = [...new Set(c.pageProblems)];
  assert.equal(problems.length, 0, `${problems.length} problem(s):\n${problems.join('\n')}`);
});

test('axe: every crawled page and the 404 page have no WCAG 2.1 AA / best-practice violations', async () => {
  const c = await getCrawl();
  const ctx = await newAxeContext(browser);
  const page = await ctx.newPage();
  const reports = [];
  let count = 0;
  for (const url of [...c.pages.map((p) => p.url), abs('/no-such-page')]) {
    await page.goto(url, { waitUntil: 'load' });
    const violations = await runAxe(page);
    if (violations.length) {
      count += violations.length;
      reports.push(formatViolations(show(url), violations));
    }
  }
  await ctx.close();
  assert.equal(count, 0, `${count} axe violation(s) on ${reports.length} page(s):\n${reports.join('\n')}`);
});

test('every treatment page links "Schedule an Appointment" to /book', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const missing = [];
  for (const path of TREATMENT_PATHS) {
    const resp = await page.goto(abs(path));
    assert.equal(resp.status(), 200, `${path} answered ${resp.status()}`);
    const links = page.getByRole('link', { name: SCHEDULE, exact: true });
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.href));
    const toBook = hrefs.filter((h) => new URL(h).pathname === '/book');
    if (!toBook.length) missing.push(`${path}: links named "${SCHEDULE}": ${JSON.stringify(hrefs)}`);
    else if (!(await links.first().isVisible())) missing.push(`${path}: the "${SCHEDULE}" link is not visible`);
  }
  await ctx.close();
  assert.deepEqual(missing, [], missing.join('\n'));
});

/** Top-level JSON-LD nodes (and @graph members) of the current page; throws on invalid JSON. */
async function jsonLdNodes(page) {
  const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
  const nodes = [];
  for (const text of blocks) {
    const data = JSON.parse(text);
    for (const item of Array.isArray(data) ? data : [data]) {
      nodes.push(item);
      if (Array.isArray(item['@graph'])) nodes.push(...item['@graph']);
    }
  }
  return nodes;
}
const hasType = (node, type) => [].concat(node['@type'] || []).includes(type);

test('JSON-LD: home is a MedicalClinic, treatment pages are MedicalProcedure', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const problems = [];
  await page.goto(abs('/'));
  const home = await jsonLdNodes(page);
  const clinic = home.find((n) => hasType(n, 'MedicalClinic'));
  if (!clinic) problems.push(`/: no top-level MedicalClinic; types: ${JSON.stringify(home.map((n) => n['@type']))}`);
  else if (!clinic.name) problems.push('/: MedicalClinic has no name');
  for (const path of TREATMENT_PATHS) {
    await page.goto(abs(path));
    let nodes;
    try {
      nodes = await jsonLdNodes(page);
    } catch (e) {
      problems.push(`${path}: invalid JSON-LD: ${e.message}`);
      continue;
    }
    const proc = nodes.find((n) => hasType(n, 'MedicalProcedure'));
    if (!proc) problems.push(`${path}: no top-level MedicalProcedure; types: ${JSON.stringify(nodes.map((n) => n['@type']))}`);
    else if (!proc.name) problems.push(`${path}: MedicalProcedure has no name`);
  }
  await ctx.close();
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('every crawled page has a title, meta description, og:title and a working skip link', async () => {
  const c = await getCrawl();
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const problems = [];
  for (const { url } of c.pages) {
    const p = show(url);
    await page.goto(url);
    const head = await page.evaluate(() => ({
      title: document.title.trim(),
      description: document.querySelector('meta[name="description"]')?.getAttribute('content')?.trim() || '',
      ogTitle: document.querySelector('meta[property="og:title"]')?.getAttribute('content')?.trim() || '',
    }));
    if (!head.title) problems.push(`${p}: empty or missing <title>`);
    if (!head.description) problems.push(`${p}: missing meta description`);
    if (!head.ogTitle) problems.push(`${p}: missing og:title`);

    // Skip link: the first Tab stop, visible when focused, and activating it moves focus into <main>.
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return {
        tag: a.tagName,
        text: a.textContent.trim(),
        href: a.getAttribute('href'),
        visible: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight,
      };
    });
    if (skip.tag !== 'A' || !/skip/i.test(skip.text) || !skip.href?.startsWith('#')) {
      problems.push(`${p}: first Tab stop is not a skip link (${skip.tag} "${skip.text}" href=${skip.href})`);
      continue;
    }
    if (!skip.visible) problems.push(`${p}: skip link is not visible when focused`);
    await page.keyboard.press('Enter');
    const focus = await page.evaluate(() => {
      const main = document.querySelector('main');
      const a = document.activeElement;
      return { inMain: !!main && (a === main || main.contains(a)), active: a.tagName + (a.id ? '#' + a.id : '') };
    });
    if (!focus.inMain) problems.push(`${p}: after the skip link, focus is on ${focus.active}, not <main>`);
  }
  await ctx.close();
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('/services lists the four demo services with their prices', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const resp = await page.goto(abs('/services'));
  assert.equal(resp.status(), 200);
  const expected = [
    ['Microneedling, full face', '$250.00'],
    ['Microneedling for acne scars', '$300.00'],
    ['Microneedling for stretch marks', '$280.00'],
    ['Skin consultation', 'Free'],
  ];
  const found = await page.evaluate((names) => {
    const main = document.querySelector('main');
    const out = {};
    for (const name of names) {
      // The element naming the service, then its closest ancestor that shows a price.
      const el = [...main.querySelectorAll('*')].find(
        (e) => e.children.length === 0 && e.textContent.replace(/\s+/g, ' ').trim() === name,
      );
      if (!el) continue;
      let box = el;
      // A zero price reads "Free".
      // Cell texts run together in textContent ("30 minutesFree"), so no word boundary.
      const price = /\$\s?\d[\d,]*\.\d\d|Free/;
      while (box && box !== main && !price.test(box.textContent)) box = box.parentElement;
      const m = box && box !== main ? box.textContent.match(price) : null;
      out[name] = m ? m[0].replace(/\s/g, '') : null;
    }
    return out;
  }, expected.map(([n]) => n));
  await ctx.close();
  for (const [name, price] of expected) {
    assert.ok(name in found, `/services does not show a service named "${name}"`);
    assert.equal(found[name], price, `/services shows "${name}" at ${found[name]}, expected ${price}`);
  }
});

test('unknown URLs answer 404 with a helpful page linking home', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const resp = await page.goto(abs('/no-such-page'));
  assert.equal(resp.status(), 404);
  assert.match(resp.headers()['content-type'] || '', /text\/html/);
  const h1 = (await page.locator('main h1').first().textContent())?.trim() || '';
  assert.match(h1, /(not found|couldn.t find|can.t find|no such page|404)/i, `404 page heading: "${h1}"`);
  const homeLinks = await page.locator('main a').evaluateAll((as) => as.filter((a) => new URL(a.href).pathname === '/').length);
  assert.ok(homeLinks > 0, 'the 404 page has no link to / in its main content');
  assert.ok(await page.locator('title').textContent(), '404 page has no <title>');
  await ctx.close();
});

test('security headers on / and on the 404 page', async () => {
  const ctx = await newContext(browser);
  const problems = [];
  for (const path of ['/', '/no-such-page']) {
    const r = await ctx.request.get(abs(path));
    const h = r.headers();
    const csp = h['content-security-policy'] || '';
    if (!csp) {
      problems.push(`${path}: no content-security-policy`);
    } else {
      const directives = Object.fromEntries(
        csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
          const [name, ...vals] = d.split(/\s+/);
          return [name.toLowerCase(), vals];
        }),
      );
      const scriptSrc = directives['script-src'] || directives['default-src'];
      if (!scriptSrc) problems.push(`${path}: CSP has neither script-src nor default-src: ${csp}`);
      else if (scriptSrc.includes("'unsafe-inline'")) problems.push(`${path}: CSP script-src allows 'unsafe-inline': ${csp}`);
      const fa = directives['frame-ancestors'];
      if (!fa || fa.join(' ') !== "'none'") problems.push(`${path}: CSP frame-ancestors is not 'none': ${csp}`);
    }
    if ((h['x-content-type-options'] || '').toLowerCase() !== 'nosniff') {
      problems.push(`${path}: x-content-type-options is ${JSON.stringify(h['x-content-type-options'])}`);
    }
    const rp = (h['referrer-policy'] || '').toLowerCase();
    if (!rp || rp.includes('unsafe-url')) problems.push(`${path}: referrer-policy is ${JSON.stringify(h['referrer-policy'])}`);
  }
  await ctx.close();
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('mobile (390x844): no horizontal scrolling on the home page or any sitemap page', async () => {
  const c = await getCrawl();
  const ctx = await newContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  const problems = [];
  for (const url of [abs('/'), ...c.sitemap]) {
    await page.goto(url);
    const { sw, widest } = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      let widest = null;
      for (const e of document.body.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.right > vw + 1 && (!widest || r.right > widest.right)) {
          widest = { right: Math.round(r.right), el: e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\s+/).join('.') : '') };
        }
      }
      return { sw: document.documentElement.scrollWidth, widest };
    });
    if (sw > 391) problems.push(`${show(url)}: scrollWidth ${sw} > 390${widest ? ` (widest: ${widest.el}, right edge ${widest.right}px)` : ''}`);
  }
  await ctx.close();
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('works without JavaScript: / and /services render with the booking link', async () => {
  const ctx = await newContext(browser, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  for (const path of ['/', '/services']) {
    const resp = await page.goto(abs(path));
    assert.equal(resp.status(), 200, `${path} answered ${resp.status()} without JS`);
    assert.ok(await page.locator('main h1').first().isVisible(), `${path}: main heading not visible without JS`);
    const link = page.getByRole('link', { name: SCHEDULE, exact: true }).first();
    assert.ok(await link.isVisible(), `${path}: no visible "${SCHEDULE}" link without JS`);
    const href = await link.evaluate((a) => a.href);
    assert.equal(new URL(href).pathname, '/book', `${path}: "${SCHEDULE}" points at ${href}`);
  }
  await ctx.close();
});
