// Browser tests for the back office: staff sign in, book and move a client's
// appointment, review a held treatment, see only what their role allows, and
// sign out; axe on the main back-office pages. Run through ../run.sh, which
// starts a fresh server and exports BASE_URL, COLLAGEN_BIN and COLLAGEN_DATA_DIR:
// the staff logins are made with `collagen staff add` on the server's data folder.
//
// No date is hard-coded: times come from the availability API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BASE_URL, launchBrowser, newContext, newAxeContext, runAxe, formatViolations, abs, show } from '../lib/browser.mjs';

const CLINIC_ZONE = 'America/New_York';
const PASSWORD = 'ochre lantern drifts slowly 47';
const STAFF = {
  owner: { email: 'owner@clinic.example', role: 'admin' },
  desk: { email: 'desk@clinic.example', role: 'front-desk' },
  maya: { email: 'maya@clinic.example', role: 'practitioner', practitioner: 'maya-lee' },
};

let browser;
before(async () => {
  const bin = process.env.COLLAGEN_BIN;
  const data = process.env.COLLAGEN_DATA_DIR;
  if (!bin || !data) {
    throw new Error(
      'admin.test.mjs needs COLLAGEN_BIN (the server binary) and COLLAGEN_DATA_DIR (the running server\'s --data-dir) ' +
        `to create staff logins; got COLLAGEN_BIN=${bin ?? '(unset)'} COLLAGEN_DATA_DIR=${data ?? '(unset)'}. Run through tests/browser/run.sh.`,
    );
  }
  for (const s of Object.values(STAFF)) {
    const args = ['staff', 'add', s.email, '--role', s.role, '--data-dir', data];
    if (s.practitioner) args.push('--practitioner', s.practitioner);
    try {
      execFileSync(bin, args, { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`collagen ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
    }
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});


let counter = 0;
function uniqueName(label) {
  counter += 1;
  return `${label} ${Date.now().toString(36)}${counter}`;
}
const emailOf = (name) => `${name.toLowerCase().replace(/\W+/g, '-')}@example.com`;

/** "2026-11-25": the clinic's calendar date of an instant (ms). */
function clinicDate(ms) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: CLINIC_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

async function api(path, body) {
  const res = await fetch(abs(path), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Free starts ("2026-11-25T09:00:00-05:00") for a service over the next three weeks. */
async function freeSlots(service, practitioner) {
  const from = clinicDate(Date.now());
  const to = clinicDate(Date.now() + 21 * 86400_000);
  const q = new URLSearchParams({ service, from, to });
  if (practitioner) q.set('practitioner', practitioner);
  const { status, body } = await api(`/api/v1/availability?${q}`);
  assert.equal(status, 200, `availability: ${JSON.stringify(body)}`);
  return body.slots.map((s) => s.start);
}

async function keloidScreening() {
  const { body: questions } = await api('/api/v1/screening/questions');
  const answers = {};
  // Dates "never" (null), except a date of birth, which has no never: an adult's.
  for (const q of questions) answers[q.id] = q.kind === 'yes_no' ? false : q.kind === 'date' ? (q.accepts_never === false ? '1980-06-15' : null) : q.options[0];
  answers.keloid_history = true;
  const { status, body } = await api('/api/v1/screenings', { answers });
  assert.equal(status, 201, JSON.stringify(body));
  return body.id;
}

async function bookOnline({ service, start, practitioner, screening, name }) {
  const { status, body } = await api('/api/v1/bookings', { service, start, practitioner, screening, client: { name, email: emailOf(name) } });
  assert.equal(status, 201, `booking ${service} at ${start}: ${JSON.stringify(body)}`);
  return body;
}

async function clickAndWait(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp;
}

async function axeProblems(page, label) {
  const violations = await runAxe(page);
  return violations.length ? [`${label}: ${violations.length} axe violation(s):\n${formatViolations(show(page.url()), violations)}`] : [];
}

async function signIn(page, who) {
  const resp = await page.goto(abs('/login'));
  assert.equal(resp.status(), 200);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await clickAndWait(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/admin', `${who.email} signed in to ${show(page.url())}`);
}

const mainText = async (page) => (await page.locator('main').textContent()).replace(/\s+/g, ' ');

/** A booking as the admin API shows it, found by client email on a date (via the page's session). */
async function adminBooking(page, date, email) {
  const r = await page.request.get(abs(`/api/v1/admin/bookings?date=${date}`));
  assert.equal(r.status(), 200, `admin bookings for ${date}: ${r.status()}`);
  const { bookings } = await r.json();
  return bookings.find((b) => b.client.email === email);
}

/** The value shown for a <dt> label in dl.summary. */
async function summaryValue(page, label) {
  return page.locator('dl.summary').first().evaluate((dl, label) => {
    for (const dt of dl.querySelectorAll('dt')) {
      if (dt.textContent.trim().toLowerCase() === label.toLowerCase()) return dt.nextElementSibling?.textContent.replace(/\s+/g, ' ').trim() ?? null;
    }
    return null;
  }, label);
}

// ---------------------------------------------------------------------------

test('front desk: a phone-only client booked from the free-times list in four steps, then cancelled through its confirm step', async () => {
  const ctx = await newAxeContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  const soft = [];
  await signIn(page, STAFF.desk);
  const name = uniqueName('Phone Only');
  // 1: open the form; 2: the name; 3: the phone; 4: tap the first free time.
  await clickAndWait(page, page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'New booking', exact: true }));
  soft.push(...(await axeProblems(page, '/admin/bookings/new')));
  await page.getByLabel('Client name').fill(name);
  await page.getByLabel(/^Client phone/).fill('555 0123');
  const time = page.locator('button[name="pick"]').first();
  const start = await time.getAttribute('value');
  assert.ok(start && new Date(start) > new Date(), `the first free time offered is ${start}`);
  const booked = await clickAndWait(page, time);
  assert.equal(booked.status(), 200, `booking answered ${booked.status()}: ${await mainText(page)}`);
  const bookingPath = new URL(page.url()).pathname;
  assert.match(bookingPath, /^\/admin\/bookings\/[^/]+$/, `after booking, the browser is at ${show(page.url())}`);
  assert.equal((await page.getByRole('status').first().textContent()).trim(), 'Booked.');
  const text = await mainText(page);
  assert.ok(text.includes('No email address on file.'), text);
  assert.ok(!text.includes('.invalid'), `the stand-in address is shown: ${text}`);
  soft.push(...(await axeProblems(page, 'phone-only booking page')));

  // Cancelling asks first; keeping it changes nothing, confirming cancels.
  await clickAndWait(page, page.getByRole('button', { name: 'Cancel booking…', exact: true }));
  assert.equal((await page.locator('main h1').first().textContent()).trim(), 'Cancel this booking?');
  soft.push(...(await axeProblems(page, 'cancel confirm page')));
  await clickAndWait(page, page.getByRole('link', { name: 'Keep the booking', exact: true }));
  assert.equal(await summaryValue(page, 'Status'), 'confirmed');
  await clickAndWait(page, page.getByRole('button', { name: 'Cancel booking…', exact: true }));
  await clickAndWait(page, page.getByRole('button', { name: 'Yes, cancel the booking', exact: true }));
  assert.equal(new URL(page.url()).pathname, bookingPath);
  assert.equal(await summaryValue(page, 'Status'), 'cancelled');
  assert.ok((await mainText(page)).includes('Booking cancelled; its time is free again.'));
  await ctx.close();
  assert.ok(soft.length === 0, `${soft.length} problem(s):\n${soft.join('\n')}`);
});

test('front desk: sign in, today, book by phone, move, check in, sign out; axe on the main pages', async () => {
  const ctx = await newAxeContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  const soft = [];

  // Anonymous visitors are sent to sign in.
  await page.goto(abs('/admin/calendar'));
  assert.equal(new URL(page.url()).pathname, '/login', `anonymous /admin/calendar ended at ${show(page.url())}`);
  soft.push(...(await axeProblems(page, '/login')));

  await signIn(page, STAFF.desk);
  assert.match((await page.locator('main h1').first().textContent()).trim(), /^Today/);
  soft.push(...(await axeProblems(page, '/admin')));

  const slots = await freeSlots('consultation', 'maya-lee');
  const first = slots[0];
  const later = slots.find((s) => s.slice(0, 10) !== first.slice(0, 10));
  assert.ok(first && later, `not enough free consultation times: ${slots.slice(0, 5)}`);

  // Book by phone through the form.
  const name = uniqueName('Phone Client');
  await clickAndWait(page, page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'New booking', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/admin/bookings/new');
  await page.getByLabel('Service').selectOption('consultation');
  await page.getByLabel('Practitioner').selectOption('maya-lee');
  await page.getByLabel('Day', { exact: true }).fill(first.slice(0, 10));
  await clickAndWait(page, page.getByRole('button', { name: 'Show free times', exact: true }));
  await page.getByLabel('Client name').fill(name);
  await page.getByLabel('Client email').fill(emailOf(name));
  await page.getByLabel(/^Client phone/).fill('+1 555 0142');
  // The first time the API offers is among the day's free times; one tap books it.
  const pick = page.locator(`button[name="pick"][value="${first}"]`);
  assert.equal(await pick.count(), 1, `${first} is not among the free times: ${await mainText(page)}`);
  const booked = await clickAndWait(page, pick);
  assert.equal(booked.status(), 200, `booking answered ${booked.status()} at ${show(page.url())}: ${await mainText(page)}`);
  const bookingPath = new URL(page.url()).pathname;
  assert.match(bookingPath, /^\/admin\/bookings\/[^/]+$/, `after booking, the browser is at ${show(page.url())}`);
  assert.match((await page.locator('main h1').first().textContent()).trim(), /^Booking [A-Z0-9]+$/);
  assert.ok((await summaryValue(page, 'Client')).includes(name));
  let stored = await adminBooking(page, first.slice(0, 10), emailOf(name));
  assert.ok(stored, `the new booking is not in the day's list`);
  assert.equal(new Date(stored.start).getTime(), new Date(first).getTime(), `booked ${stored.start}, asked for ${first}`);
  assert.equal(stored.practitioner, 'maya-lee');
  soft.push(...(await axeProblems(page, 'booking page')));

  // Move it to another day.
  await page.getByLabel('Date', { exact: true }).fill(later.slice(0, 10));
  await page.getByLabel('Time', { exact: true }).fill(later.slice(11, 16));
  const moved = await clickAndWait(page, page.getByRole('button', { name: 'Move booking', exact: true }));
  assert.equal(moved.status(), 200, `moving answered ${moved.status()}: ${await mainText(page)}`);
  assert.equal(new URL(page.url()).pathname, bookingPath);
  stored = await adminBooking(page, later.slice(0, 10), emailOf(name));
  assert.ok(stored, `the booking is not on ${later.slice(0, 10)} after the move`);
  assert.equal(new Date(stored.start).getTime(), new Date(later).getTime(), `moved to ${stored.start}, asked for ${later}`);
  assert.equal(await adminBooking(page, first.slice(0, 10), emailOf(name)), undefined, 'the booking is still on its old day');

  // The day view shows it.
  await page.goto(abs(`/admin/calendar?date=${later.slice(0, 10)}`));
  assert.ok((await mainText(page)).includes(name), `the day view of ${later.slice(0, 10)} lacks ${name}`);
  soft.push(...(await axeProblems(page, '/admin/calendar')));

  // Check in.
  await page.goto(abs(bookingPath));
  await clickAndWait(page, page.getByRole('button', { name: 'Arrived', exact: true }));
  assert.equal(await summaryValue(page, 'Status'), 'arrived');

  // Sign out: the back office is closed again.
  await clickAndWait(page, page.getByRole('button', { name: 'Sign out', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/login', `after signing out, the browser is at ${show(page.url())}`);
  await page.goto(abs('/admin'));
  assert.equal(new URL(page.url()).pathname, '/login', `after signing out, /admin shows ${show(page.url())}`);

  await ctx.close();
  assert.deepEqual(soft, [], `${soft.length} problem(s):\n${soft.join('\n')}`);
});

test('a practitioner reviews a held treatment; the front desk never sees the screening answers', async () => {
  const screening = await keloidScreening();
  const [start] = await freeSlots('microneedling-face', 'maya-lee');
  const name = uniqueName('Held Client');
  const held = await bookOnline({ service: 'microneedling-face', start, practitioner: 'maya-lee', screening, name });
  assert.equal(held.status, 'pending_review');
  const bookingPath = `/admin/bookings/${held.id}`;

  const deskCtx = await newAxeContext(browser, { timezoneId: CLINIC_ZONE });
  const desk = await deskCtx.newPage();
  await signIn(desk, STAFF.desk);
  await desk.goto(abs(bookingPath));
  const deskText = await mainText(desk);
  assert.ok(deskText.includes(name), `the front desk cannot open ${bookingPath}`);
  assert.doesNotMatch(await desk.content(), /keloid/i, 'the front desk sees the screening answers');
  assert.equal(await desk.getByRole('button', { name: 'Confirm booking' }).count(), 0, 'the front desk is offered the review');
  assert.equal(await desk.getByRole('link', { name: 'Review queue' }).count(), 0, 'the front desk is offered the review queue');
  await deskCtx.close();

  const ctx = await newAxeContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  const soft = [];
  await signIn(page, STAFF.maya);
  await clickAndWait(page, page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Review queue', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/admin/review');
  await clickAndWait(page, page.locator('main').getByRole('link', { name, exact: true }));
  assert.equal(new URL(page.url()).pathname, bookingPath);
  assert.match(await mainText(page), /keloid/i, 'the practitioner does not see the screening');
  soft.push(...(await axeProblems(page, 'booking page with a screening')));
  await page.getByLabel('Note to the client (optional)').fill('Patch test at the start, please.');
  await clickAndWait(page, page.getByRole('button', { name: 'Confirm booking', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/admin/review', `after confirming, the browser is at ${show(page.url())}`);
  assert.ok(!(await mainText(page)).includes(name), 'the confirmed booking is still in the review queue');
  await page.goto(abs(bookingPath));
  assert.equal(await summaryValue(page, 'Status'), 'confirmed');
  assert.equal(await summaryValue(page, 'Review note'), 'Patch test at the start, please.');
  await ctx.close();
  assert.deepEqual(soft, [], `${soft.length} problem(s):\n${soft.join('\n')}`);
});

test('a practitioner sees their own schedule and not a colleague\'s', async () => {
  const maya = await freeSlots('consultation', 'maya-lee');
  const sam = await freeSlots('consultation', 'sam-ortiz');
  const day = maya.map((s) => s.slice(0, 10)).find((d) => sam.some((s) => s.startsWith(d)));
  assert.ok(day, 'no day on which both practitioners work');
  const own = uniqueName('Own Client');
  const theirs = uniqueName('Colleague Client');
  await bookOnline({ service: 'consultation', start: maya.find((s) => s.startsWith(day)), practitioner: 'maya-lee', name: own });
  const other = await bookOnline({ service: 'consultation', start: sam.find((s) => s.startsWith(day)), practitioner: 'sam-ortiz', name: theirs });

  const ctx = await newAxeContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  await signIn(page, STAFF.maya);
  await page.goto(abs(`/admin/calendar?date=${day}`));
  const text = await mainText(page);
  assert.ok(text.includes(own), `Dr. Lee's day view of ${day} lacks her client ${own}`);
  assert.ok(!text.includes(theirs), `Dr. Lee's day view of ${day} shows Sam Ortiz's client`);
  assert.equal(await page.locator('section.day-col[aria-label="Sam Ortiz"]').count(), 0, 'Dr. Lee sees a column for Sam Ortiz');
  const resp = await page.goto(abs(`/admin/bookings/${other.id}`));
  assert.equal(resp.status(), 403, `Dr. Lee opened Sam Ortiz's booking (${resp.status()})`);

  // The owner sees both.
  const ownerCtx = await newAxeContext(browser, { timezoneId: CLINIC_ZONE });
  const owner = await ownerCtx.newPage();
  await signIn(owner, STAFF.owner);
  await owner.goto(abs(`/admin/calendar?date=${day}`));
  const all = await mainText(owner);
  assert.ok(all.includes(own) && all.includes(theirs), `the owner's day view of ${day} lacks a booking`);
  await ownerCtx.close();
  await ctx.close();
});

test('back-office pages run under the site\'s strict CSP without console errors (no inline styles or scripts)', async () => {
  // A plain context: the axe contexts bypass CSP, this one enforces it like a real browser.
  const ctx = await newContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${show(page.url())}: uncaught JS error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${show(page.url())}: console error: ${m.text()}`);
  });
  await signIn(page, STAFF.owner);
  const today = new Date().toLocaleDateString('en-CA', { timeZone: CLINIC_ZONE });
  for (const path of ['/admin', `/admin/calendar?date=${today}`, `/admin/calendar?date=${today}&view=week`, '/admin/review',
    '/admin/clients', '/admin/staff', '/admin/setup', '/admin/bookings/new']) {
    const resp = await page.goto(abs(path));
    assert.equal(resp.status(), 200, `${path} answered ${resp.status()}`);
  }
  await ctx.close();
  assert.deepEqual(problems, [], problems.join('\n'));
});
