// Browser tests for the Collagen booking flow: choose a service, a day and a
// time, give details, then manage (reschedule / cancel) the booking. Run
// through ../run.sh, which starts a server on a fresh database and sets BASE_URL.
//
// Nothing here hard-codes a date: days and times are read from the pages, so the
// tests work whatever "today" is. Every test books its own times, so they do not
// depend on each other (but they share one server, so none assumes a slot is free
// unless the page just offered it).
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

const CLINIC_ZONE = 'America/New_York';
const CONSULTATION = 'Skin consultation';
const TREATMENT = 'Microneedling, full face';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});


let counter = 0;
/** Distinct, valid client details for each booking. */
function details(label) {
  counter += 1;
  const id = `${Date.now().toString(36)}${counter}`;
  return { name: `Test ${label} ${id}`, email: `test-${label.toLowerCase().replace(/\W+/g, '-')}-${id}@example.com` };
}

/** Click something that navigates; returns the main-frame response (the last one after redirects). */
async function clickAndWait(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp;
}

/** Axe problems (strings) on the loaded page. */
async function axeProblems(page, label) {
  const violations = await runAxe(page);
  return violations.length ? [`${label}: ${violations.length} axe violation(s):\n${formatViolations(show(page.url()), violations)}`] : [];
}

/** The visible clinic-zone text of a <time>, without the script's "your time" label. */
async function clinicText(timeLocator) {
  return timeLocator.evaluate((el) =>
    [...el.childNodes]
      .filter((n) => !(n.nodeType === 1 && n.classList.contains('local-time')))
      .map((n) => n.textContent)
      .join('')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** "9:00 AM" for an instant, in a zone (en-US, as the site shows it). */
function clock(instant, timeZone) {
  return new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(instant)).replace(/\u202f/g, ' ');
}

/** "20261125T090000": the wall-clock time of an instant in a zone, in iCalendar form. */
function icsLocal(instant, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}${parts.month}${parts.day}T${parts.hour}${parts.minute}${parts.second}`;
}

/** "2026-11-25": the clinic's calendar date of an instant (ms). */
function clinicDate(ms) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: CLINIC_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** Minutes since midnight of "9:00 AM" / "2:15 PM". */
function minutesOf(text) {
  const m = text.match(/(\d{1,2}):(\d{2})\s*([AP])M/i);
  assert.ok(m, `no 12-hour clock time in "${text}"`);
  return ((Number(m[1]) % 12) + (m[3].toUpperCase() === 'P' ? 12 : 0)) * 60 + Number(m[2]);
}

/** The value shown for a <dt> label in dl.summary. */
async function summaryValue(page, label) {
  return page.locator('dl.summary').first().evaluate((dl, label) => {
    for (const dt of dl.querySelectorAll('dt')) {
      if (dt.textContent.trim().toLowerCase() === label.toLowerCase()) {
        const dd = dt.nextElementSibling;
        return dd ? dd.textContent.replace(/\s+/g, ' ').trim() : null;
      }
    }
    return null;
  }, label);
}

/** Day links (with times) of the month table on the page, in calendar order. */
function dayLinks(page) {
  return page.locator('table.month').getByRole('link', { name: /, \d+ times?$/ });
}

/**
 * On a month view, follow "next month" until a day with times is offered
 * (at most `months` months ahead). `after` (YYYY-MM-DD) skips days up to it.
 * Returns { link, date, label }.
 */
async function findDay(page, { after = '', months = 3 } = {}) {
  for (let i = 0; i <= months; i++) {
    const links = dayLinks(page);
    const all = await links.evaluateAll((as) =>
      as.map((a) => ({ date: new URL(a.href).searchParams.get('date'), label: a.getAttribute('aria-label') })),
    );
    const idx = all.findIndex((d) => d.date && d.date > after);
    if (idx >= 0) return { link: links.nth(idx), ...all[idx] };
    const next = page.locator('.month-nav').getByRole('link', { name: /→|next/i });
    assert.ok((await next.count()) > 0, `${show(page.url())}: no day with times${after ? ` after ${after}` : ''} and no "next month" link`);
    await clickAndWait(page, next.first());
  }
  assert.fail(`no day with times${after ? ` after ${after}` : ''} within ${months} months of ${show(page.url())}`);
}

/** From a day view, the time links (booking) in section#times. */
function timeLinks(page) {
  return page.locator('section#times ul.times').getByRole('link');
}

/** The chosen time's details: { start, instant, text, href }. */
async function describeTime(link) {
  const time = link.locator('time').first();
  return {
    href: await link.getAttribute('href'),
    start: new URL(await link.evaluate((a) => a.href)).searchParams.get('start'),
    instant: await time.getAttribute('data-instant'),
    datetime: await time.getAttribute('datetime'),
    text: await clinicText(time),
  };
}

/** /book → Choose <service> → practitioner → first day with times. Returns { day }. */
async function openDay(page, { service = CONSULTATION, practitioner = 'Anyone available', axe = null, after = '' } = {}) {
  const resp = await page.goto(abs('/book'));
  assert.equal(resp.status(), 200, `/book answered ${resp.status()}`);
  if (axe) axe.push(...(await axeProblems(page, '/book')));
  await clickAndWait(page, page.getByRole('link', { name: `Choose ${service}`, exact: true }));
  await clickAndWait(page, page.getByRole('navigation', { name: 'Practitioner' }).getByRole('link', { name: practitioner, exact: true }));
  const day = await findDay(page, { after });
  await clickAndWait(page, day.link);
  assert.equal(new URL(page.url()).searchParams.get('date'), day.date, `clicking "${day.label}" led to ${show(page.url())}`);
  assert.ok(await page.locator('section#times').isVisible(), `${show(page.url())}: no visible section#times`);
  return { day };
}

async function fillDetails(page, { name, email, phone = '', notes = '', agree = true }) {
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email').fill(email);
  if (phone) await page.getByLabel(/^Phone/).fill(phone);
  if (notes) await page.getByLabel(/Anything we should know/).fill(notes);
  // Booking online means agreeing to the cancellation policy shown above the button.
  if (agree) await page.getByLabel('I have read and agree to the cancellation policy.').check();
}

const confirmButton = (page) => page.getByRole('button', { name: 'Confirm booking', exact: true });

/** Book the first time of the first day with times; returns what was chosen and the manage URL. */
async function bookFirst(page, opts = {}) {
  const { day } = await openDay(page, opts);
  const link = timeLinks(page).first();
  const chosen = await describeTime(link);
  await clickAndWait(page, link);
  const who = details(opts.label || 'booking');
  await fillDetails(page, who);
  const resp = await clickAndWait(page, confirmButton(page));
  assert.equal(resp.status(), 200, `booking ${chosen.start} answered ${resp.status()} at ${show(page.url())}`);
  assert.match(new URL(page.url()).pathname, /^\/manage\/[^/]+$/, `after booking, the browser is at ${show(page.url())}`);
  return { day, chosen, who, manageUrl: page.url() };
}

/** Problems (strings) with an input's error message: visible, beside it, linked with aria-describedby. */
async function fieldErrorProblems(page, label) {
  const input = page.getByLabel(label, { exact: true });
  const info = await input.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const errors = ids
      .map((id) => document.getElementById(id))
      .filter((e) => e && e.classList.contains('error-text'))
      .map((e) => {
        const r = e.getBoundingClientRect();
        return {
          text: e.textContent.trim(),
          visible: r.width > 0 && r.height > 0,
          beside: !!el.parentElement && el.parentElement.contains(e),
        };
      });
    return { invalid: el.getAttribute('aria-invalid'), errors };
  });
  const where = `${show(page.url())} "${label}"`;
  const problems = [];
  if (info.invalid !== 'true') problems.push(`${where}: aria-invalid is ${JSON.stringify(info.invalid)}, expected "true"`);
  if (!info.errors.length) problems.push(`${where}: no p.error-text referenced by aria-describedby`);
  for (const e of info.errors) {
    if (!e.text) problems.push(`${where}: empty error text`);
    if (!e.visible) problems.push(`${where}: error "${e.text}" is not visible`);
    if (!e.beside) problems.push(`${where}: error "${e.text}" is not beside the field`);
  }
  return problems;
}

/** The booking's .ics (unfolded), fetched with the page's request context. */
async function fetchIcs(page, href) {
  const r = await page.request.get(abs(href));
  assert.equal(r.status(), 200, `${href} answered ${r.status()}`);
  assert.match(r.headers()['content-type'] || '', /^text\/calendar/, `${href} content-type`);
  return (await r.text()).replace(/\r?\n[ \t]/g, '');
}

function icsDtstart(ics, href) {
  const m = ics.match(/^DTSTART;TZID=([^:\r\n]+):(\d{8}T\d{6})\r?$/m);
  assert.ok(m, `${href}: no DTSTART;TZID=...:YYYYMMDDTHHMMSS line:\n${ics}`);
  return { tzid: m[1], local: m[2] };
}

// ---------------------------------------------------------------------------

test('consultation end to end with "Anyone available": errors, confirmation, .ics, axe', async () => {
  const ctx = await newAxeContext(browser, { timezoneId: 'Europe/London' });
  const page = await ctx.newPage();

  // Axe and field-error findings are collected and reported together at the end.
  const soft = [];
  const { day } = await openDay(page, { axe: soft });
  soft.push(...(await axeProblems(page, 'day view')));

  const link = timeLinks(page).first();
  assert.ok((await timeLinks(page).count()) > 0, `${show(page.url())}: "${day.label}" offers no time links`);
  const chosen = await describeTime(link);
  assert.ok(chosen.start && chosen.instant, `time link has no start / data-instant: ${chosen.href}`);
  assert.equal(new Date(chosen.start).getTime(), new Date(chosen.instant).getTime(), `link start ${chosen.start} differs from data-instant ${chosen.instant}`);
  assert.equal(chosen.text, clock(chosen.instant, CLINIC_ZONE), `time ${chosen.instant} is shown as "${chosen.text}", not in the clinic's zone`);

  const detailsResp = await clickAndWait(page, link);
  assert.equal(detailsResp.status(), 200, `${chosen.href} answered ${detailsResp.status()}`);
  assert.equal(new URL(page.url()).pathname, '/book/details');
  const when = await summaryValue(page, 'When');
  assert.ok(when?.includes(chosen.text), `/book/details "When" is "${when}", expected it to show ${chosen.text}`);
  soft.push(...(await axeProblems(page, '/book/details')));

  // Empty form: errors beside Full name and Email, status 422.
  const errResp = await clickAndWait(page, confirmButton(page));
  assert.equal(errResp.status(), 422, `empty details form answered ${errResp.status()}`);
  soft.push(...(await fieldErrorProblems(page, 'Full name')));
  soft.push(...(await fieldErrorProblems(page, 'Email')));
  soft.push(...(await axeProblems(page, '/book/details with errors')));

  const who = details('e2e');
  await fillDetails(page, { ...who, phone: '+1 555 0199', notes: 'First visit.' });
  const okResp = await clickAndWait(page, confirmButton(page));
  assert.equal(okResp.status(), 200, `valid details answered ${okResp.status()} at ${show(page.url())}`);
  const url = new URL(page.url());
  assert.match(url.pathname, /^\/manage\/[^/]+$/, `after booking, the browser is at ${show(page.url())}`);
  assert.equal(url.searchParams.get('booked'), '1', `confirmation URL ${show(page.url())} lacks booked=1`);
  const token = url.pathname.split('/')[2];

  assert.equal((await page.locator('main h1').first().textContent()).trim(), "You're booked");
  const reference = await summaryValue(page, 'Reference');
  assert.match(reference || '', /^[A-Z0-9]{4,}$/, `reference is "${reference}"`);
  const shownTime = page.locator('dl.summary time').first();
  assert.equal(new Date(await shownTime.getAttribute('data-instant')).getTime(), new Date(chosen.instant).getTime(), 'confirmation shows a different instant');
  const shown = await clinicText(shownTime);
  assert.ok(shown.includes(chosen.text), `confirmation shows "${shown}", chosen time was "${chosen.text}"`);
  const dayName = day.label.replace(/,.*$/, ''); // "Wednesday 25 November"
  assert.ok(shown.includes(dayName), `confirmation shows "${shown}", chosen day was "${dayName}"`);
  soft.push(...(await axeProblems(page, 'confirmation')));

  const cal = page.getByRole('link', { name: 'Add to calendar (.ics)', exact: true });
  const href = await cal.getAttribute('href');
  assert.equal(href, `/bookings/${token}/calendar.ics`);
  const ics = await fetchIcs(page, href);
  assert.match(ics, /^BEGIN:VEVENT\r?$/m, `${href} has no VEVENT`);
  const dt = icsDtstart(ics, href);
  assert.equal(dt.tzid, CLINIC_ZONE);
  assert.equal(dt.local, icsLocal(chosen.instant, CLINIC_ZONE), `${href} DTSTART is ${dt.local}, chosen time was ${chosen.text} (${chosen.instant})`);

  await ctx.close();
  assert.ok(soft.length === 0, `${soft.length} problem(s):\n${soft.join('\n')}`);
});

test('reschedule to a later day from the manage page, then cancel', async () => {
  const ctx = await newContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  // Online changes close 24 h before the appointment: book a day that starts after that.
  const { day, chosen, manageUrl } = await bookFirst(page, { label: 'reschedule', after: clinicDate(Date.now() + 25 * 3600_000) });
  const token = new URL(manageUrl).pathname.split('/')[2];
  const calHref = await page.getByRole('link', { name: 'Add to calendar (.ics)', exact: true }).getAttribute('href');

  await clickAndWait(page, page.getByRole('link', { name: 'Reschedule', exact: true }));
  assert.equal(new URL(page.url()).pathname, `/manage/${token}/reschedule`);
  const later = await findDay(page, { after: day.date });
  await clickAndWait(page, later.link);
  const buttons = page.locator('section#times form[method="post" i]').getByRole('button');
  assert.ok((await buttons.count()) > 0, `${show(page.url())}: "${later.label}" offers no time buttons in a POST form`);
  const button = buttons.first();
  const newStart = await button.getAttribute('value');
  const newText = await clinicText(button.locator('time').first());
  assert.ok(newStart && new Date(newStart) > new Date(chosen.instant), `new time ${newStart} is not later than ${chosen.instant}`);

  // A tap on a time only asks: the appointment moves once the client says yes.
  const asked = await clickAndWait(page, button);
  assert.equal(asked.status(), 200);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Move your appointment?');
  assert.equal(new Date(await page.locator('input[name="start"]').getAttribute('value')).getTime(), new Date(newStart).getTime(), 'the confirm step asks about another time');
  assert.equal(new Date(await page.locator('dl.summary time').first().getAttribute('data-instant')).getTime(), new Date(chosen.instant).getTime(), 'the confirm step already shows the new time as booked');
  const moved = await clickAndWait(page, page.getByRole('button', { name: 'Yes, move it', exact: true }));
  assert.equal(moved.status(), 200);
  const url = new URL(page.url());
  assert.equal(url.pathname, `/manage/${token}`, `after rescheduling, the browser is at ${show(page.url())}`);
  assert.equal(url.searchParams.get('moved'), '1', `after rescheduling, the URL lacks moved=1: ${show(page.url())}`);
  const shownTime = page.locator('dl.summary time').first();
  assert.equal(new Date(await shownTime.getAttribute('data-instant')).getTime(), new Date(newStart).getTime(), 'manage page does not show the new time');
  const shown = await clinicText(shownTime);
  assert.ok(shown.includes(newText), `manage page shows "${shown}", new time is "${newText}"`);
  assert.ok(shown.includes(later.label.replace(/,.*$/, '')), `manage page shows "${shown}", new day is "${later.label}"`);

  await clickAndWait(page, page.getByRole('link', { name: 'Cancel appointment', exact: true }));
  assert.equal(new URL(page.url()).pathname, `/manage/${token}/cancel`);
  await clickAndWait(page, page.getByRole('button', { name: 'Yes, cancel it', exact: true }));
  assert.equal(new URL(page.url()).pathname, `/manage/${token}`);
  assert.equal(await summaryValue(page, 'Status'), 'Cancelled');

  // The original link's calendar file still downloads, now for the new time and cancelled.
  const ics = await fetchIcs(page, calHref);
  assert.match(ics, /^BEGIN:VEVENT\r?$/m, `${calHref} has no VEVENT`);
  assert.equal(icsDtstart(ics, calHref).local, icsLocal(newStart, CLINIC_ZONE), `${calHref} DTSTART is not the rescheduled time ${newStart}`);
  assert.match(ics, /^STATUS:CANCELLED\r?$/m, `${calHref} of a cancelled booking has no STATUS:CANCELLED`);
  await ctx.close();
});

test('times show the visitor\'s own time only when their zone differs (London vs New York)', async () => {
  // Europe/London: each time gets a "... your time" label with the London wall clock.
  const london = await newContext(browser, { timezoneId: 'Europe/London', locale: 'en-US' });
  const page = await london.newPage();
  await openDay(page);
  const times = page.locator('section#times ul.times time[data-instant]');
  const n = await times.count();
  assert.ok(n > 0, `${show(page.url())}: no <time data-instant> in the times list`);
  for (const i of [0, n - 1]) {
    const time = times.nth(i);
    const instant = await time.getAttribute('data-instant');
    const clinic = await clinicText(time);
    assert.equal(clinic, clock(instant, CLINIC_ZONE), `time ${instant} shown as "${clinic}"`);
    const label = time.locator('.local-time');
    assert.equal(await label.count(), 1, `${instant}: expected one span.local-time in a Europe/London browser, found ${await label.count()}`);
    assert.ok(await label.isVisible(), `${instant}: the "your time" label is not visible`);
    const text = (await label.textContent()).replace(/\u202f/g, ' ');
    assert.match(text, /your time/i, `label text: "${text}"`);
    const londonClock = clock(instant, 'Europe/London');
    assert.ok(text.includes(londonClock), `${instant} (${clinic} in New York): label "${text}" does not show London ${londonClock}`);
    // In winter (New York on -05:00, London on GMT) London is exactly 5 hours ahead.
    const winter = /-05:00$/.test(instant) && /GMT$|UTC$/.test(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/London', timeZoneName: 'short' }).format(new Date(instant)));
    if (winter) {
      const diff = (minutesOf(text) - minutesOf(clinic) + 1440) % 1440;
      assert.equal(diff, 300, `${instant}: London label "${text}" is not clinic time "${clinic}" + 5 h`);
    }
  }
  await london.close();

  // America/New_York (the clinic's zone): no labels.
  const ny = await newContext(browser, { timezoneId: CLINIC_ZONE, locale: 'en-US' });
  const page2 = await ny.newPage();
  await openDay(page2);
  assert.ok((await page2.locator('section#times time[data-instant]').count()) > 0, 'no times in the New York browser');
  assert.equal(await page2.locator('.local-time').count(), 0, 'a New York browser sees "your time" labels');
  await ny.close();
});

test('a lost race: the second booker of a time gets a kind message, kept details and nearby times', async () => {
  // A named practitioner, so the second booking cannot simply go to someone else.
  const ctxA = await newContext(browser, { timezoneId: CLINIC_ZONE });
  const ctxB = await newContext(browser, { timezoneId: CLINIC_ZONE });
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();

  await openDay(a, { practitioner: 'Dr. Maya Lee' });
  const link = timeLinks(a).first();
  const chosen = await describeTime(link);
  await clickAndWait(a, link);
  const detailsUrl = a.url();
  assert.equal(new URL(detailsUrl).pathname, '/book/details');
  const respB = await b.goto(detailsUrl);
  assert.equal(respB.status(), 200);

  const first = details('race-a');
  const second = details('race-b');
  await fillDetails(a, first);
  await fillDetails(b, second);

  const okA = await clickAndWait(a, confirmButton(a));
  assert.equal(okA.status(), 200);
  assert.match(new URL(a.url()).pathname, /^\/manage\//, `first booker ended at ${show(a.url())}`);

  const lost = await clickAndWait(b, confirmButton(b));
  assert.notEqual(lost.status(), 200, `the second booking of ${chosen.start} with the same practitioner succeeded (${show(b.url())})`);
  assert.equal(new URL(b.url()).pathname.startsWith('/manage/'), false, `second booker was booked: ${show(b.url())}`);
  const alert = b.getByRole('alert');
  assert.ok((await alert.count()) > 0 && (await alert.first().isVisible()), `${show(b.url())}: no visible role=alert after losing the race`);
  const alertText = (await alert.first().textContent()).replace(/\s+/g, ' ').trim();
  assert.match(alertText, /(someone|somebody)( else)? (just )?booked|(was|has been|is) (just )?taken|no longer (free|available)/i, `alert text: "${alertText}"`);
  assert.match(alertText, /sorry/i, `the message is not apologetic: "${alertText}"`);

  assert.equal(await b.getByLabel('Full name').inputValue(), second.name, 'the typed name was lost');
  assert.equal(await b.getByLabel('Email').inputValue(), second.email, 'the typed email was lost');

  const suggestions = await alert.first().getByRole('link').evaluateAll((as) => as.map((a) => a.href));
  const alternatives = suggestions
    .map((h) => new URL(h))
    .filter((u) => u.pathname === '/book/details' && u.searchParams.get('start'));
  assert.ok(alternatives.length > 0, `the alert offers no links to other times: ${JSON.stringify(suggestions)}`);
  for (const u of alternatives) {
    assert.notEqual(new Date(u.searchParams.get('start')).getTime(), new Date(chosen.start).getTime(), `a "nearest free time" is the taken time: ${show(u.href)}`);
  }
  // The first suggestion really is free: booking it succeeds.
  await b.goto(alternatives[0].href);
  await fillDetails(b, second);
  const okB = await clickAndWait(b, confirmButton(b));
  assert.equal(okB.status(), 200, `booking the suggested ${alternatives[0].searchParams.get('start')} answered ${okB.status()}`);
  assert.match(new URL(b.url()).pathname, /^\/manage\//, `booking the suggested time ended at ${show(b.url())}`);

  await ctxA.close();
  await ctxB.close();
});

test('the whole booking flow works with JavaScript disabled', async () => {
  const ctx = await newContext(browser, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  const { chosen } = await bookFirst(page, { label: 'nojs' });
  assert.equal((await page.locator('main h1').first().textContent()).trim(), "You're booked");
  assert.match((await summaryValue(page, 'Reference')) || '', /^[A-Z0-9]{4,}$/);
  const shown = await clinicText(page.locator('dl.summary time').first());
  assert.ok(shown.includes(chosen.text), `confirmation shows "${shown}", chosen "${chosen.text}"`);
  await ctx.close();
});

test('a treatment goes through the safety questions, then offers times', async () => {
  const ctx = await newContext(browser, { timezoneId: CLINIC_ZONE });
  const page = await ctx.newPage();
  await page.goto(abs('/book'));
  const resp = await clickAndWait(page, page.getByRole('link', { name: `Choose ${TREATMENT}`, exact: true }));
  assert.equal(resp.status(), 200, `${show(page.url())} answered ${resp.status()}`);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/book/screening', `choosing "${TREATMENT}" led to ${show(page.url())}, not the safety questions`);
  assert.equal(url.searchParams.get('service'), 'microneedling-face');

  const groups = await page.locator('main form input[type="radio"]').evaluateAll((rs) => [...new Set(rs.map((r) => r.name))]);
  assert.ok(groups.length > 0, `${show(page.url())}: no yes/no questions`);
  const noes = page.locator('main form').getByRole('radio', { name: 'No', exact: true });
  const noCount = await noes.count();
  const noGroups = await noes.evaluateAll((rs) => [...new Set(rs.map((r) => r.name))]);
  assert.deepEqual(noGroups.sort(), [...groups].sort(), `every yes/no question should have a "No" radio (questions: ${groups.length}, "No" radios: ${noCount})`);
  for (let i = 0; i < noCount; i++) await noes.nth(i).check();
  const dates = page.locator('main form input[type="date"]');
  for (let i = 0; i < (await dates.count()); i++) assert.equal(await dates.nth(i).inputValue(), '', 'a date field is pre-filled');
  // A blank date is not "never": tick "Never" for each, and give an adult's date of birth.
  const nevers = page.locator('main form').getByRole('checkbox', { name: 'Never', exact: true });
  for (let i = 0; i < (await nevers.count()); i++) await nevers.nth(i).check();
  await page.locator('main form input[type="date"][required]').fill('1980-06-15');

  const submit = page.locator('main form').filter({ has: page.locator('input[type="radio"]') }).getByRole('button');
  assert.equal(await submit.count(), 1, 'the questions form should have exactly one button');
  const after = await clickAndWait(page, submit);
  const errors = await page.locator('.error-text').allTextContents();
  assert.equal(after.status(), 200, `answering "No" to everything answered ${after.status()} at ${show(page.url())}; errors: ${JSON.stringify(errors)}`);
  const landed = new URL(page.url());
  assert.equal(landed.pathname, '/book', `after the safety questions, the browser is at ${show(page.url())}`);
  assert.equal(landed.searchParams.get('service'), 'microneedling-face');
  assert.ok(await page.locator('table.month').isVisible(), `${show(page.url())}: no month table`);

  const day = await findDay(page);
  await clickAndWait(page, day.link);
  const times = timeLinks(page);
  assert.ok((await times.count()) > 0, `${show(page.url())}: "${day.label}" offers no times for ${TREATMENT}`);
  const chosen = await describeTime(times.first());
  assert.equal(new URL(chosen.href, BASE_URL).searchParams.get('service'), 'microneedling-face');
  const detailsResp = await clickAndWait(page, times.first());
  assert.equal(detailsResp.status(), 200, `${chosen.href} answered ${detailsResp.status()}`);
  const treatment = await summaryValue(page, 'Treatment');
  assert.ok(treatment?.includes(TREATMENT), `/book/details "Treatment" is "${treatment}"`);
  await ctx.close();
});

test('mobile (390x844): the day view with times has no horizontal scroll', async () => {
  const ctx = await newContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  await page.goto(abs('/book?service=consultation'));
  const day = await findDay(page);
  const resp = await page.goto(abs(`/book?service=consultation&date=${day.date}`));
  assert.equal(resp.status(), 200);
  assert.ok((await timeLinks(page).count()) > 0, `${show(page.url())}: no times`);
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
  assert.ok(sw <= 391, `${show(page.url())}: scrollWidth ${sw} > 390${widest ? ` (widest: ${widest.el}, right edge ${widest.right}px)` : ''}`);
  await ctx.close();
});
