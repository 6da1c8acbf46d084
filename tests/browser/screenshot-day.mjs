// Screenshot of the back office's day view for the README, with a few bookings on it:
//   BASE_URL=http://127.0.0.1:8080 COLLAGEN_BIN=target/debug/collagen COLLAGEN_DATA_DIR=data \
//     node tests/browser/screenshot-day.mjs [out.png] [width] [height]
// It adds a front-desk login with the binary (or signs in as STAFF_EMAIL / STAFF_PASSWORD),
// books a few appointments on the busiest free day through the public API, and shoots
// /admin/calendar for that day. Defaults: ../../docs/screenshot-day.png at 1280x800.
// Run it against a scratch server: the bookings are real.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abs, launchBrowser, newContext } from './lib/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || resolve(here, '../../docs/screenshot-day.png'));
const width = Number(process.argv[3] || 1280);
const height = Number(process.argv[4] || 800);
const ZONE = 'America/New_York';

let email = process.env.STAFF_EMAIL;
let password = process.env.STAFF_PASSWORD;
if (!email) {
  const bin = process.env.COLLAGEN_BIN;
  const data = process.env.COLLAGEN_DATA_DIR;
  if (!bin || !data) throw new Error('set COLLAGEN_BIN and COLLAGEN_DATA_DIR (or STAFF_EMAIL and STAFF_PASSWORD)');
  email = 'front-desk@clinic.example';
  password = 'ochre lantern drifts slowly 47';
  execFileSync(bin, ['staff', 'add', email, '--role', 'front-desk', '--data-dir', data], { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function api(path, body) {
  const res = await fetch(abs(path), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

const clinicDate = (ms) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

async function freeStarts(service, practitioner) {
  const q = new URLSearchParams({ service, practitioner, from: clinicDate(Date.now() + 86400_000), to: clinicDate(Date.now() + 15 * 86400_000) });
  const { status, body } = await api(`/api/v1/availability?${q}`);
  if (status !== 200) throw new Error(`availability: ${JSON.stringify(body)}`);
  return body.slots.map((s) => s.start);
}

/** A screening with nothing to report, or with a keloid history (held for review). */
async function screening(keloid) {
  const { body: questions } = await api('/api/v1/screening/questions');
  const answers = {};
  for (const q of questions) answers[q.id] = q.kind === 'yes_no' ? false : q.kind === 'date' ? (q.accepts_never === false ? '1984-03-09' : null) : q.options[0];
  if (keloid) answers.keloid_history = true;
  const { status, body } = await api('/api/v1/screenings', { answers });
  if (status !== 201) throw new Error(`screening: ${JSON.stringify(body)}`);
  return body.id;
}

// The day with the most free full-face sessions: a full working day for both practitioners.
const face = await freeStarts('microneedling-face', 'maya-lee');
const perDay = new Map();
for (const s of face) perDay.set(s.slice(0, 10), (perDay.get(s.slice(0, 10)) || 0) + 1);
const day = [...perDay].sort((a, b) => b[1] - a[1])[0]?.[0];
if (!day) throw new Error('no free day in the next two weeks');

const plan = [
  { service: 'microneedling-face', practitioner: 'maya-lee', after: '09:00', name: 'Ana Ruiz', screened: true },
  { service: 'consultation', practitioner: 'sam-ortiz', after: '09:30', name: 'Ben Okafor' },
  { service: 'microneedling-acne-scars', practitioner: 'maya-lee', after: '12:30', name: 'Chloe Martin', screened: true, keloid: true },
  { service: 'consultation', practitioner: 'maya-lee', after: '15:00', name: 'Dev Patel' },
  { service: 'microneedling-face', practitioner: 'sam-ortiz', after: '13:00', name: 'Erin Walsh', screened: true },
];
for (const b of plan) {
  const starts = (await freeStarts(b.service, b.practitioner)).filter((s) => s.startsWith(day) && s.slice(11, 16) >= b.after);
  if (!starts.length) {
    console.log(`no time for ${b.name} (${b.service} with ${b.practitioner}) on ${day}; left out`);
    continue;
  }
  const body = { service: b.service, start: starts[0], practitioner: b.practitioner, client: { name: b.name, email: `${b.name.toLowerCase().replace(/\W+/g, '.')}@example.com` } };
  if (b.screened) body.screening = await screening(b.keloid);
  const res = await api('/api/v1/bookings', body);
  console.log(`${b.name}: ${b.service} at ${starts[0]} -> ${res.status}`);
}

const browser = await launchBrowser();
try {
  const ctx = await newContext(browser, { viewport: { width, height }, deviceScaleFactor: 1, timezoneId: ZONE });
  const page = await ctx.newPage();
  await page.goto(abs('/login'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  const resp = await page.goto(abs(`/admin/calendar?date=${day}`), { waitUntil: 'networkidle' });
  if (!resp || !resp.ok()) throw new Error(`the day view answered ${resp?.status()}`);
  // Start the picture at the calendar's heading, with the first bookings in view.
  await page.locator('h1').first().scrollIntoViewIfNeeded();
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out} (${width}x${height}, ${day})`);
} finally {
  await browser.close();
}
