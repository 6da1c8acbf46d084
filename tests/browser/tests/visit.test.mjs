// Browser test for a treatment visit, as a practitioner lives it on the clinic's tablet:
// the arrival check, the client signing consent on a tablet-sized page, the treatment
// record with two areas and a cartridge lot, sign-off, an amendment that keeps the
// original, and the client's page showing the session; axe on the visit's pages.
// Run through ../run.sh, which starts a fresh server and exports BASE_URL, COLLAGEN_BIN
// and COLLAGEN_DATA_DIR: the staff login is made with `collagen staff add` on the
// server's data folder, and the booking is moved into the past in its database.
//
// No date is hard-coded: the booking's time comes from the availability API, and the
// day it is moved to is computed from today's date in the clinic's zone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launchBrowser, newAxeContext, runAxe, formatViolations, abs, show } from '../lib/browser.mjs';

const CLINIC_ZONE = 'America/New_York';
const PASSWORD = 'amber harbour lights quietly 83';
const PRACTITIONER = { email: 'sam.visits@clinic.example', role: 'practitioner', practitioner: 'sam-ortiz' };
/** A tablet held upright (iPad Air), used with a finger. */
const TABLET = { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const DAY_MS = 86400_000;

let browser;
before(async () => {
  const bin = process.env.COLLAGEN_BIN;
  const data = process.env.COLLAGEN_DATA_DIR;
  if (!bin || !data) {
    throw new Error(
      'visit.test.mjs needs COLLAGEN_BIN (the server binary) and COLLAGEN_DATA_DIR (the running server\'s --data-dir) ' +
        `to create a staff login and move a booking; got COLLAGEN_BIN=${bin ?? '(unset)'} COLLAGEN_DATA_DIR=${data ?? '(unset)'}. Run through tests/browser/run.sh.`,
    );
  }
  const s = PRACTITIONER;
  const args = ['staff', 'add', s.email, '--role', s.role, '--practitioner', s.practitioner, '--data-dir', data];
  try {
    execFileSync(bin, args, { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`collagen ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const emailOf = (name) => `${name.toLowerCase().replace(/\W+/g, '-')}@example.com`;

/** "2026-11-25": the clinic's calendar date of an instant (ms). */
function clinicDate(ms) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: CLINIC_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** A calendar date `days` after `date` ("2026-11-25"), counted on the calendar, not in hours. */
function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from `a` to `b`. */
const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

async function api(path, body) {
  const res = await fetch(abs(path), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Answers with nothing to report: "no" to every question, "never" to every date, an adult's birth date. */
async function clearScreening() {
  const { body: questions } = await api('/api/v1/screening/questions');
  const answers = {};
  for (const q of questions) answers[q.id] = q.kind === 'yes_no' ? false : q.kind === 'date' ? (q.accepts_never === false ? '1980-06-15' : null) : q.options[0];
  const { status, body } = await api('/api/v1/screenings', { answers });
  assert.equal(status, 201, JSON.stringify(body));
  return body.id;
}

async function clickAndWait(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp;
}

async function axeProblems(page, label) {
  const violations = await runAxe(page);
  return violations.length ? [`${label}: ${violations.length} axe violation(s):\n${formatViolations(show(page.url()), violations)}`] : [];
}

const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();
const mainText = (page) => text(page.locator('main'));

/** The value shown for a <dt> label in the first dl.summary inside `scope`. */
async function summaryValue(scope, label) {
  return scope.locator('dl.summary').first().evaluate((dl, label) => {
    for (const dt of dl.querySelectorAll('dt')) {
      if (dt.textContent.trim().toLowerCase() === label.toLowerCase()) return dt.nextElementSibling?.textContent.replace(/\s+/g, ' ').trim() ?? null;
    }
    return null;
  }, label);
}

/** A record table's rows as { area: [depth, passes] }. */
async function areaRows(table) {
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.replace(/\s+/g, ' ').trim())));
  return Object.fromEntries(rows.map(([area, depth, passes]) => [area, [depth, passes]]));
}

/**
 * Moves a booking and its holds `days` whole days earlier in the server's database. This
 * stands in for the visit having been booked days ago: the booking workflow only takes
 * times in the future, while a treatment record is written only on or after the visit's day.
 */
function moveIntoPast(bookingId, days) {
  const db = join(process.env.COLLAGEN_DATA_DIR, 'collagen.db');
  const script = `
import sqlite3, sys
db, booking, shift = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db, timeout=30)
with con:
    moved = con.execute("UPDATE bookings SET start_at = start_at - ?, end_at = end_at - ? WHERE id = ?", (shift, shift, booking)).rowcount
    held = con.execute("UPDATE holds SET start_at = start_at - ?, end_at = end_at - ? WHERE booking_id = ?", (shift, shift, booking)).rowcount
print(moved, held)
`;
  const out = execFileSync('python3', ['-c', script, db, bookingId, String(days * 86400)], { encoding: 'utf8' }).trim();
  const [moved, held] = out.split(' ').map(Number);
  assert.equal(moved, 1, `moving booking ${bookingId}: ${out}`);
  assert.ok(held >= 1, `booking ${bookingId} has no holds to move: ${out}`);
}

async function signIn(page, who) {
  const resp = await page.goto(abs('/login'));
  assert.equal(resp.status(), 200);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await clickAndWait(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/admin', `${who.email} signed in to ${show(page.url())}`);
}

// ---------------------------------------------------------------------------

test('a treatment visit on the tablet: arrival, consent, record with two areas and a lot, sign-off, amendment, the client\'s course', async () => {
  // A new client books a face treatment online with a clear screening.
  const today = clinicDate(Date.now());
  const yesterday = addDays(today, -1);
  const q = new URLSearchParams({ service: 'microneedling-face', practitioner: PRACTITIONER.practitioner, from: today, to: addDays(today, 21) });
  const avail = await api(`/api/v1/availability?${q}`);
  assert.equal(avail.status, 200, `availability: ${JSON.stringify(avail.body)}`);
  const start = avail.body.slots[0]?.start;
  assert.ok(start, 'no free face treatment time in the next three weeks');
  const name = `Visit Client ${Date.now().toString(36)}`;
  const screening = await clearScreening();
  const booked = await api('/api/v1/bookings', {
    service: 'microneedling-face', start, practitioner: PRACTITIONER.practitioner, screening, client: { name, email: emailOf(name) },
  });
  assert.equal(booked.status, 201, `booking at ${start}: ${JSON.stringify(booked.body)}`);
  assert.equal(booked.body.status, 'confirmed');
  const id = booked.body.id;
  const bookingPath = `/admin/bookings/${id}`;

  // The visit took place yesterday, in the clinic's calendar.
  const days = daysBetween(yesterday, start.slice(0, 10));
  assert.ok(days >= 1, `the booked day ${start.slice(0, 10)} is not after ${yesterday}`);
  moveIntoPast(id, days);

  const ctx = await newAxeContext(browser, { ...TABLET, timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  const soft = [];
  await signIn(page, PRACTITIONER);

  const listed = await page.request.get(abs(`/api/v1/admin/bookings?date=${yesterday}`));
  assert.equal(listed.status(), 200);
  const stored = (await listed.json()).bookings.find((b) => b.id === id);
  assert.ok(stored, `the booking is not listed on ${yesterday} after moving it`);
  assert.equal(clinicDate(Date.parse(stored.start)), yesterday, `moved to ${stored.start}`);
  assert.ok(Date.parse(stored.start) < Date.now(), `the visit at ${stored.start} is not in the past`);

  // The arrival check: the consent is missing, so the client is not ready yet.
  await page.goto(abs(bookingPath));
  await clickAndWait(page, page.getByRole('link', { name: 'Arrival check', exact: true }));
  assert.equal(new URL(page.url()).pathname, `${bookingPath}/arrival`);
  assert.equal((await page.locator('main h1').first().textContent()).trim(), `Arrival: ${name}`);
  assert.match(await text(page.getByRole('status').first()), /^Not ready for treatment yet\./);
  assert.match(await mainText(page), /Consent missing: not yet signed \(Consent to microneedling treatment\)/);
  assert.match(await mainText(page), /Photographs: no consent given; take none\./);
  soft.push(...(await axeProblems(page, 'arrival check')));

  // The client signs on the clinic's tablet.
  await clickAndWait(page, page.getByRole('link', { name: 'Open the consent for the client to sign' }));
  assert.equal(new URL(page.url()).pathname, `${bookingPath}/consent`);
  assert.equal((await page.locator('main h1').first().textContent()).trim(), `Consent: ${name}`);
  soft.push(...(await axeProblems(page, 'consent tablet')));
  const treatmentDoc = page.locator('article.consent-doc').filter({ has: page.getByRole('heading', { name: 'Consent to microneedling treatment', exact: true }) });
  assert.equal(await treatmentDoc.count(), 1, 'the treatment consent is not on the tablet page');
  // The typed name is the client's own; the tablet's targets are tapped, not clicked.
  await treatmentDoc.getByLabel('Your full name').fill(name);
  await treatmentDoc.getByLabel(/I agree/).tap();
  assert.ok(await treatmentDoc.getByLabel(/I agree/).isChecked(), 'tapping the agreement did not tick it');
  const signed = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), treatmentDoc.getByRole('button', { name: /^Sign: / }).tap()]);
  assert.equal(signed[0].status(), 200, `signing answered ${signed[0].status()}: ${await mainText(page)}`);
  assert.match(await text(treatmentDoc.getByRole('status')), new RegExp(`^Signed by ${name} on `));
  assert.equal(await treatmentDoc.locator('form').count(), 0, 'the signed treatment consent still offers its form');

  const photoDoc = page.locator('article.consent-doc').filter({ has: page.getByRole('heading', { name: 'Consent to photographs', exact: true }) });
  // The photograph consent is optional; where the clinic offers it, the client chooses.
  const photosOffered = (await photoDoc.count()) > 0;
  if (photosOffered) {
    await photoDoc.getByLabel('For my clinical record only').tap();
    await photoDoc.getByLabel('Your full name').fill(name);
    await photoDoc.getByLabel(/I agree/).tap();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), photoDoc.getByRole('button', { name: /^Sign: / }).tap()]);
    assert.match(await text(photoDoc.getByRole('status')), new RegExp(`^Signed by ${name} on .*: for my clinical record only\\.$`));
  }

  // Back at the arrival check: ready; the practitioner marks the client arrived.
  await clickAndWait(page, page.getByRole('link', { name: 'Done: back to the arrival check' }));
  assert.equal(new URL(page.url()).pathname, `${bookingPath}/arrival`);
  assert.match(await text(page.getByRole('status').first()), /^Ready for treatment\./, await mainText(page));
  assert.match(await mainText(page), /Consent signed\./);
  if (photosOffered) assert.match(await mainText(page), /Photographs: for the clinical record only\./);
  await clickAndWait(page, page.getByRole('button', { name: 'Mark arrived', exact: true }));
  assert.equal(new URL(page.url()).pathname, bookingPath);
  assert.equal(await summaryValue(page.locator('main'), 'Status'), 'arrived');

  // The treatment record: device, cartridge lot and expiry, two areas.
  await page.goto(abs(`${bookingPath}/record`));
  assert.equal((await page.locator('main h1').first().textContent()).trim(), 'Treatment record');
  assert.equal(await page.getByRole('button', { name: 'Sign off the record' }).count(), 0, 'sign-off is offered before a record is written');
  const expires = addDays(today, 365);
  const lot = `CT-${Date.now().toString(36).toUpperCase()}`;
  await page.getByLabel('Device').selectOption('pen-1');
  const cartridge = page.getByRole('group', { name: 'Needle cartridge' });
  await cartridge.getByLabel(/^Lot number/).fill(lot);
  await cartridge.getByLabel(/^Expiry date/).fill(expires);
  const area = (label) => page.getByRole('group', { name: new RegExp(`^${label} · plan up to`) });
  await area('Forehead').getByLabel('Depth (mm)').fill('0.5');
  await area('Forehead').getByLabel('Passes').fill('2');
  await area('Cheeks').getByLabel('Depth (mm)').fill('1.2');
  await area('Cheeks').getByLabel('Passes').fill('3');
  await area('Cheeks').getByLabel(/^Endpoint reached/).fill('even pinpoint bleeding');
  soft.push(...(await axeProblems(page, 'record form')));
  const saved = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: 'Save the record' }).tap()]);
  assert.equal(saved[0].status(), 200, `saving answered ${saved[0].status()}: ${await mainText(page)}`);
  assert.match(await mainText(page), /Not signed off yet\./);
  assert.deepEqual(await areaRows(page.locator('main table.recall-table').first()), { Forehead: ['0.5 mm', '2'], Cheeks: ['1.2 mm', '3'] });

  // Sign-off: the record stands and can only be amended now.
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: 'Sign off the record' }).tap()]);
  const main = page.locator('main');
  assert.match(await mainText(page), /Signed off by sam\.visits@clinic\.example on /);
  assert.equal(await summaryValue(main, 'Device'), 'Microneedling pen (clinic 1) (pen-1)');
  assert.equal(await summaryValue(main, 'Cartridge lot'), `${lot} · expires ${expires}`);
  assert.deepEqual(await areaRows(main.locator('table.recall-table').first()), { Forehead: ['0.5 mm', '2'], Cheeks: ['1.2 mm', '3'] });
  assert.equal(await page.getByRole('button', { name: 'Save the record' }).count(), 0, 'a signed record still offers to be rewritten');
  soft.push(...(await axeProblems(page, 'signed record')));

  // An amendment with a reason changes one depth; the original stays readable.
  const reason = 'Cheek depth entered from the wrong pass; the pen was set to 1.1 mm.';
  await page.getByLabel(/^Why it is amended/).fill(reason);
  assert.equal(await area('Cheeks').getByLabel('Depth (mm)').inputValue(), '1.2', 'the amendment form is not prefilled with the record');
  await area('Cheeks').getByLabel('Depth (mm)').fill('1.1');
  const amended = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: 'Save amendment' }).tap()]);
  assert.equal(amended[0].status(), 200, `amending answered ${amended[0].status()}: ${await mainText(page)}`);
  assert.equal(new URL(page.url()).pathname, `${bookingPath}/record`);
  assert.deepEqual(await areaRows(main.locator('table.recall-table').first()), { Forehead: ['0.5 mm', '2'], Cheeks: ['1.1 mm', '3'] }, 'the record as it stands');
  const amendments = main.getByRole('heading', { name: 'Amendments' }).locator('xpath=following-sibling::ol[1]');
  assert.equal(await amendments.locator(':scope > li').count(), 1);
  const amendment = await text(amendments.locator(':scope > li').first());
  assert.ok(amendment.startsWith('sam.visits@clinic.example on '), amendment);
  assert.ok(amendment.includes(reason), `the amendment lacks its reason: ${amendment}`);
  assert.match(amendment, /Cheeks 1\.1 mm × 3/);
  const original = main.locator('details').filter({ has: page.locator('summary', { hasText: 'The record as first signed' }) });
  assert.equal(await original.count(), 1, 'the record page does not keep the original');
  assert.deepEqual(await areaRows(original.locator('table.recall-table')), { Forehead: ['0.5 mm', '2'], Cheeks: ['1.2 mm', '3'] }, 'the original as signed');
  assert.equal(await summaryValue(original, 'Cartridge lot'), `${lot} · expires ${expires}`);
  soft.push(...(await axeProblems(page, 'amended record')));

  // The client's page: the course shows the session with the depths per area, as amended.
  await page.goto(abs(bookingPath));
  await clickAndWait(page, main.locator('dl.summary').getByRole('link', { name, exact: true }));
  assert.match(new URL(page.url()).pathname, /^\/admin\/clients\/[^/]+$/);
  const course = page.getByRole('region', { name: 'Course' });
  const sessions = course.locator('li.course-session');
  assert.equal(await sessions.count(), 1, `the course lists ${await sessions.count()} sessions`);
  const session = sessions.first();
  assert.equal(await session.locator('h3 time').getAttribute('datetime'), yesterday);
  assert.match(await text(session), new RegExp(`Microneedling, full face · arrived · ${stored.reference}`));
  assert.deepEqual(await session.locator('ul.course-depths li').allTextContents(), ['Forehead: 0.5 mm', 'Cheeks: 1.1 mm']);

  await ctx.close();
  assert.deepEqual(soft, [], `${soft.length} problem(s):\n${soft.join('\n')}`);
});
