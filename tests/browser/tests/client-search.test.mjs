// The client search follows the typing where JavaScript runs (a static script fetches the
// same server-rendered results), and the Search button still works without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchBrowser, newContext, abs } from '../lib/browser.mjs';

const PASSWORD = 'ochre lantern drifts slowly 47';
const DESK = 'search-desk@clinic.example';
const ZONE = 'America/New_York';

let browser;
before(async () => {
  execFileSync(process.env.COLLAGEN_BIN, ['staff', 'add', DESK, '--role', 'front-desk', '--data-dir', process.env.COLLAGEN_DATA_DIR], {
    input: `${PASSWORD}\n`,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const day = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(ms));
  const slots = await (await fetch(abs(`/api/v1/availability?service=consultation&from=${day(Date.now())}&to=${day(Date.now() + 21 * 86400_000)}`))).json();
  const res = await fetch(abs('/api/v1/bookings'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'consultation', start: slots.slots.at(-1).start, client: { name: 'Quillon Typeahead', email: 'quillon@example.com', phone: '+1 555 0166' } }),
  });
  assert.equal(res.status, 201, await res.text());
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function signedIn(opts) {
  const ctx = await newContext(browser, opts);
  const page = await ctx.newPage();
  await page.goto(abs('/login'));
  await page.getByLabel('Email').fill(DESK);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/admin/), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  await page.goto(abs('/admin/clients'));
  return { ctx, page };
}

test('client search: results follow the typing, and the form works without JavaScript', async () => {
  const { ctx, page } = await signedIn({});
  await page.getByLabel('Search by name, email or phone').pressSequentially('quill', { delay: 30 });
  await page.locator('#client-results').getByRole('link', { name: 'Quillon Typeahead' }).waitFor({ timeout: 5000 });
  assert.match(await page.locator('#client-results').textContent(), /1 client\(s\) match/);
  assert.match(page.url(), /\?q=quill$/);
  await ctx.close();

  const plain = await signedIn({ javaScriptEnabled: false });
  await plain.page.getByLabel('Search by name, email or phone').fill('5550166');
  await Promise.all([plain.page.waitForURL(/q=5550166/), plain.page.getByRole('button', { name: 'Search', exact: true }).click()]);
  assert.ok(await plain.page.getByRole('link', { name: 'Quillon Typeahead' }).isVisible());
  await plain.ctx.close();
});
