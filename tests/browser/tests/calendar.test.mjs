// Browser test of the back office's calendar: the day view's time scale is even (two
// half-hour rows measure the same height, and so does a half-hour booking) and the view
// runs to the day's latest closing; axe finds nothing on the day and week views.
// Run through ../run.sh (it exports BASE_URL, COLLAGEN_BIN and COLLAGEN_DATA_DIR).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchBrowser, newAxeContext, runAxe, formatViolations, abs, show } from '../lib/browser.mjs';

const CLINIC_ZONE = 'America/New_York';
const PASSWORD = 'ochre lantern drifts slowly 47';
const EMAIL = 'calendar-desk@clinic.example';

let browser;
before(async () => {
  const bin = process.env.COLLAGEN_BIN;
  const data = process.env.COLLAGEN_DATA_DIR;
  if (!bin || !data) throw new Error('calendar.test.mjs needs COLLAGEN_BIN and COLLAGEN_DATA_DIR; run through tests/browser/run.sh.');
  execFileSync(bin, ['staff', 'add', EMAIL, '--role', 'front-desk', '--data-dir', data], { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const clinicDate = (ms) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: CLINIC_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

async function api(path, body) {
  const res = await fetch(abs(path), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function axeProblems(page, label) {
  const violations = await runAxe(page);
  return violations.length ? [`${label}: ${violations.length} axe violation(s):\n${formatViolations(show(page.url()), violations)}`] : [];
}

test('day view: an even time scale to the latest closing; axe on the day and week views', async () => {
  // A 30-minute consultation with Dr. Lee in her late Thursday hours (12:00-20:00 in the
  // demo clinic; nobody else works Thursdays, so the day runs 12:00-20:00).
  const q = new URLSearchParams({ service: 'consultation', practitioner: 'maya-lee', from: clinicDate(Date.now()), to: clinicDate(Date.now() + 21 * 86400_000) });
  const { body: avail } = await api(`/api/v1/availability?${q}`);
  const late = avail.slots.map((s) => s.start).find((s) => {
    const d = new Date(`${s.slice(0, 10)}T12:00:00Z`);
    return d.getUTCDay() === 4 && Number(s.slice(11, 13)) >= 17 && !s.startsWith('2026-12-24');
  });
  assert.ok(late, 'a free consultation on a Thursday evening within three weeks');
  const day = late.slice(0, 10);
  const name = `Calendar Client ${Date.now().toString(36)}`;
  const booked = await api('/api/v1/bookings', { service: 'consultation', start: late, practitioner: 'maya-lee', client: { name, email: `${name.toLowerCase().replace(/\W+/g, '-')}@example.com` } });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));

  const ctx = await newAxeContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  const soft = [];
  await page.goto(abs('/login'));
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);

  await page.goto(abs(`/admin/calendar?date=${day}`));
  const slots = await page.$$eval('th[data-slot]', (ths) => ths.map((th) => ({ slot: th.dataset.slot, height: th.getBoundingClientRect().height })));
  assert.equal(slots[0]?.slot, '12:00', `the day starts at the earliest opening: ${JSON.stringify(slots)}`);
  assert.equal(slots.at(-1)?.slot, '19:30', `the day runs to the latest closing (20:00): ${JSON.stringify(slots)}`);
  const h = slots[0].height;
  assert.ok(h >= 20, `a half hour is tall enough to read (${h}px)`);
  for (const s of slots) assert.ok(Math.abs(s.height - h) < 0.5, `half hours of equal height: ${JSON.stringify(slots)}`);
  // The consultation is 30 minutes: its block is as tall as a half-hour row.
  const block = page.locator('td.block', { hasText: name }).first();
  const box = await block.boundingBox();
  assert.ok(box && Math.abs(box.height - h) < 0.5, `a 30-minute booking measures ${box?.height}px against a ${h}px half hour`);
  // The last row ends where 20:00 would begin: the table reaches the latest closing.
  const last = await page.locator('th[data-slot="19:30"]').boundingBox();
  const body = await page.locator('.day-table tbody').boundingBox();
  assert.ok(Math.abs(last.y + last.height - (body.y + body.height)) < 1, 'the 19:30 row is the last');
  // A screen reader hears the booking with its time, in the demo clinic's 12-hour clock.
  const label = (await block.locator('a').textContent()).replace(/\s+/g, ' ');
  const [hh, mm] = late.slice(11, 16).split(':').map(Number);
  const spoken = `${((hh + 11) % 12) + 1}:${String(mm).padStart(2, '0')} ${hh < 12 ? 'AM' : 'PM'}`;
  assert.match(label, new RegExp(`${spoken}, ${name}`), label);
  soft.push(...(await axeProblems(page, 'day view')));

  await page.goto(abs(`/admin/calendar?date=${day}&view=week`));
  assert.match(await page.locator('h1').textContent(), /^Week of Monday \d+ \w+ \d{4}$/);
  assert.ok((await page.locator('td', { hasText: name }).count()) === 1, 'the week view lists the booking');
  soft.push(...(await axeProblems(page, 'week view')));

  await page.goto(abs('/admin/calendar'));
  soft.push(...(await axeProblems(page, "today's day view")));
  await ctx.close();
  assert.deepEqual(soft, []);
});
