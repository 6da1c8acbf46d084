// Two-factor sign-in in a real browser: a member turns it on from the page's key (read
// off the page, as someone typing it into an app would), signs out, signs in with a code
// from that key, then with a recovery code; the same recovery code a second time is
// refused; then new recovery codes replace the old ones. Codes are computed here with node's HMAC-SHA1 (RFC 6238), as an app would.
// Run through ../run.sh, which exports BASE_URL, COLLAGEN_BIN and COLLAGEN_DATA_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { launchBrowser, newContext, abs, show } from '../lib/browser.mjs';

const PASSWORD = 'quiet harbour lamps glow 83';
const EMAIL = 'second-step@clinic.example';

let browser;
before(async () => {
  const bin = process.env.COLLAGEN_BIN;
  const data = process.env.COLLAGEN_DATA_DIR;
  if (!bin || !data) throw new Error('two-factor.test.mjs needs COLLAGEN_BIN and COLLAGEN_DATA_DIR; run through tests/browser/run.sh');
  const args = ['staff', 'add', EMAIL, '--role', 'admin', '--data-dir', data];
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

/** RFC 4648 base32 (no padding) to bytes. */
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/[\s=]/g, '')) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The six-digit RFC 6238 code (SHA-1, 30 s) for a time step. */
function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(n % 1_000_000).padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 1000 / 30);

/**
 * The code for the next unused step. The server takes each step once and allows one step
 * of drift either side, so the steps go now-1, now, now+1, ... without waiting for the
 * clock; near a step's end it waits a moment, so the server sees the same "now".
 */
let lastStep = -1;
async function nextCode(key) {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 28) await new Promise((r) => setTimeout(r, (30.5 - intoStep) * 1000));
  const step = Math.max(lastStep + 1, stepNow() - 1);
  assert.ok(step <= stepNow() + 1, `step ${step} is beyond the allowed drift; too many codes used at once`);
  lastStep = step;
  return totp(key, step);
}

/** Shared by the tests below, in order: the key and the first recovery codes. */
let key;
let recovery;

async function clickAndWait(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp;
}

/** Email and password; returns where the browser ended up. */
async function password(page) {
  await page.goto(abs('/login'));
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await clickAndWait(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  return new URL(page.url()).pathname;
}

/** The second step's form: types `code`, returns the answer's status. */
async function secondStep(page, code) {
  assert.equal(new URL(page.url()).pathname, '/login/code', `expected the code page, at ${show(page.url())}`);
  await page.getByLabel('Code', { exact: true }).fill(code);
  const resp = await clickAndWait(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  return resp.status();
}

async function signOut(page) {
  await page.goto(abs('/admin'));
  await clickAndWait(page, page.getByRole('button', { name: 'Sign out', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/login');
}

test('two-factor: enrol from the page, sign in with a code, then with a recovery code once', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();

  assert.equal(await password(page), '/admin', 'no second step before enrolment');
  await page.goto(abs('/admin/account/two-factor'));
  await clickAndWait(page, page.getByRole('button', { name: 'Set up two-factor sign-in' }));
  const shownKey = (await page.locator('code.secret').textContent()).trim();
  assert.match(shownKey, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, `the key as shown: ${shownKey}`);
  key = base32Decode(shownKey);
  const link = await page.getByRole('link', { name: 'add to an authenticator app' }).getAttribute('href');
  assert.ok(link.startsWith('otpauth://totp/') && link.includes(`secret=${shownKey.replace(/ /g, '')}`), link);

  // A wrong code leaves it off; the right one turns it on and shows ten recovery codes.
  const right = await nextCode(key);
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
  await page.getByLabel('Code from the app').fill(wrong);
  const refusedResp = await clickAndWait(page, page.getByRole('button', { name: 'Turn on two-factor sign-in' }));
  assert.equal(refusedResp.status(), 422);
  await page.getByLabel('Code from the app').fill(right);
  await clickAndWait(page, page.getByRole('button', { name: 'Turn on two-factor sign-in' }));
  assert.equal((await page.locator('main h1').textContent()).trim(), 'Two-factor sign-in is on');
  recovery = (await page.locator('ul.recovery-codes li code').allTextContents()).map((c) => c.trim());
  assert.equal(recovery.length, 10, `recovery codes: ${recovery}`);
  await signOut(page);

  // With a code from the app.
  assert.equal(await password(page), '/login/code', 'the password alone no longer signs in');
  assert.equal(await secondStep(page, await nextCode(key)), 200);
  assert.equal(new URL(page.url()).pathname, '/admin', `signed in with a code to ${show(page.url())}`);
  await signOut(page);

  // With a recovery code, typed loosely (upper case, a space for the dash).
  const spare = recovery[3];
  assert.equal(await password(page), '/login/code');
  assert.equal(await secondStep(page, spare.toUpperCase().replace('-', ' ')), 200);
  assert.equal(new URL(page.url()).pathname, '/admin', `signed in with a recovery code to ${show(page.url())}`);
  await page.goto(abs('/admin/account'));
  assert.match(await page.locator('main').textContent(), /9 of your recovery codes are unused/);
  await signOut(page);

  // The same recovery code again: refused, and the back office stays closed.
  assert.equal(await password(page), '/login/code');
  assert.equal(await secondStep(page, spare), 401);
  assert.equal(new URL(page.url()).pathname, '/login/code');
  assert.match(await page.getByRole('alert').first().textContent(), /not right/);
  await page.goto(abs('/admin'));
  assert.equal(new URL(page.url()).pathname, '/login', `after a refused code, /admin shows ${show(page.url())}`);

  await ctx.close();
});

test('new recovery codes: made with a code from the app, and the old ones stop working', async () => {
  assert.ok(key && recovery, 'needs the enrolment of the test before');
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  assert.equal(await password(page), '/login/code');
  assert.equal(await secondStep(page, recovery[5]), 200);
  assert.equal(new URL(page.url()).pathname, '/admin');

  await page.goto(abs('/admin/account/two-factor'));
  await page.getByLabel('Code from your app').fill('000000' === totp(key, stepNow()) ? '111111' : '000000');
  let resp = await clickAndWait(page, page.getByRole('button', { name: 'Make new recovery codes' }));
  assert.equal(resp.status(), 422, 'a wrong code makes no codes');
  assert.match(await page.getByRole('alert').first().textContent(), /not right/);
  await page.getByLabel('Code from your app').fill(await nextCode(key));
  resp = await clickAndWait(page, page.getByRole('button', { name: 'Make new recovery codes' }));
  assert.equal(resp.status(), 200);
  assert.equal((await page.locator('main h1').textContent()).trim(), 'New recovery codes');
  const renewed = (await page.locator('ul.recovery-codes li code').allTextContents()).map((c) => c.trim());
  assert.equal(renewed.length, 10);
  assert.ok(renewed.every((c) => !recovery.includes(c)), 'the new codes are new');
  await signOut(page);

  // An old code never used is refused now; a new one signs in.
  assert.equal(await password(page), '/login/code');
  assert.equal(await secondStep(page, recovery[7]), 401, 'an old recovery code still worked');
  assert.equal(await secondStep(page, renewed[0]), 200);
  assert.equal(new URL(page.url()).pathname, '/admin', `signed in with a new recovery code to ${show(page.url())}`);
  await ctx.close();
});
