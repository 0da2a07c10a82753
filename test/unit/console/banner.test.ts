import { fixtureAccounts, formatBanner, type BannerAccount, type BannerInfo } from '../../../src/console';
import { DEFAULT_FIXTURE, loadFixture, withGeneratedHosts } from '../../../src/config/fixture';
import type { ReadyInfo } from '../../../src/embed/startEmulator';

/** The ready object of `serve --port 0` (contract-13) on the default fleet, and the fixture's accounts. */
const READY: ReadyInfo = {
  event: 'ready',
  version: '0.1.0',
  pid: 12345,
  url: 'http://127.0.0.1:40123/wsman',
  httpsUrl: 'https://127.0.0.1:40124/wsman',
  thumbprint: '414CA0B50B9A6E7384544637304F6731354044BB',
  adminUrl: 'http://127.0.0.1:40123/_emulator/',
  healthUrl: 'http://127.0.0.1:40123/_emulator/health',
  dashboardUrl: 'http://127.0.0.1:40123/_emulator/ui/',
  fixture: '/srv/emu/fixtures/contoso.json',
  fleet: 'contoso',
  dataDir: '/srv/emu/data',
  defaultHost: 'ipam1.contoso.com',
  hosts: [{ name: 'ipam1.contoso.com', url: 'http://127.0.0.1:40123/wsman', ownPort: false, accounts: ['Administrator', 'ipamuser'] }],
};

const accountsOf = (host: string): BannerAccount[] => [
  { host, user: 'Administrator', password: 'Passw0rd!', groups: ['Administrators'] },
  { host, user: 'ipamuser', password: 'Passw0rd!', groups: ['IPAM Users'] },
];

const DEFAULT_FLEET: BannerInfo = { ...READY, accounts: accountsOf('ipam1.contoso.com') };

/** `serve --port 0 --hosts 50`: every host on a port of its own, each with the first host's accounts. */
function fleetOf(n: number): BannerInfo {
  const hosts = Array.from({ length: n }, (_, i) => ({ name: `ipam${i + 1}.contoso.com`, url: `http://127.0.0.1:${41000 + i}/wsman`, ownPort: true, accounts: ['Administrator', 'ipamuser'] }));
  return { ...READY, hosts, accounts: hosts.flatMap((h) => accountsOf(h.name)) };
}

describe('formatBanner', () => {
  test('the default fleet: product and version, the URLs, the certificate, the host, the lab accounts, the admin URLs, how to stop', () => {
    expect(formatBanner(DEFAULT_FLEET, { color: false }).split('\n')).toEqual([
      'ipam-wsman-emulator 0.1.0  fleet contoso, 1 host',
      '  WS-Man     http://127.0.0.1:40123/wsman',
      '             https://127.0.0.1:40124/wsman  certificate SHA-1 414CA0B50B9A6E7384544637304F6731354044BB',
      '  Hosts      ipam1.contoso.com  http://127.0.0.1:40123/wsman  (default host)',
      '  Accounts   Administrator / Passw0rd!  Administrators',
      '             ipamuser / Passw0rd!       IPAM Users',
      '  Admin API  http://127.0.0.1:40123/_emulator/  (Basic: an account of ipam1.contoso.com in Administrators)',
      '  Dashboard  http://127.0.0.1:40123/_emulator/ui/',
      '  Health     http://127.0.0.1:40123/_emulator/health',
      'Ctrl-C to stop.',
    ]);
  });

  test('50 hosts: the first five and how many more, each account once, still short', () => {
    const lines = formatBanner(fleetOf(50), { color: false }).split('\n');
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(lines[0]).toBe('ipam-wsman-emulator 0.1.0  fleet contoso, 50 hosts');
    const hostLines = lines.filter((l) => /ipam\d+\.contoso\.com {2}http/.test(l));
    expect(hostLines.map((l) => l.trim())).toEqual([
      'Hosts      ipam1.contoso.com  http://127.0.0.1:41000/wsman  (default host)',
      'ipam2.contoso.com  http://127.0.0.1:41001/wsman',
      'ipam3.contoso.com  http://127.0.0.1:41002/wsman',
      'ipam4.contoso.com  http://127.0.0.1:41003/wsman',
      'ipam5.contoso.com  http://127.0.0.1:41004/wsman',
    ]);
    expect(lines).toContain('             … and 45 more (GET http://127.0.0.1:40123/_emulator/hosts)');
    expect(lines).toContain('             http://127.0.0.1:40123/wsman reaches the default host, or any host named in the Host header');
    expect(lines.filter((l) => l.includes('Administrator / Passw0rd!'))).toEqual(['  Accounts   Administrator / Passw0rd!  Administrators']);
  });

  test('up to ten hosts are all listed; one without a port of its own is reached by Host header', () => {
    const fleet = fleetOf(10);
    const hosts = fleet.hosts.map((h, i) => (i === 9 ? { ...h, url: READY.url, ownPort: false } : h));
    const text = formatBanner({ ...fleet, hosts }, { color: false });
    for (let i = 1; i <= 10; i++) expect(text).toContain(`ipam${i}.contoso.com `);
    expect(text).toContain('ipam10.contoso.com  http://127.0.0.1:40123/wsman  (by Host header)');
    expect(text).not.toContain('more (GET');
  });

  test('an account on some hosts only says which; a domain account (no host) is on every host', () => {
    const fleet = fleetOf(3);
    const text = formatBanner(
      {
        ...fleet,
        accounts: [...accountsOf('ipam1.contoso.com'), { user: 'CONTOSO\\ipamadmin', password: 'Dom-Passw0rd!', groups: ['IPAM Administrators'] }],
      },
      { color: false },
    );
    expect(text).toMatch(/ Administrator \/ Passw0rd! +Administrators {2}on ipam1\.contoso\.com\n/);
    expect(text).toMatch(/CONTOSO\\ipamadmin \/ Dom-Passw0rd! {2}IPAM Administrators\n/);
  });

  test("the admin API's logon: the fixture's admin group, or its own credential when it has one", () => {
    expect(formatBanner({ ...DEFAULT_FLEET, admin: { group: 'IPAM Administrators' } }, { color: false })).toContain(
      '  Admin API  http://127.0.0.1:40123/_emulator/  (Basic: an account of ipam1.contoso.com in IPAM Administrators)',
    );
    expect(formatBanner({ ...DEFAULT_FLEET, admin: { credential: { user: 'harness', password: 'Harness-Passw0rd!' } } }, { color: false })).toContain(
      '  Admin API  http://127.0.0.1:40123/_emulator/  (Basic: harness / Harness-Passw0rd!)',
    );
  });

  test('without HTTPS there is no HTTPS line and no certificate', () => {
    const text = formatBanner({ ...DEFAULT_FLEET, httpsUrl: null, thumbprint: null }, { color: false });
    expect(text).not.toContain('https://');
    expect(text).not.toContain('certificate');
  });

  test('colour: the title bold, URLs cyan; none without it', () => {
    const coloured = formatBanner(DEFAULT_FLEET, { color: true });
    expect(coloured).toContain('\x1b[1mipam-wsman-emulator 0.1.0\x1b[0m');
    expect(coloured).toContain('\x1b[36mhttp://127.0.0.1:40123/wsman\x1b[0m');
    const uncoloured = coloured
      .split('\x1b[')
      .map((part, i) => (i === 0 ? part : part.replace(/^\d+m/, '')))
      .join('');
    expect(uncoloured).toBe(formatBanner(DEFAULT_FLEET, { color: false }));
    expect(formatBanner(DEFAULT_FLEET, { color: false })).not.toContain('\x1b[');
  });

  test("the default fixture's accounts through fixtureAccounts: as serve --hosts 50 serves them, each shown once", () => {
    const accounts = fixtureAccounts(withGeneratedHosts(loadFixture(DEFAULT_FIXTURE), 50, 6985));
    expect(accounts).toHaveLength(100);
    const text = formatBanner({ ...fleetOf(50), accounts }, { color: false });
    expect(text).toContain('  Accounts   Administrator / Passw0rd!  Administrators\n             ipamuser / Passw0rd!       IPAM Users\n');
  });

  test('fixtureAccounts: domain accounts as DOMAIN\\name on every host, disabled accounts left out', () => {
    const fx = loadFixture(DEFAULT_FIXTURE);
    const accounts = fixtureAccounts({
      ...fx,
      domains: fx.domains.map((d) => ({ ...d, accounts: [{ name: 'ipamadmin', password: 'Dom-Passw0rd!', groups: ['IPAM Administrators'] }, { name: 'gone', password: 'x', disabled: true }] })),
    });
    expect(accounts).toContainEqual({ user: 'CONTOSO\\ipamadmin', password: 'Dom-Passw0rd!', groups: ['IPAM Administrators'] });
    expect(accounts.map((a) => a.user)).not.toContain('CONTOSO\\gone');
  });
});
