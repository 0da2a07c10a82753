/** Shared fixtures for the NTLM tests: a server bound to one fake host and its accounts. */
import { NtlmClientContext, NtlmServerContext, ntHash, type NtlmClientOptions, type NtlmCredentialLookup, type NtlmServerOptions } from '../../../../src/security/ntlm';

export const HOST: NtlmServerOptions = {
  netbiosComputer: 'IPAM01',
  netbiosDomain: 'CONTOSO',
  dnsComputer: 'ipam01.contoso.com',
  dnsDomain: 'contoso.com',
};

const accounts = new Map<string, Buffer>([
  ['administrator', ntHash('P@ssw0rd!')],
  ['ipamuser', ntHash('Sécurité-2024')],
]);

/** Case-insensitive user names, as Windows (MS-NLMP 3.2.5.1.2 note). */
export const lookup: NtlmCredentialLookup = (user) => {
  const hash = accounts.get(user.toLowerCase());
  return hash === undefined ? undefined : { ntHash: hash };
};

export function newServer(overrides: Partial<NtlmServerOptions> = {}): NtlmServerContext {
  return new NtlmServerContext({ ...HOST, ...overrides });
}

export function newClient(overrides: Partial<NtlmClientOptions> = {}): NtlmClientContext {
  return new NtlmClientContext({
    user: 'Administrator',
    domain: 'CONTOSO',
    password: 'P@ssw0rd!',
    workstation: 'WS01',
    ...overrides,
  } as NtlmClientOptions);
}

/** Runs the three legs; returns the tokens and both ends. */
export function handshake(client = newClient(), server = newServer()) {
  const negotiate = client.negotiate();
  const challenge = server.challenge(negotiate);
  const authenticate = client.authenticate(challenge);
  const result = server.authenticate(authenticate, lookup);
  return { client, server, negotiate, challenge, authenticate, result };
}

/** Asserts `fn` throws an NtlmError with this code. */
export function expectNtlmError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeDefined();
  expect((thrown as Error).name).toBe('NtlmError');
  expect((thrown as { code?: string }).code).toBe(code);
}

/** A small seeded PRNG (mulberry32) so fuzz runs are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
