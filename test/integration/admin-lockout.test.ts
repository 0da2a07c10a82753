/**
 * Issue 12 item 7: lockouts and the admin API. A locked-out administrator is told so (not just
 * "authentication required"); the admin API lists lockouts and clears them; a fleet reset
 * restores the accounts (a host reset its local ones); a fixture can name a credential of the
 * admin API's own, which no host lockout touches.
 */
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { basic, post, IDENTIFY } from '../support/soap';

jest.setTimeout(30_000);

function fixture(extra: Partial<Fixture> = {}): Fixture {
  const fx = structuredClone(contoso) as Fixture;
  fx.policy = { ...fx.policy, lockout: { threshold: 3, windowMinutes: 10, durationMinutes: 10 } };
  fx.hosts[0]!.accounts = [...(fx.hosts[0]!.accounts ?? []), { name: 'Operator', password: 'Op-Passw0rd!', groups: ['Administrators'] }];
  return { ...fx, ...extra };
}

const ADMINISTRATOR = basic('Administrator', 'Passw0rd!');
const OPERATOR = basic('Operator', 'Op-Passw0rd!');

async function admin(emu: TestEmulator, path: string, auth: string, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> & unknown[] }> {
  const r = await fetch(emu.url.replace(/\/wsman$/, `/_emulator${path}`), { method, headers: { Authorization: auth } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & unknown[] };
}

/** Three bad Basic logons over WS-Man lock the account (the fixture's threshold). */
async function lockOut(emu: TestEmulator, user: string): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await post(emu.url, IDENTIFY, { Authorization: basic(user, 'wrong') })).status).toBe(401);
}

const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});
async function start(fx: Fixture): Promise<TestEmulator> {
  const emu = await startEmulator({ fixture: fx });
  running.push(emu);
  return emu;
}

test('a locked-out administrator is told so by the admin API; another administrator sees the lockout; a fleet reset ends it', async () => {
  const emu = await start(fixture());
  await lockOut(emu, 'Administrator');
  const refused = await admin(emu, '/hosts', ADMINISTRATOR);
  expect(refused.status).toBe(401);
  expect(refused.body.error).toMatch(/^the account IPAM1\\Administrator is locked out until \d{4}-\d\d-\d\dT/);
  expect(refused.body.lockedOut).toMatchObject({ account: 'IPAM1\\Administrator' });
  const listed = await admin(emu, '/lockouts', OPERATOR);
  expect(listed.body).toEqual([{ account: 'ipam1\\administrator', lockedUntil: expect.any(String), recentFailures: 0 }]);
  expect((await admin(emu, '/reset', OPERATOR, 'POST')).status).toBe(200);
  expect((await admin(emu, '/hosts', ADMINISTRATOR)).status).toBe(200);
  expect((await post(emu.url, IDENTIFY, { Authorization: ADMINISTRATOR })).status).toBe(200);
  expect((await admin(emu, '/lockouts', OPERATOR)).body).toEqual([]);
});

test('DELETE /_emulator/lockouts ends lockouts and forgets counted failures; a host reset ends its local accounts\' lockouts', async () => {
  const emu = await start(fixture());
  await lockOut(emu, 'Administrator');
  expect((await post(emu.url, IDENTIFY, { Authorization: basic('ipamuser', 'wrong') })).status).toBe(401);
  expect((await admin(emu, '/lockouts', OPERATOR)).body).toEqual([
    { account: 'ipam1\\administrator', lockedUntil: expect.any(String), recentFailures: 0 },
    { account: 'ipam1\\ipamuser', lockedUntil: null, recentFailures: 1 },
  ]);
  expect((await admin(emu, '/lockouts', OPERATOR, 'DELETE')).body).toEqual({ cleared: 2 });
  expect((await post(emu.url, IDENTIFY, { Authorization: ADMINISTRATOR })).status).toBe(200);

  await lockOut(emu, 'Administrator');
  expect((await admin(emu, '/hosts/ipam1.contoso.com/reset', OPERATOR, 'POST')).status).toBe(200);
  expect((await post(emu.url, IDENTIFY, { Authorization: ADMINISTRATOR })).status).toBe(200);
});

test("with admin.credential, it alone opens the admin API, and a host lockout does not touch it", async () => {
  const emu = await start(fixture({ admin: { credential: { user: 'harness', password: 'H4rness-only!' } } }));
  const HARNESS = basic('harness', 'H4rness-only!');
  expect((await admin(emu, '/hosts', ADMINISTRATOR)).status).toBe(401);
  expect((await admin(emu, '/hosts', basic('harness', 'nope'))).status).toBe(401);
  await lockOut(emu, 'Administrator');
  expect((await admin(emu, '/hosts', HARNESS)).status).toBe(200);
  expect((await admin(emu, '/lockouts', HARNESS)).body).toEqual([expect.objectContaining({ account: 'ipam1\\administrator' })]);
  // The credential is the admin API's, not a host's: WS-Man does not know it.
  expect((await post(emu.url, IDENTIFY, { Authorization: HARNESS })).status).toBe(401);
  expect(emu.logs().join('\n')).not.toContain('H4rness-only!');
});
