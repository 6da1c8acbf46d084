// Shared helpers for the Collagen browser tests: a headless Debian Chromium
// driven by playwright-core (never a Playwright-downloaded browser) and axe-core.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
/** An absolute URL on the server under test. */
export const abs = (path) => new URL(path, BASE_URL + '/').href;

/** A URL as failure messages show it: path and query on this server, whole elsewhere. */
export const show = (url) => {
  const u = new URL(url);
  return u.origin === new URL(BASE_URL).origin ? u.pathname + u.search : url;
};

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launch Chromium. `launch` gives every run a fresh temporary profile (user-data-dir). */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM=/path/to/chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A new context; `opts` are Playwright context options (viewport, javaScriptEnabled, ...). */
export async function newContext(browser, opts = {}) {
  return browser.newContext({ baseURL: BASE_URL, viewport: { width: 1280, height: 900 }, ...opts });
}

/** A context for axe: the site's CSP (`script-src 'self'`) would block the injected inline script. */
export async function newAxeContext(browser, opts = {}) {
  return newContext(browser, { ...opts, bypassCSP: true });
}

let axeSource;
function axeScript() {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Run axe-core on the loaded page (needs a bypassCSP context). Returns the raw
 * violations array; use formatViolations() for an assertion message.
 */
export async function runAxe(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ content: axeScript() });
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
      })),
    }));
  }, AXE_TAGS);
}

/** Readable, multi-line description of axe violations for one page. */
export function formatViolations(url, violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`${url}: [${v.id}] (${v.impact}) ${v.help}`);
    for (const n of v.nodes.slice(0, 10)) {
      lines.push(`    ${n.target}${n.summary ? `  -- ${n.summary.slice(0, 240)}` : ''}`);
    }
    if (v.nodes.length > 10) lines.push(`    ... and ${v.nodes.length - 10} more nodes`);
  }
  return lines.join('\n');
}
