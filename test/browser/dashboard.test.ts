/**
 * The dashboard as a person sees it: headless Debian Chromium (driven by playwright-core) opens
 * /_emulator/ui/ with the admin credentials while the project's own client provisions a 50-host
 * fleet. The grid turns green host by host, one host fails (a fixture fault rule) and comes good on
 * a retry, and a fault rule added through the page's form fires and shows in its table and the
 * journal. Every wait is on a condition in the page, none on the time.
 *
 * The screenshot taken mid-fan-out goes to a temporary file; with UPDATE_DOCS_SCREENSHOT=1 it
 * replaces docs/dashboard.png (so an ordinary test run leaves the work tree as it was).
 *
 * Without /usr/bin/chromium or playwright-core the suite is skipped with a loud warning, or fails
 * under REQUIRE_INTEROP=1 (CI), as the interop suites do for their clients.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveCommand, requireOrSkip } from '../interop/clients';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { BasicAuthenticator, WsmanFaultError } from '../../src/client/transport';
import { WsmanClient } from '../../src/client/wsmanClient';
import { provisionHost } from '../../src/client/ipam';
import { runAcrossSessions } from '../../src/client/fanout';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';

const CHROMIUM = '/usr/bin/chromium';
const HOSTS = Array.from({ length: 50 }, (_, i) => `ipam${i + 1}.contoso.com`);
const FAILING = 'ipam7.contoso.com';

function havePlaywright(): boolean {
  try {
    require.resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
}

const missing = [...(haveCommand(CHROMIUM) ? [] : [CHROMIUM]), ...(havePlaywright() ? [] : ['the npm package playwright-core'])];

const tiles = (state: string): string => `#fleet .tile[data-state="${state}"]`;

/**
 * Waits until, in the page, each selector matches a number of elements in its range ([min, max], or
 * exactly n). A function, not a string: the page's Content-Security-Policy forbids evaluating strings.
 */
async function counts(page: Page, want: Record<string, number | [number, number]>): Promise<void> {
  const ranges = Object.entries(want).map(([selector, n]) => [selector, ...(typeof n === 'number' ? [n, n] : n)] as const);
  await page.waitForFunction(
    (rs) => {
      // Runs in the page, which has a DOM (this file's types do not).
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return rs.every(([selector, min, max]) => {
        const n = doc.querySelectorAll(selector).length;
        return n >= min && n <= max;
      });
    },
    ranges,
    { timeout: 60_000 },
  );
}

function client(emu: TestEmulator, host: string): WsmanClient {
  return new WsmanClient({ endpoint: emu.url, hostHeader: host, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
}

requireOrSkip('chromium', missing.length === 0, missing)('the dashboard in Chromium', () => {
  let emu: TestEmulator;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const fx = contoso as Fixture;
    emu = await startEmulator({
      fixture: {
        ...fx,
        hosts: HOSTS.map((fqdn) => ({ ...fx.hosts[0]!, fqdn })),
        // Fewer slots than the fan-out's throttle: some hosts wait in the dispatcher's queue.
        dispatcher: { concurrency: 6 },
        faults: [
          {
            id: 'ipam7-roles',
            match: { host: FAILING, step: 'roles' },
            effect: { cimError: { statusCode: 1, messageId: 'IPAM.Test.RolesRefused', message: 'The IPAM roles could not be created.' } },
            times: 1,
          },
        ],
      },
      // Each step takes this long, so the fan-out takes long enough to watch.
      stepDelayMs: 200,
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({
      httpCredentials: { username: 'Administrator', password: 'Passw0rd!' },
      viewport: { width: 1440, height: 1000 },
    });
    page = await context.newPage();
    // A script error or a Content-Security-Policy violation shows up here.
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      // The refused rule's 400 is logged by Chromium as a failed load: expected, and checked below.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console error: ${msg.text()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await emu?.stop();
  });

  test('the grid follows a 50-host fan-out, a failed host and its retry', async () => {
    await page.goto(emu.url.replace(/\/wsman$/, '/_emulator/ui/'));
    await counts(page, { [tiles('unprovisioned')]: 50 });
    expect(await page.textContent('#connection')).toBe('live');

    const fanout = runAcrossSessions(HOSTS, (host) => provisionHost(client(emu, host), { Force: true }), { throttleLimit: 10 });
    // Mid-fan-out: some hosts done, some on their way, some not started.
    await counts(page, { [tiles('provisioned-wid')]: [12, 50], [tiles('provisioning')]: [1, 50], [tiles('unprovisioned')]: [1, 50] });
    const shot = process.env.UPDATE_DOCS_SCREENSHOT === '1' ? path.join(__dirname, '..', '..', 'docs', 'dashboard.png') : path.join(os.tmpdir(), `dashboard-${process.pid}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    // The provisioning tiles say which step they are on.
    expect(await page.textContent('#fleet .tile[data-state="provisioning"] .step')).toMatch(/^step [1-6]\/6$/);

    const report = await fanout;
    expect(report.outcomes.filter((o) => !o.ok).map((o) => o.session)).toEqual([FAILING]);
    await counts(page, { [tiles('provisioned-wid')]: 49 });
    await page.waitForSelector(`#fleet .tile[data-host="${FAILING}"][data-state="failed"]`);
    expect(await page.getAttribute(`#fleet .tile[data-host="${FAILING}"]`, 'title')).toContain('The IPAM roles could not be created.');
    // The fixture's rule fired once: its row says so, and the job shows the error.
    await page.waitForSelector('#faults tr[data-rule-id="ipam7-roles"][data-fired="1"]');
    await page.waitForSelector(`#jobs tr[data-host="${FAILING}"] .error`);

    await provisionHost(client(emu, FAILING), { Force: true });
    await counts(page, { [tiles('provisioned-wid')]: 50 });
    // The chart's figures: the dispatcher's limit, and a peak that reached it (ten clients asked for six slots).
    expect(await page.textContent('#c-limit')).toBe('6');
    expect(await page.textContent('#c-peak')).toBe('6');
  }, 120_000);

  test('a fault rule added through the form fires, and the page shows it fired', async () => {
    await page.fill('#fault-form input[name="id"]', 'ui-identify-fault');
    await page.fill('#fault-form input[name="host"]', 'ipam3.contoso.com');
    await page.selectOption('#fault-form select[name="operation"]', 'Identify');
    await page.selectOption('#fault-form select[name="effect"]', 'wsmanFault');
    await page.fill('#fault-form input[name="subcode"]', 'w:InternalError');
    await page.fill('#fault-form input[name="times"]', '1');
    expect(JSON.parse(await page.inputValue('#fault-form textarea[name="json"]'))).toEqual({
      id: 'ui-identify-fault',
      match: { host: 'ipam3.contoso.com', operation: 'Identify' },
      effect: { wsmanFault: { subcode: 'w:InternalError' } },
      times: 1,
    });
    await page.click('#fault-form button[type="submit"]');
    await page.locator('#fault-message', { hasText: 'Added ui-identify-fault.' }).waitFor();
    await page.waitForSelector('#faults tr[data-rule-id="ui-identify-fault"][data-fired="0"]');

    await expect(client(emu, 'ipam3.contoso.com').identify({ authenticated: true })).rejects.toBeInstanceOf(WsmanFaultError);
    await page.waitForSelector('#faults tr[data-rule-id="ui-identify-fault"][data-fired="1"].retired');
    await page.waitForSelector('#journal tr.fault[data-fault-rule="ui-identify-fault"]');
    expect(await page.textContent('#journal tr[data-fault-rule="ui-identify-fault"]')).toContain('w:InternalError');

    // A rule the emulator refuses: its reasons are shown, nothing is added.
    await page.fill('#fault-form textarea[name="json"]', '{"match": {"hots": "x"}, "effect": {"reset": true}}');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#fault-message[data-ok="false"]');
    expect(await page.textContent('#fault-message')).toContain('hots');

    // Markup in a rule is shown as text, never made into elements.
    const markup = '<img src=x onerror=alert(1)>';
    await page.fill('#fault-form textarea[name="json"]', JSON.stringify({ id: 'markup', match: { host: 'nowhere.contoso.com' }, effect: { cimError: { statusCode: 1, message: markup } } }));
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#faults tr[data-rule-id="markup"]');
    expect(await page.textContent('#faults tr[data-rule-id="markup"]')).toContain(markup);
    expect(await page.$$('#faults img')).toHaveLength(0);

    // Deleting from the table.
    await page.click('#faults tr[data-rule-id="ui-identify-fault"] button');
    await counts(page, { '#faults tr[data-rule-id="ui-identify-fault"]': 0 });
    expect(problems).toEqual([]);
  }, 60_000);
});
