// The booking page on a phone (390 px wide), as a client expects it: it opens on the
// first day with a free time, already selected with its times; the cancellation policy
// must be agreed before booking; the confirmation shows the price and the calendar
// links beside the .ics. Run through ../run.sh (a fresh server with the demo clinic).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newAxeContext, runAxe, formatViolations, abs, show } from '../lib/browser.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };
const AGREE = 'I have read and agree to the cancellation policy.';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function clickAndWait(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp;
}

async function axeProblems(page, label) {
  const violations = await runAxe(page);
  return violations.length ? [`${label}: ${violations.length} axe violation(s):\n${formatViolations(show(page.url()), violations)}`] : [];
}

/** The page is no wider than the phone: nothing to scroll sideways. */
async function fitsThePhone(page, label) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `${label}: the page is ${width} px wide on a 390 px phone`);
}

test('on a phone: first free day open, the policy agreed, price and calendar links on the confirmation', async () => {
  const ctx = await newAxeContext(browser, { ...PHONE, timezoneId: 'America/New_York' });
  const page = await ctx.newPage();
  const soft = [];

  // The first free day, as the API sees it.
  const today = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 60 * 86400e3).toISOString().slice(0, 10);
  const r = await page.request.get(abs(`/api/v1/availability?service=microneedling-face&from=${today}&to=${to}`));
  assert.equal(r.status(), 200);
  const firstDay = (await r.json()).slots[0].start.slice(0, 10);

  // A treatment needs the safety questions first: answer them through the API, as the
  // page's own form would, and open the day-and-time step with that screening.
  const questions = await (await page.request.get(abs('/api/v1/screening/questions'))).json();
  const answers = Object.fromEntries(
    questions.map((q) => [q.id, q.kind === 'yes_no' ? false : q.kind === 'date' ? (q.accepts_never === false ? '1980-06-15' : null) : q.options[0]]),
  );
  const s = await page.request.post(abs('/api/v1/screenings'), { data: { answers } });
  assert.equal(s.status(), 201, await s.text());
  const screening = (await s.json()).id;

  const resp = await page.goto(abs(`/book?service=microneedling-face&screening=${screening}`));
  assert.equal(resp.status(), 200);
  await fitsThePhone(page, 'day and time');
  soft.push(...(await axeProblems(page, 'day and time on a phone')));
  const selected = page.locator('table.month a[aria-current="date"]');
  assert.equal(await selected.count(), 1, 'one day is selected when the page opens');
  assert.equal(new URL(await selected.evaluate((a) => a.href)).searchParams.get('date'), firstDay, 'the selected day is the first free one');
  const times = page.locator('section#times ul.times a');
  assert.ok((await times.count()) > 0, 'its times show without another tap');
  assert.ok(await page.locator('nav[aria-label="Practitioner"] .avatar').first().isVisible(), 'practitioners show a face');

  await clickAndWait(page, times.first());
  assert.equal(new URL(page.url()).pathname, '/book/details');
  await fitsThePhone(page, 'details');
  assert.ok(await page.getByRole('heading', { name: 'Cancellation policy' }).isVisible(), 'the policy is shown before booking');
  await page.getByLabel('Full name').fill('Phone Client');
  await page.getByLabel('Email').fill(`phone-${Date.now().toString(36)}@example.com`);

  // Without the tick the booking does not go through, and says why beside the box.
  // The box is `required`; a client whose browser skips that check meets the server's.
  await page.locator('form[action="/book"]').evaluate((f) => { f.noValidate = true; });
  const refused = await clickAndWait(page, page.getByRole('button', { name: 'Confirm booking', exact: true }));
  assert.equal(refused.status(), 422, 'booking without agreeing is refused');
  const box = page.getByLabel(AGREE);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.ok(await page.locator('#f-agree_policy-error').isVisible(), 'the error is beside the box');
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Phone Client', 'what was typed is kept');
  soft.push(...(await axeProblems(page, 'details with the policy error')));

  await box.check();
  const booked = await clickAndWait(page, page.getByRole('button', { name: 'Confirm booking', exact: true }));
  assert.equal(booked.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/manage\/[^/]+$/);
  await fitsThePhone(page, 'confirmation');
  const summary = await page.locator('dl.summary').first().textContent();
  assert.match(summary, /\$250\.00/, `the confirmation shows the price: ${summary}`);
  const links = page.locator('.calendar-links a');
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.href));
  assert.ok(hrefs.some((h) => h.endsWith('/calendar.ics')), `the .ics is there: ${hrefs}`);
  const google = hrefs.find((h) => h.startsWith('https://calendar.google.com/'));
  const outlook = hrefs.find((h) => h.startsWith('https://outlook.live.com/'));
  assert.ok(google && outlook, `Google and Outlook links beside it: ${hrefs}`);
  const instant = await page.locator('dl.summary time').first().getAttribute('data-instant');
  const utc = new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  assert.ok(new URL(google).searchParams.get('dates').startsWith(`${utc}/`), `Google gets ${utc}: ${google}`);
  assert.equal(new URL(outlook).searchParams.get('startdt'), new Date(instant).toISOString().replace(/\.\d{3}/, ''));
  for (const h of [google, outlook]) assert.ok(!h.includes(new URL(page.url()).pathname.split('/')[2]), 'no manage token in another site\'s link');
  soft.push(...(await axeProblems(page, 'confirmation on a phone')));

  await ctx.close();
  assert.deepEqual(soft, [], soft.join('\n\n'));
});
