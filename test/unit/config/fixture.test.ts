/**
 * Fleet fixture validation: the default fixture is valid, and every problem is
 * reported with the JSON path where it is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_FIXTURE, FixtureError, loadFixture, validateFixture, type Fixture } from '../../../src/config/fixture';

/** A small valid fixture; each test breaks one thing in a fresh copy. */
function base(): Fixture {
  return {
    name: 'lab',
    defaultHost: 'ipam1.contoso.com',
    domains: [{ name: 'CONTOSO', dnsName: 'contoso.com', accounts: [{ name: 'sa', password: 'x' }] }],
    hosts: [
      { fqdn: 'ipam1.contoso.com', domain: 'CONTOSO', accounts: [{ name: 'Administrator', password: 'p' }] },
      { fqdn: 'ipam2.contoso.com', domain: 'contoso' },
    ],
  };
}

/** The problems validateFixture reports for `data` (fails the test if it accepts it). */
function problems(data: unknown): string[] {
  try {
    validateFixture(data, 'test fixture');
  } catch (e) {
    if (e instanceof FixtureError) {
      expect(e.source).toBe('test fixture');
      expect(e.message).toBe(`invalid fixture test fixture:\n  - ${e.problems.join('\n  - ')}`);
      return e.problems;
    }
    throw e;
  }
  throw new Error('expected the fixture to be refused');
}

function loadError(file: string): FixtureError {
  try {
    loadFixture(file);
  } catch (e) {
    if (e instanceof FixtureError) return e;
    throw e;
  }
  throw new Error('expected a FixtureError');
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-test-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the default fixture', () => {
  it('fixtures/contoso.json loads and validates', () => {
    const fx = loadFixture(DEFAULT_FIXTURE);
    expect(fx.name).toBe('contoso');
    expect(fx.defaultHost).toBe('ipam1.contoso.com');
    expect(fx.hosts.map((h) => h.fqdn)).toEqual(['ipam1.contoso.com']);
  });

  it('is what loadFixture reads when given no file', () => {
    expect(loadFixture().name).toBe('contoso');
  });
});

describe('validateFixture', () => {
  it('accepts the base fixture as is, returning it', () => {
    const fx = base();
    expect(validateFixture(fx, 'x')).toBe(fx);
  });

  it('names an unknown top-level property', () => {
    expect(problems({ ...base(), hostz: [] })).toEqual(["(top level): unknown property 'hostz'"]);
  });

  it('names an unknown property with its JSON path', () => {
    const fx = base();
    (fx.hosts[1] as unknown as Record<string, unknown>).passwrd = 'x';
    expect(problems(fx)).toEqual(["/hosts/1: unknown property 'passwrd'"]);
  });

  it('names an unknown policy property', () => {
    expect(problems({ ...base(), policy: { maxEnvelopeSizekb: 500 } })).toEqual(["/policy: unknown property 'maxEnvelopeSizekb'"]);
  });

  it.each([
    ['name', '(top level)'],
    ['domains', '(top level)'],
    ['hosts', '(top level)'],
  ])("reports a missing required '%s'", (prop, where) => {
    const fx = base() as unknown as Record<string, unknown>;
    delete fx[prop];
    expect(problems(fx)).toEqual([`${where}: missing required property '${prop}'`]);
  });

  it("reports a host without 'domain' and an account without 'password', with their paths", () => {
    const fx = base() as unknown as { hosts: Array<Record<string, unknown>>; domains: Array<{ accounts: Array<Record<string, unknown>> }> };
    delete fx.hosts[1].domain;
    delete fx.domains[0].accounts[0].password;
    expect(problems(fx).sort()).toEqual(["/domains/0/accounts/0: missing required property 'password'", "/hosts/1: missing required property 'domain'"]);
  });

  it.each(['ipam1', 'ipam_1.contoso.com', '-ipam.contoso.com', 'ipam1..contoso.com', 'ipam1.contoso.com.', 'a'.repeat(64) + '.contoso.com'])(
    'refuses the FQDN %j at its path',
    (fqdn) => {
      const fx = base();
      fx.hosts[0].fqdn = fqdn;
      fx.defaultHost = undefined;
      const found = problems(fx);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^\/hosts\/0\/fqdn: value does not have the expected form/);
    },
  );

  it('refuses a bad domain DNS name at its path', () => {
    const fx = base();
    fx.domains[0].dnsName = 'contoso';
    expect(problems(fx)[0]).toMatch(/^\/domains\/0\/dnsName: value does not have the expected form/);
  });

  it('reports a host naming an undeclared domain', () => {
    const fx = base();
    fx.hosts[1].domain = 'FABRIKAM';
    expect(problems(fx)).toEqual(['/hosts/1/domain: no domain named FABRIKAM is declared in /domains']);
  });

  it('reports a host declared twice, case-insensitively', () => {
    const fx = base();
    fx.hosts[1].fqdn = 'IPAM1.Contoso.com';
    expect(problems(fx)).toEqual(['/hosts/1: host IPAM1.Contoso.com is declared twice']);
  });

  it('reports a domain declared twice, case-insensitively', () => {
    const fx = base();
    fx.domains.push({ name: 'contoso', dnsName: 'contoso.net' });
    expect(problems(fx)).toEqual(['/domains/1: domain contoso is declared twice']);
  });

  it('reports an account declared twice on a host and in a domain', () => {
    const fx = base();
    fx.hosts[0].accounts?.push({ name: 'administrator', password: 'q' });
    fx.domains[0].accounts?.push({ name: 'SA', password: 'y' });
    expect(problems(fx).sort()).toEqual(['/domains/0/accounts/1: account SA is declared twice', '/hosts/0/accounts/1: account administrator is declared twice']);
  });

  it('allows the same account name locally and in the domain', () => {
    const fx = base();
    fx.hosts[0].accounts?.push({ name: 'sa', password: 'local' });
    expect(() => validateFixture(fx, 'x')).not.toThrow();
  });

  it('reports a defaultHost that is not a host', () => {
    const fx = base();
    fx.defaultHost = 'ipam9.contoso.com';
    expect(problems(fx)).toEqual(['/defaultHost: ipam9.contoso.com is not one of the hosts']);
  });

  it('accepts a defaultHost in another case', () => {
    const fx = base();
    fx.defaultHost = 'IPAM2.CONTOSO.COM';
    expect(() => validateFixture(fx, 'x')).not.toThrow();
  });

  it('lists every problem at once', () => {
    const fx = base();
    fx.hosts[0].domain = 'FABRIKAM';
    fx.hosts[1].fqdn = 'ipam1.contoso.com';
    fx.defaultHost = 'nowhere.contoso.com';
    expect(problems(fx)).toHaveLength(3);
  });

  it.each<[string, unknown]>([
    ['an account name with a backslash', { name: 'CONTOSO\\sa', password: 'x' }],
    ['an account name with @', { name: 'sa@contoso.com', password: 'x' }],
    ['an empty password', { name: 'sa2', password: '' }],
  ])('refuses %s', (_label, account) => {
    const fx = base() as unknown as { domains: Array<{ accounts: unknown[] }> };
    fx.domains[0].accounts.push(account);
    expect(problems(fx)[0]).toMatch(/^\/domains\/0\/accounts\/1\//);
  });

  it.each([31, 4097])('refuses policy.maxEnvelopeSizeKb %d out of range', (kb) => {
    expect(problems({ ...base(), policy: { maxEnvelopeSizeKb: kb } })[0]).toMatch(/^\/policy\/maxEnvelopeSizeKb: /);
  });

  it('refuses a non-object', () => {
    expect(problems([])).toHaveLength(1);
    expect(problems(null)).toHaveLength(1);
  });
});

describe('loadFixture', () => {
  it('reads and validates a fixture file', () => {
    const file = path.join(dir, 'ok.json');
    fs.writeFileSync(file, JSON.stringify(base()));
    expect(loadFixture(file).hosts).toHaveLength(2);
  });

  it('a file that is not JSON → "not valid JSON", naming the file', () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{ "name": "lab", ');
    const e = loadError(file);
    expect(e.source).toBe(file);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatch(/^not valid JSON: /);
    expect(e.message).toContain(file);
  });

  it('a missing file → "cannot read the file", naming the file', () => {
    const file = path.join(dir, 'missing.json');
    const e = loadError(file);
    expect(e.source).toBe(file);
    expect(e.problems[0]).toMatch(/^cannot read the file: .*ENOENT/);
  });

  it('an invalid fixture file reports its problems with the file as source', () => {
    const file = path.join(dir, 'invalid.json');
    fs.writeFileSync(file, JSON.stringify({ ...base(), defaultHost: 'x.contoso.com' }));
    const e = loadError(file);
    expect(e.source).toBe(file);
    expect(e.problems).toEqual(['/defaultHost: x.contoso.com is not one of the hosts']);
  });
});
