// The public site on a phone (390 px) and a desktop (1366 px): the menu folds without
// JavaScript, the logo keeps its shape, tables stay readable, phone numbers dial, and axe
// finds nothing at either width. Run through ../run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newContext, newAxeContext, runAxe, formatViolations, abs, show } from '../lib/browser.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1366, height: 900 } };

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Every public page the sitemap lists, plus the home page and the 404 page. */
async function publicPages() {
  const ctx = await newContext(browser);
  const xml = await (await ctx.request.get(abs('/sitemap.xml'))).text();
  await ctx.close();
  const paths = new Set(['/']);
  for (const m of xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)) {
    const u = new URL(m[1].replace(/&amp;/g, '&'));
    paths.add(u.pathname + u.search);
  }
  paths.add('/no-such-page');
  return [...paths];
}

for (const [name, opts] of [['phone (390 px)', PHONE], ['desktop (1366 px)', DESKTOP]]) {
  test(`axe at ${name}: no violations on any public page`, async () => {
    const paths = await publicPages();
    assert.ok(paths.includes('/benefits') && paths.includes('/compare'), `sitemap lacks the table pages: ${paths}`);
    const ctx = await newAxeContext(browser, opts);
    const page = await ctx.newPage();
    const reports = [];
    for (const path of paths) {
      await page.goto(abs(path), { waitUntil: 'load' });
      const violations = await runAxe(page);
      if (violations.length) reports.push(formatViolations(show(abs(path)), violations));
    }
    await ctx.close();
    assert.deepEqual(reports, [], reports.join('\n'));
  });
}

test('phone without JavaScript: the menu is folded, opens with a tap, and the logo is round', async () => {
  const ctx = await newContext(browser, { ...PHONE, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(abs('/benefits'));
  const nav = page.getByRole('navigation', { name: 'Main' });
  const prices = nav.locator('details a[href="/services"]');
  assert.equal(await nav.locator('a[href="/services"]').filter({ visible: true }).count(), 0, 'a Prices link shows before the menu opens');
  assert.equal(await prices.isVisible(), false, 'the menu starts folded on a phone');
  const toggle = nav.locator('summary');
  assert.ok(await toggle.isVisible(), 'no Menu button on a phone');
  await toggle.tap();
  assert.ok(await prices.isVisible(), 'the menu did not open without JavaScript');
  await prices.tap();
  await page.waitForURL('**/services');
  const mark = await page.locator('.brand-mark').boundingBox();
  assert.ok(mark && Math.abs(mark.width - mark.height) < 0.5 && mark.width >= 24, `logo squashed: ${JSON.stringify(mark)}`);
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 391, `the page scrolls sideways (${sw}px) with the menu open`);
  await ctx.close();
});

test('desktop: the whole menu shows in a row and the Menu button does not', async () => {
  const ctx = await newContext(browser, DESKTOP);
  const page = await ctx.newPage();
  await page.goto(abs('/'));
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.locator('summary').isVisible(), false, 'the Menu button shows on a desktop');
  for (const label of ['Prices', 'Our team', 'Right for me?']) {
    assert.ok(await nav.getByRole('link', { name: label, exact: true }).isVisible(), `${label} is not in the desktop menu`);
  }
  await ctx.close();
});

test('phone: every price row shows its Book link inside the screen, and table regions are focusable', async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  await page.goto(abs('/services'));
  const books = page.locator('main table a[href^="/book?service="]');
  assert.ok((await books.count()) >= 4, 'fewer than four Book links on /services');
  for (const box of await Promise.all((await books.all()).map((b) => b.boundingBox()))) {
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `a Book link is cut off: ${JSON.stringify(box)}`);
  }
  for (const path of ['/benefits', '/compare']) {
    await page.goto(abs(path));
    const regions = page.locator('main .table-scroll');
    assert.ok((await regions.count()) >= 1, `${path} has no table region`);
    for (const r of await regions.all()) {
      assert.equal(await r.getAttribute('role'), 'region');
      assert.equal(await r.getAttribute('tabindex'), '0');
      assert.ok((await r.getAttribute('aria-label'))?.length > 2, `${path}: a table region has no name`);
    }
  }
  await ctx.close();
});

test('the clinic phone number is a tap-to-call link in body text and the footer', async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  for (const path of ['/', '/faq', '/risks', '/services', '/no-such-page']) {
    await page.goto(abs(path));
    const links = await page.locator('main a[href^="tel:"]').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    assert.ok(links.length >= 1, `${path}: no tel: link in the page body`);
    for (const [href, text] of links) {
      assert.match(href, /^tel:\+?\d{6,}$/, `${path}: ${href} is not digits`);
      assert.equal(href.slice(4), text.replace(/[^\d+]/g, ''), `${path}: ${href} does not dial ${text}`);
    }
    assert.ok((await page.locator('footer a[href^="tel:"]').count()) === 1, `${path}: no tel: link in the footer`);
  }
  await ctx.close();
});

test('home: treatments and prices come before the sources list', async () => {
  const ctx = await newContext(browser, DESKTOP);
  const page = await ctx.newPage();
  await page.goto(abs('/'));
  const prices = await page.locator('#services-title').boundingBox();
  const sources = await page.getByRole('heading', { name: 'Sources' }).first().boundingBox();
  assert.ok(prices && sources && prices.y < sources.y, `prices at ${prices?.y}, sources at ${sources?.y}`);
  await ctx.close();
});


test('booking shows one steps bar: the same names on every step, the current one marked', async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  const bar = async (path) => {
    await page.goto(abs(path));
    const steps = page.getByRole('list', { name: 'Booking steps' });
    assert.equal(await steps.count(), 1, `${path}: ${await steps.count()} steps bars`);
    const items = await steps.locator('li').evaluateAll((lis) => lis.map((li) => [li.textContent.replace(/\s+/g, ' ').trim(), li.getAttribute('aria-current')]));
    return { names: items.map(([t]) => t), current: items.filter(([, c]) => c === 'step').map(([t]) => t) };
  };
  const start = await bar('/book');
  assert.deepEqual(start.current, ['1. Treatment']);
  const ids = await page.locator('main a[href*="service="]').evaluateAll((as) => [...new Set(as.map((a) => new URL(a.href).searchParams.get('service')))]);
  const consult = ids.find((id) => /consult/.test(id));
  const needled = ids.find((id) => /microneedling|face/.test(id) && id !== consult);
  assert.ok(consult && needled, `service ids: ${ids}`);
  const day = await bar(`/book?service=${consult}`);
  assert.deepEqual(day.names, ['1. Treatment', '2. Day and time', '3. Your details', '4. Confirmed']);
  assert.deepEqual(day.current, ['2. Day and time']);
  const screening = await bar(`/book/screening?service=${needled}`);
  assert.deepEqual(screening.names, ['1. Treatment', '2. Safety questions', '3. Day and time', '4. Your details', '5. Confirmed']);
  assert.deepEqual(screening.current, ['2. Safety questions']);
  await ctx.close();
});

test('the header keeps to two lines at 390 and 320 px: the name on one, Menu and booking on the other', async () => {
  for (const width of [390, 320]) {
    const ctx = await newContext(browser, { ...PHONE, viewport: { width, height: 700 } });
    const page = await ctx.newPage();
    await page.goto(abs('/'));
    const box = (sel) => page.locator(sel).first().boundingBox();
    const brand = await box('.site-header .brand');
    const menu = await box('.site-header .nav-fold > summary');
    const book = await box('.site-header .wrap > .button');
    const lineHeight = await page.locator('.site-header .brand').evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 0);
    assert.ok(brand && menu && book, `${width}px: header parts missing`);
    // The name is one line (not wrapped), and the two buttons share the next line.
    assert.ok(brand.height <= Math.max(lineHeight, 28) * 1.3, `${width}px: the clinic's name wraps (${brand.height}px tall)`);
    const centers = [brand, menu, book].map((b) => b.y + b.height / 2).sort((a, b) => a - b);
    const rows = 1 + centers.slice(1).filter((c, i) => c - centers[i] > 12).length;
    assert.ok(rows <= 2, `${width}px: the header takes ${rows} lines: ${JSON.stringify({ brand, menu, book })}`);
    assert.ok(Math.abs(menu.y + menu.height / 2 - (book.y + book.height / 2)) < 4, `${width}px: Menu and booking are not on one line`);
    assert.ok(menu.x + menu.width <= book.x, `${width}px: Menu and the booking button overlap`);
    assert.ok(book.x + book.width <= width, `${width}px: the booking button is cut off`);
    const header = await box('.site-header');
    assert.ok(header.height <= 130, `${width}px: the header is ${header.height}px tall`);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= width + 1, `${width}px: the page scrolls sideways (${sw}px)`);
    await ctx.close();
  }
});

test('illustrations load with alt text on the pages that place them, at both widths', async () => {
  const expected = { '/': ['skin-layers', 'course-timeline'], '/microneedling': ['skin-layers'], '/benefits': ['course-timeline'], '/procedure': ['healing-days'], '/aftercare': ['healing-days'] };
  for (const opts of [PHONE, DESKTOP]) {
    const ctx = await newContext(browser, opts);
    const page = await ctx.newPage();
    for (const [path, names] of Object.entries(expected)) {
      await page.goto(abs(path));
      const imgs = page.locator('main img[src^="/illustrations/"]');
      const srcs = await imgs.evaluateAll((is) => is.map((i) => i.getAttribute('src')));
      for (const name of names) assert.ok(srcs.includes(`/illustrations/${name}.svg`), `${path}: no ${name} drawing in ${srcs}`);
      for (const img of await imgs.all()) {
        await img.scrollIntoViewIfNeeded();
        await img.evaluate((i) => (i.complete ? null : new Promise((ok) => i.addEventListener('load', ok, { once: true }))));
        const [natural, alt, shown] = await img.evaluate((i) => [i.naturalWidth, i.alt, i.getBoundingClientRect().width]);
        assert.ok(natural > 0, `${path}: ${await img.getAttribute('src')} did not load`);
        assert.ok(alt.length > 40 && !alt.includes('{{'), `${path}: ${await img.getAttribute('src')} alt "${alt}"`);
        assert.ok(shown > 200 && shown <= opts.viewport.width, `${path}: drawn ${shown}px wide at ${opts.viewport.width}px`);
      }
    }
    await ctx.close();
  }
});
