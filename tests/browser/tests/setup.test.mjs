// The owner sets up a service without the setup document: adds it, adds a second phase,
// says what each phase holds, moves the phases into order, and sees the saved result; axe
// reports nothing on the setup page on a phone (390 px) and a desktop (1366 px). The
// service is removed again at the end, so later files see the clinic as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchBrowser, newAxeContext, runAxe, formatViolations, abs, show } from '../lib/browser.mjs';

const PASSWORD = 'ochre lantern drifts slowly 47';
const EMAIL = 'setup-owner@clinic.example';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1366, height: 900 } };

let browser;
before(async () => {
  const bin = process.env.COLLAGEN_BIN;
  const data = process.env.COLLAGEN_DATA_DIR;
  if (!bin || !data) throw new Error('setup.test.mjs needs COLLAGEN_BIN and COLLAGEN_DATA_DIR; run through tests/browser/run.sh.');
  execFileSync(bin, ['staff', 'add', EMAIL, '--role', 'admin', '--data-dir', data], { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function clickAndWait(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp;
}

async function signIn(page) {
  await page.goto(abs('/login'));
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await clickAndWait(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/admin');
}

/** The phases of a service as the editor lists them: name, minutes, holds. */
async function phases(page, id) {
  return page.locator(`#s-${id}`).locator('xpath=..').locator('ol.setup-phases > li').evaluateAll((items) =>
    items.map((li) => ({
      name: li.querySelector('input[name="name"]').value,
      minutes: li.querySelector('input[name="minutes"]').value,
      practitioner: li.querySelector('input[name="practitioner"]').checked,
      room: li.querySelector('input[name="room"]').checked,
    })),
  );
}

test('the owner adds a service with two phases through the forms and reorders them; axe finds nothing at 390 and 1366 px', async () => {
  const problems = [];
  const ctx = await newAxeContext(browser, DESKTOP);
  const page = await ctx.newPage();
  await signIn(page);
  await page.goto(abs('/admin/setup'));

  // Add the service: a name, a price, its treatment's length.
  const add = page.locator('form[action="/admin/setup/services"]');
  await add.getByLabel('Service name').fill('Brow renewal');
  await add.getByLabel('Price').fill('120');
  await add.getByLabel('Treatment length (minutes)').fill('30');
  await clickAndWait(page, add.getByRole('button', { name: 'Add service' }));
  assert.match(page.url(), /saved=1#s-brow-renewal$/, show(page.url()));
  assert.ok((await page.locator('.notice.ok').textContent()).includes('Saved'));

  // A second phase: numbing, in the room alone.
  const addPhase = page.locator('form[action="/admin/setup/phases"]').filter({ has: page.locator('input[name="service"][value="brow-renewal"]') });
  await addPhase.getByLabel('Phase name').fill('numbing');
  await addPhase.getByLabel('Minutes').fill('20');
  await addPhase.getByLabel('The practitioner').uncheck();
  await addPhase.getByLabel('A room').check();
  await clickAndWait(page, addPhase.getByRole('button', { name: /^Add phase/ }));
  assert.deepEqual(await phases(page, 'brow-renewal'), [
    { name: 'treatment', minutes: '30', practitioner: true, room: true },
    { name: 'numbing', minutes: '20', practitioner: false, room: true },
  ]);

  // Numbing comes first: move it up.
  await clickAndWait(page, page.getByRole('button', { name: 'Move up (phase 2 of Brow renewal, numbing)' }));
  assert.deepEqual((await phases(page, 'brow-renewal')).map((p) => p.name), ['numbing', 'treatment']);
  assert.ok((await page.locator('#s-brow-renewal').locator('xpath=..').textContent()).includes('Takes 50 minutes in all'));

  // The API sells it in that order, at the phases' length.
  const services = await (await fetch(abs('/api/v1/services'))).json();
  const brow = services.find((s) => s.id === 'brow-renewal');
  assert.equal(brow?.duration_minutes, 50, JSON.stringify(brow));
  assert.deepEqual(brow.phases.map((p) => [p.name, p.uses]), [['numbing', ['room']], ['treatment', ['practitioner', 'room']]]);

  const desktop = await runAxe(page);
  if (desktop.length) problems.push(`setup page at 1366 px: ${desktop.length} axe violation(s):\n${formatViolations(show(page.url()), desktop)}`);
  const phoneCtx = await newAxeContext(browser, PHONE);
  const phone = await phoneCtx.newPage();
  await signIn(phone);
  await phone.goto(abs('/admin/setup'));
  const onPhone = await runAxe(phone);
  if (onPhone.length) problems.push(`setup page at 390 px: ${onPhone.length} axe violation(s):\n${formatViolations(show(phone.url()), onPhone)}`);
  await phoneCtx.close();

  // Leave the clinic as it was for the other files.
  await clickAndWait(page, page.getByRole('button', { name: 'Remove service Brow renewal' }));
  assert.equal(await page.locator('#s-brow-renewal').count(), 0, 'the service was not removed');
  await ctx.close();
  assert.deepEqual(problems, [], problems.join('\n'));
});
