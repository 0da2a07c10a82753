/**
 * The fleet at run time: policy and OS merging (defaults, then fleet, then
 * host), authentication in every user-name form Windows accepts, and which
 * host a Host header designates.
 */
import type { Fixture } from '../../../src/config/fixture';
import { AccountAuthenticator } from '../../../src/fleet/authentication';
import { DEFAULT_POLICY, Fleet, findAccount, type FleetHost, type Principal } from '../../../src/fleet/fleet';

/** A password logon with a fresh lockout state, so failures in one test never lock another's account. */
function authenticate(host: FleetHost, user: string, password: string): Principal | undefined {
  const r = new AccountAuthenticator().password(host, user, password);
  return r.ok ? r.principal : undefined;
}
import { resolveHost } from '../../../src/http/routing';

const FIXTURE: Fixture = {
  name: 'lab',
  defaultHost: 'ipam2.contoso.com',
  os: { version: '10.0.17763', caption: 'Microsoft Windows Server 2019 Standard' },
  policy: { allowUnencrypted: true, auth: { basic: true }, maxEnvelopeSizeKb: 150, maxBatchItems: 100 },
  domains: [
    {
      name: 'contoso',
      dnsName: 'Contoso.com',
      accounts: [
        { name: 'sa', password: 'Domain-Pw1', groups: ['Domain Admins'] },
        { name: 'Administrator', password: 'Domain-Admin-Pw' },
        { name: 'olduser', password: 'Old-Pw', disabled: true },
      ],
    },
  ],
  hosts: [
    {
      fqdn: 'IPAM1.contoso.com',
      domain: 'CONTOSO',
      os: { servicePack: '1.0' },
      accounts: [
        { name: 'Administrator', password: 'Local-Pw!', groups: ['Administrators'] },
        { name: 'temp', password: 'Temp-Pw', disabled: true },
      ],
    },
    {
      fqdn: 'ipam2.contoso.com',
      domain: 'CONTOSO',
      policy: { auth: { negotiate: false }, maxTimeoutMs: 30000, maxEnvelopeSizeKb: 500 },
      os: { caption: 'Microsoft Windows Server 2019 Datacenter' },
    },
  ],
};

const fleet = new Fleet(FIXTURE);

function host(name: string): FleetHost {
  const h = fleet.host(name);
  if (!h) throw new Error(`no host ${name}`);
  return h;
}
const ipam1 = host('ipam1.contoso.com');
const ipam2 = host('ipam2.contoso.com');

describe('Fleet: hosts', () => {
  it('lower-cases FQDNs and derives the upper-case NetBIOS computer name', () => {
    expect(fleet.hosts.map((h) => [h.fqdn, h.computerName])).toEqual([
      ['ipam1.contoso.com', 'IPAM1'],
      ['ipam2.contoso.com', 'IPAM2'],
    ]);
  });

  it('attaches the declared domain, normalised', () => {
    expect(ipam1.domain.name).toBe('CONTOSO');
    expect(ipam1.domain.dnsName).toBe('contoso.com');
    expect(ipam2.domain).toBe(ipam1.domain);
  });

  it('finds hosts by FQDN or short name in any case', () => {
    expect(fleet.host('IPAM1.CONTOSO.COM')).toBe(ipam1);
    expect(fleet.host('ipam1')).toBe(ipam1);
    expect(fleet.host('Ipam2')).toBe(ipam2);
    expect(fleet.host('ipam3')).toBeUndefined();
  });

  it('uses defaultHost, else the first host', () => {
    expect(fleet.defaultHost).toBe(ipam2);
    expect(new Fleet({ ...FIXTURE, defaultHost: undefined }).defaultHost.fqdn).toBe('ipam1.contoso.com');
  });
});

describe('Fleet: policy and OS merging', () => {
  it('a host without its own policy gets defaults overlaid with the fleet policy', () => {
    expect(ipam1.policy).toEqual({
      ...DEFAULT_POLICY,
      allowUnencrypted: true,
      auth: { ...DEFAULT_POLICY.auth, basic: true },
      maxEnvelopeSize: 150 * 1024,
      maxBatchItems: 100,
    });
  });

  it('a host policy overrides the fleet field by field, nested auth included', () => {
    expect(ipam2.policy).toEqual({
      ...DEFAULT_POLICY,
      allowUnencrypted: true,
      auth: { ...DEFAULT_POLICY.auth, basic: true, negotiate: false },
      maxEnvelopeSize: 500 * 1024,
      maxTimeoutMs: 30000,
      maxBatchItems: 100,
    });
  });

  it('Windows defaults apply when neither fleet nor host sets a policy (MS-WSMV 2.2.4.10)', () => {
    const plain = new Fleet({ name: 'p', domains: [{ name: 'D', dnsName: 'd.example' }], hosts: [{ fqdn: 'h.d.example', domain: 'D' }] });
    expect(plain.defaultHost.policy).toMatchObject({ maxEnvelopeSize: 512000, maxTimeoutMs: 60000, maxBatchItems: 32000, enumerationContextTimeoutMs: 60000 });
  });

  it('OS info merges defaults, then the fleet, then the host', () => {
    expect(ipam1.os).toMatchObject({ version: '10.0.17763', servicePack: '1.0', caption: 'Microsoft Windows Server 2019 Standard' });
    expect(ipam2.os).toMatchObject({ version: '10.0.17763', servicePack: '0.0', caption: 'Microsoft Windows Server 2019 Datacenter' });
    // What root/cimv2 reports beyond Identify: defaults where neither the fleet nor the host says otherwise.
    expect(ipam1.os).toMatchObject({ installDate: new Date('2024-01-15T09:30:00Z'), registeredUser: 'Windows User', organization: '' });
    expect(ipam1.machine).toEqual({ manufacturer: 'Microsoft Corporation', model: 'Virtual Machine', memoryMb: 8192, processors: 1, logicalProcessors: 2 });
    expect(ipam1.ipamFeature).toBe(true);
  });
});

describe('authenticate', () => {
  const LOCAL_ADMIN = { name: 'Administrator', authority: 'IPAM1', groups: ['Administrators'] };
  const DOMAIN_ADMIN = { name: 'Administrator', authority: 'CONTOSO', groups: [] };
  const DOMAIN_SA = { name: 'sa', authority: 'CONTOSO', groups: ['Domain Admins'] };

  it.each([
    ['user (local first)', 'Administrator'],
    ['.\\user', '.\\Administrator'],
    ['HOST\\user', 'IPAM1\\Administrator'],
    ['fqdn\\user', 'ipam1.contoso.com\\Administrator'],
  ])('%s → the local account', (_form, user) => {
    expect(authenticate(ipam1, user, 'Local-Pw!')).toEqual(LOCAL_ADMIN);
  });

  it.each([
    ['DOMAIN\\user', 'CONTOSO\\Administrator'],
    ['user@dns.domain', 'Administrator@contoso.com'],
    ['user@DOMAIN', 'Administrator@CONTOSO'],
  ])('%s → the domain account, even when a local one has the same name', (_form, user) => {
    expect(authenticate(ipam1, user, 'Domain-Admin-Pw')).toEqual(DOMAIN_ADMIN);
    expect(authenticate(ipam1, user, 'Local-Pw!')).toBeUndefined();
  });

  it('a bare name with no local account falls back to the domain', () => {
    expect(authenticate(ipam1, 'sa', 'Domain-Pw1')).toEqual(DOMAIN_SA);
  });

  it('domain accounts work on every host of the domain', () => {
    expect(authenticate(ipam2, 'CONTOSO\\sa', 'Domain-Pw1')).toEqual(DOMAIN_SA);
  });

  it('a local account of one host is not an account of another', () => {
    expect(authenticate(ipam2, 'IPAM1\\Administrator', 'Local-Pw!')).toBeUndefined();
    expect(authenticate(ipam2, '.\\Administrator', 'Local-Pw!')).toBeUndefined();
  });

  it.each([
    ['ADMINISTRATOR', 'Local-Pw!', LOCAL_ADMIN],
    ['ipam1\\administrator', 'Local-Pw!', LOCAL_ADMIN],
    ['contoso\\SA', 'Domain-Pw1', DOMAIN_SA],
    ['SA@CONTOSO.COM', 'Domain-Pw1', DOMAIN_SA],
  ])('user and authority names are case-insensitive: %s', (user, password, principal) => {
    expect(authenticate(ipam1, user, password)).toEqual(principal);
  });

  it('passwords are case-sensitive', () => {
    expect(authenticate(ipam1, 'Administrator', 'local-pw!')).toBeUndefined();
    expect(authenticate(ipam1, 'Administrator', 'LOCAL-PW!')).toBeUndefined();
  });

  it('a wrong or empty password is refused', () => {
    expect(authenticate(ipam1, 'Administrator', 'nope')).toBeUndefined();
    expect(authenticate(ipam1, 'Administrator', '')).toBeUndefined();
  });

  it('a disabled account is refused even with the right password (local and domain)', () => {
    expect(authenticate(ipam1, 'temp', 'Temp-Pw')).toBeUndefined();
    expect(authenticate(ipam1, 'CONTOSO\\olduser', 'Old-Pw')).toBeUndefined();
  });

  it.each(['nobody', 'CONTOSO\\nobody', 'FABRIKAM\\sa', 'sa@fabrikam.com', 'ipam2\\Administrator'])('an unknown user %j is refused', (user) => {
    expect(authenticate(ipam1, user, 'Domain-Pw1')).toBeUndefined();
    expect(authenticate(ipam1, user, 'Local-Pw!')).toBeUndefined();
  });

  it('findAccount names the account a user name designates', () => {
    expect(findAccount(ipam1, 'CONTOSO\\sa')?.authority).toBe('CONTOSO');
    expect(findAccount(ipam1, 'Administrator')?.authority).toBe('IPAM1');
    expect(findAccount(ipam1, 'nobody')).toBeUndefined();
  });

  it('does not keep the password text on the account', () => {
    const account = findAccount(ipam1, 'Administrator');
    expect(JSON.stringify(account)).not.toContain('Local-Pw!');
  });
});

describe('resolveHost', () => {
  it.each<[string | undefined, string]>([
    ['ipam1.contoso.com', 'ipam1.contoso.com'],
    ['IPAM1.Contoso.Com', 'ipam1.contoso.com'],
    ['ipam1', 'ipam1.contoso.com'],
    ['ipam1.contoso.com:5985', 'ipam1.contoso.com'],
    ['IPAM1:5986', 'ipam1.contoso.com'],
    ['127.0.0.1', 'ipam2.contoso.com'],
    ['10.0.0.5:5985', 'ipam2.contoso.com'],
    ['[::1]:5985', 'ipam2.contoso.com'],
    ['[fe80::1]', 'ipam2.contoso.com'],
    ['localhost:5985', 'ipam2.contoso.com'],
    ['', 'ipam2.contoso.com'],
    [undefined, 'ipam2.contoso.com'],
  ])('Host %j → %s', (header, fqdn) => {
    const route = resolveHost(fleet, header);
    expect('host' in route ? route.host.fqdn : route.unknownHost).toBe(fqdn);
  });

  it('a name that is no host of the fleet is reported, not sent to the default host', () => {
    expect(resolveHost(fleet, 'unknown.example.com:5985')).toEqual({ unknownHost: 'unknown.example.com' });
  });

  it("without a host name, the port a request arrived on picks the host with its own listener there", () => {
    const ported = new Fleet({
      name: 'p',
      domains: [{ name: 'CONTOSO', dnsName: 'contoso.com' }],
      hosts: [
        { fqdn: 'a.contoso.com', domain: 'CONTOSO' },
        { fqdn: 'b.contoso.com', domain: 'CONTOSO', port: 6002 },
      ],
    });
    const pick = (header: string | undefined, port: number): string => {
      const r = resolveHost(ported, header, port);
      return 'host' in r ? r.host.fqdn : `unknown ${r.unknownHost}`;
    };
    expect(pick('127.0.0.1:6002', 6002)).toBe('b.contoso.com');
    expect(pick(undefined, 6002)).toBe('b.contoso.com');
    expect(pick('127.0.0.1:5985', 5985)).toBe('a.contoso.com');
    // A name wins over the port.
    expect(pick('a.contoso.com:6002', 6002)).toBe('a.contoso.com');
  });
});
