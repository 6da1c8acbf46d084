// Screenshot of the home page for the README:
//   BASE_URL=http://127.0.0.1:8080 node tests/browser/screenshot.mjs [out.png] [width] [height]
// Defaults: ../../docs/screenshot.png at 1280x800 (viewport only, not the full page).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL, launchBrowser, newContext } from './lib/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || resolve(here, '../../docs/screenshot.png'));
const width = Number(process.argv[3] || 1280);
const height = Number(process.argv[4] || 800);
const path = process.env.SCREENSHOT_PATH || '/';

const browser = await launchBrowser();
try {
  const mobile = width < 600;
  const ctx = await newContext(browser, { viewport: { width, height }, deviceScaleFactor: 1, isMobile: mobile, hasTouch: mobile });
  const page = await ctx.newPage();
  const resp = await page.goto(new URL(path, BASE_URL + '/').href, { waitUntil: 'networkidle' });
  if (!resp || !resp.ok()) throw new Error(`${path} answered ${resp?.status()}`);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out} (${width}x${height})`);
} finally {
  await browser.close();
}
