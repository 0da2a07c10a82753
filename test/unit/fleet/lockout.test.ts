import { AccountAuthenticator } from '../../../src/fleet/authentication';
import { isAllowed } from '../../../src/fleet/authorization';
import { Fleet } from '../../../src/fleet/fleet';
import { LockoutTracker } from '../../../src/fleet/lockout';

function fleetWith(lockout?: { threshold: number; windowMinutes: number; durationMinutes: number }): Fleet {
  return new Fleet({
    name: 't',
    policy: { auth: { basic: true }, allowUnencrypted: true, ...(lockout ? { lockout } : {}) },
    domains: [{ name: 'CONTOSO', dnsName: 'contoso.com' }],
    hosts: [{ fqdn: 'ipam1.contoso.com', domain: 'CONTOSO', accounts: [{ name: 'Administrator', password: 'Right-Pw1', groups: ['Administrators'] }] }],
  });
}

describe('account lockout', () => {
  test('after the threshold of failures within the window the account is locked, even for the right password', () => {
    let now = 0;
    const auth = new AccountAuthenticator(new LockoutTracker(() => now));
    const host = fleetWith({ threshold: 3, windowMinutes: 10, durationMinutes: 5 }).defaultHost;
    for (let i = 0; i < 2; i++) expect(auth.password(host, 'Administrator', 'wrong')).toMatchObject({ ok: false, reason: 'password' });
    expect(auth.password(host, 'Administrator', 'Right-Pw1')).toMatchObject({ ok: true });
    // The success reset the count: three more failures are needed.
    for (let i = 0; i < 3; i++) auth.password(host, 'Administrator', 'wrong');
    expect(auth.password(host, 'Administrator', 'Right-Pw1')).toEqual({ ok: false, reason: 'locked', account: 'IPAM1\\Administrator' });
    now += 5 * 60_000 + 1;
    expect(auth.password(host, 'Administrator', 'Right-Pw1')).toMatchObject({ ok: true });
  });

  test('failures older than the window do not count', () => {
    let now = 0;
    const auth = new AccountAuthenticator(new LockoutTracker(() => now));
    const host = fleetWith({ threshold: 3, windowMinutes: 1, durationMinutes: 5 }).defaultHost;
    auth.password(host, 'Administrator', 'wrong');
    auth.password(host, 'Administrator', 'wrong');
    now += 61_000;
    auth.password(host, 'Administrator', 'wrong');
    expect(auth.password(host, 'Administrator', 'Right-Pw1')).toMatchObject({ ok: true });
  });

  test('threshold 0 never locks; the default policy is Windows’ 10 in 10 minutes', () => {
    const off = new AccountAuthenticator();
    const host = fleetWith({ threshold: 0, windowMinutes: 10, durationMinutes: 10 }).defaultHost;
    for (let i = 0; i < 50; i++) off.password(host, 'Administrator', 'wrong');
    expect(off.password(host, 'Administrator', 'Right-Pw1')).toMatchObject({ ok: true });
    expect(fleetWith().defaultHost.policy.lockout).toEqual({ threshold: 10, windowMs: 600_000, durationMs: 600_000 });
  });

  test('an unknown user is refused without locking anyone', () => {
    const auth = new AccountAuthenticator();
    const host = fleetWith({ threshold: 1, windowMinutes: 10, durationMinutes: 10 }).defaultHost;
    expect(auth.password(host, 'Nobody', 'x')).toEqual({ ok: false, reason: 'unknown', account: undefined });
    expect(auth.password(host, 'Administrator', 'Right-Pw1')).toMatchObject({ ok: true });
  });
});

describe('authorization', () => {
  const p = (...groups: string[]) => ({ name: 'u', authority: 'X', groups });
  test.each([
    [['Administrators'], true, true],
    [['IPAM Administrators'], true, true],
    [['Domain Admins'], true, true],
    [['IPAM Users'], true, false],
    [['ipam asm administrators'], true, false],
    [['IPAM MSM Administrators'], true, false],
    [['IPAM IP Audit Administrators'], true, false],
    [['Users'], false, false],
    [[], false, false],
  ])('%j: read %s, change %s', (groups, read, change) => {
    expect(isAllowed(p(...groups), 'read')).toBe(read);
    expect(isAllowed(p(...groups), 'change')).toBe(change);
  });
});
