/**
 * Loads a fleet fixture, validates it against schemas/fixture.schema.json and
 * checks what JSON Schema cannot (references between hosts and domains,
 * duplicates). Errors list every problem with its JSON path.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { projectRoot } from './paths';
import { timingProblems } from '../harness/timing';

export interface FixtureAccount {
  name: string;
  password: string;
  groups?: string[];
  disabled?: boolean;
}

export interface FixtureOs {
  version?: string;
  servicePack?: string;
  caption?: string;
  installDate?: string;
  serialNumber?: string;
  registeredUser?: string;
  organization?: string;
}

/** The hardware root/cimv2 reports. */
export interface FixtureMachine {
  manufacturer?: string;
  model?: string;
  memoryMb?: number;
  processors?: number;
  logicalProcessors?: number;
}

export interface FixturePolicy {
  allowUnencrypted?: boolean;
  auth?: { basic?: boolean; negotiate?: boolean; certificate?: boolean; requireSignature?: boolean };
  lockout?: { threshold?: number; windowMinutes?: number; durationMinutes?: number };
  https?: { port?: number; enabled?: boolean };
  maxEnvelopeSizeKb?: number;
  maxTimeoutMs?: number;
  maxBatchItems?: number;
  enumerationContextTimeoutMs?: number;
  maxEnumerationContexts?: number;
  shell?: { maxShellsPerUser?: number; maxConcurrentOperationsPerUser?: number; idleTimeoutMs?: number; maxMemoryPerShellMB?: number };
}

export interface FixtureDomain {
  name: string;
  dnsName: string;
  accounts?: FixtureAccount[];
}

export interface FixtureSqlLogin {
  name: string;
  type: 'windows' | 'sql';
  password?: string;
  serverRoles?: string[];
  serverPermissions?: string[];
  databases?: Record<string, string[]>;
  disabled?: boolean;
}

export interface FixtureSqlDatabase {
  name: string;
  owner?: string;
  ipamSchemaVersion?: '1.2' | '1.3';
}

export interface FixtureSqlServer {
  name: string;
  port?: number;
  version?: string;
  edition?: string;
  connectionString?: string;
  connectionStringEnv?: string;
  logins?: FixtureSqlLogin[];
  databases?: FixtureSqlDatabase[];
}

/** InvokeIpamServerProvisioning parameters, with the method's own names and CIM values. */
export interface FixtureProvisioning {
  DatabaseServer?: string;
  DatabaseName?: string;
  DatabasePort?: number;
  DatabaseAuthType?: number;
  DatabaseCredential?: string;
  ProvisioningMethod?: number;
  GpoPrefix?: string;
  WidSchemaPath?: string;
}

export interface FixtureHost {
  fqdn: string;
  domain: string;
  os?: FixtureOs;
  policy?: FixturePolicy;
  accounts?: FixtureAccount[];
  machine?: FixtureMachine;
  ipam?: { provisioned?: FixtureProvisioning; schemaVersion?: '1.2' | '1.3'; feature?: 'installed' | 'available' };
  port?: number;
  sqlServers?: string[];
  timing?: FixtureTiming;
}

/** How long a provisioning step takes (docs/timing.md). */
export type FixtureDuration =
  | { ms: number }
  | { distribution: 'uniform'; minMs: number; maxMs: number }
  | { distribution: 'lognormal'; medianMs: number; sigma?: number; maxMs?: number };

export type FixtureStepName = '*' | 'service' | 'database' | 'tasks' | 'roles' | 'method' | 'capabilities';

/** A fault injection rule (docs/faults.md; schemas/fixture.schema.json#/definitions/faultRule). */
export interface FixtureFaultRule {
  id?: string;
  description?: string;
  match?: {
    host?: string;
    operation?: string;
    className?: string;
    method?: string;
    step?: Exclude<FixtureStepName, '*'>;
    user?: string;
    client?: string;
  };
  effect: FaultEffect;
  times?: number;
  probability?: number;
}

export type FaultEffect =
  | { wsmanFault: { subcode: string; code?: number; reason?: string } }
  | { cimError: { statusCode: number; messageId?: string; message?: string } }
  | { httpStatus: { status: number } }
  | { delay: FixtureDuration }
  | { reset: true }
  | { closeAfterBytes: { n: number } }
  | { dribble: { chunkBytes: number; intervalMs: number } }
  | { authLoop: true }
  | { hostDown: { seconds: number } };

export interface FixtureTiming {
  steps?: Partial<Record<FixtureStepName, FixtureDuration>>;
  clock?: 'emulator' | 'real';
}

export interface Fixture {
  name: string;
  description?: string;
  defaultHost?: string;
  policy?: FixturePolicy;
  os?: FixtureOs;
  machine?: FixtureMachine;
  domains: FixtureDomain[];
  hosts: FixtureHost[];
  sqlServers?: FixtureSqlServer[];
  dispatcher?: { concurrency?: number };
  timing?: FixtureTiming;
  faults?: FixtureFaultRule[];
  admin?: { group?: string; credential?: { user: string; password: string } };
  certificateMappings?: Array<{ thumbprint: string; host: string; account: string }>;
}

export class FixtureError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid fixture ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'FixtureError';
  }
}

export const DEFAULT_FIXTURE = path.join(projectRoot(), 'fixtures', 'contoso.json');

let validator: ReturnType<Ajv['compile']> | undefined;
let ruleValidator: ReturnType<Ajv['compile']> | undefined;
let ajv: Ajv | undefined;

function schemaAjv(): Ajv {
  if (!ajv) {
    const schema = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'schemas', 'fixture.schema.json'), 'utf8')) as object;
    ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addSchema(schema, 'fixture');
  }
  return ajv;
}

function getValidator(): ReturnType<Ajv['compile']> {
  validator ??= schemaAjv().getSchema('fixture') as ReturnType<Ajv['compile']>;
  return validator;
}

/** A fault rule as the admin API receives it (the fixture's /definitions/faultRule): its problems, none when valid. */
export function faultRuleProblems(data: unknown): string[] {
  ruleValidator ??= schemaAjv().compile({ $ref: 'fixture#/definitions/faultRule' });
  return ruleValidator(data) ? [] : (ruleValidator.errors ?? []).map(describeAjvError);
}

function describeAjvError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: unknown property '${String(e.params.additionalProperty)}'`;
    case 'required':
      return `${where}: missing required property '${String(e.params.missingProperty)}'`;
    case 'pattern':
      return `${where}: value does not have the expected form (${e.params.pattern})`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

/** Validates a parsed fixture object. `source` names it in error messages. */
export function validateFixture(data: unknown, source: string): Fixture {
  const validate = getValidator();
  if (!validate(data)) {
    throw new FixtureError(source, (validate.errors ?? []).map(describeAjvError));
  }
  const fx = data as Fixture;
  const problems: string[] = [];
  const domains = new Set<string>();
  fx.domains.forEach((d, i) => {
    const key = d.name.toLowerCase();
    if (domains.has(key)) problems.push(`/domains/${i}: domain ${d.name} is declared twice`);
    domains.add(key);
    checkAccounts(d.accounts ?? [], `/domains/${i}`, problems);
  });
  const hosts = new Set<string>();
  fx.hosts.forEach((h, i) => {
    const key = h.fqdn.toLowerCase();
    if (hosts.has(key)) problems.push(`/hosts/${i}: host ${h.fqdn} is declared twice`);
    hosts.add(key);
    if (!domains.has(h.domain.toLowerCase())) problems.push(`/hosts/${i}/domain: no domain named ${h.domain} is declared in /domains`);
    checkAccounts(h.accounts ?? [], `/hosts/${i}`, problems);
    problems.push(...timingProblems(h.timing, `/hosts/${i}/timing`));
  });
  problems.push(...timingProblems(fx.timing, '/timing'));
  const servers = new Set<string>();
  (fx.sqlServers ?? []).forEach((srv, i) => {
    const where = `/sqlServers/${i}`;
    const key = srv.name.toLowerCase();
    if (servers.has(key)) problems.push(`${where}: SQL Server ${srv.name} is declared twice`);
    servers.add(key);
    const real = srv.connectionString !== undefined || srv.connectionStringEnv !== undefined;
    if (srv.connectionString !== undefined && srv.connectionStringEnv !== undefined) {
      problems.push(`${where}: give connectionString or connectionStringEnv, not both`);
    }
    if (real && (srv.logins?.length || srv.databases?.length)) {
      problems.push(`${where}: a real SQL Server (connectionString) has its own logins and databases; declare logins and databases only for simulated servers`);
    }
    const logins = new Set<string>();
    (srv.logins ?? []).forEach((l, j) => {
      if (logins.has(l.name.toLowerCase())) problems.push(`${where}/logins/${j}: login ${l.name} is declared twice`);
      logins.add(l.name.toLowerCase());
      if (l.type === 'sql' && l.password === undefined) problems.push(`${where}/logins/${j}: SQL login ${l.name} needs a password`);
      if (l.type === 'windows' && l.password !== undefined) problems.push(`${where}/logins/${j}: Windows login ${l.name} has no password (it authenticates as a Windows account)`);
      if (l.type === 'windows' && !l.name.includes('\\')) problems.push(`${where}/logins/${j}: Windows login ${l.name} must be DOMAIN\\name`);
    });
    const dbs = new Set<string>();
    (srv.databases ?? []).forEach((db, j) => {
      if (dbs.has(db.name.toLowerCase())) problems.push(`${where}/databases/${j}: database ${db.name} is declared twice`);
      dbs.add(db.name.toLowerCase());
    });
  });
  const ports = new Map<number, string>();
  fx.hosts.forEach((h, i) => {
    // Port 0 is "a free one, picked at start": any number of hosts may ask for it.
    if (h.port !== undefined && h.port !== 0) {
      const other = ports.get(h.port);
      if (other) problems.push(`/hosts/${i}/port: port ${h.port} is already the port of ${other}`);
      ports.set(h.port, h.fqdn);
    }
    for (const name of h.sqlServers ?? []) {
      if (!servers.has(name.toLowerCase())) problems.push(`/hosts/${i}/sqlServers: no SQL Server named ${name} is declared in /sqlServers`);
    }
    const server = h.ipam?.provisioned?.DatabaseServer;
    if (server !== undefined && !servers.has(server.toLowerCase())) {
      problems.push(`/hosts/${i}/ipam/provisioned/DatabaseServer: no SQL Server named ${server} is declared in /sqlServers`);
    }
    if (h.ipam?.schemaVersion !== undefined && h.ipam.provisioned === undefined) {
      problems.push(`/hosts/${i}/ipam/schemaVersion: give it with ipam.provisioned`);
    }
    if (h.ipam?.feature === 'available' && h.ipam.provisioned !== undefined) {
      problems.push(`/hosts/${i}/ipam/provisioned: a host without the IPAM feature (ipam.feature "available") cannot start provisioned`);
    }
    if (h.os?.installDate !== undefined && Number.isNaN(Date.parse(h.os.installDate))) problems.push(`/hosts/${i}/os/installDate: not a date`);
  });
  (fx.certificateMappings ?? []).forEach((m, i) => {
    if (m.host !== '*' && !hosts.has(m.host.toLowerCase())) problems.push(`/certificateMappings/${i}/host: ${m.host} is not one of the hosts (or '*')`);
    if (m.thumbprint.replace(/:/g, '').length !== 40) problems.push(`/certificateMappings/${i}/thumbprint: a SHA-1 thumbprint is 40 hex digits`);
  });
  if (fx.os?.installDate !== undefined && Number.isNaN(Date.parse(fx.os.installDate))) problems.push('/os/installDate: not a date');
  if (fx.defaultHost !== undefined && !hosts.has(fx.defaultHost.toLowerCase())) {
    problems.push(`/defaultHost: ${fx.defaultHost} is not one of the hosts`);
  }
  if (problems.length > 0) throw new FixtureError(source, problems);
  return fx;
}

function checkAccounts(accounts: FixtureAccount[], where: string, problems: string[]): void {
  const seen = new Set<string>();
  accounts.forEach((a, i) => {
    const key = a.name.toLowerCase();
    if (seen.has(key)) problems.push(`${where}/accounts/${i}: account ${a.name} is declared twice`);
    seen.add(key);
  });
}

export function loadFixture(file: string = DEFAULT_FIXTURE): Fixture {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FixtureError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FixtureError(file, [`not valid JSON: ${(e as Error).message}`]);
  }
  return validateFixture(data, file);
}

/**
 * The fixture with `count` hosts ipam1…ipamN (`serve --hosts N`), each on its own
 * port from `basePort` (0: each on a free port, picked at start). New hosts copy the
 * first host's domain and accounts; hosts the fixture already declares keep their
 * settings and get the port.
 */
export function withGeneratedHosts(fx: Fixture, count: number, basePort: number): Fixture {
  const template = fx.hosts[0] as FixtureHost;
  const domain = fx.domains.find((d) => d.name.toLowerCase() === template.domain.toLowerCase()) as FixtureDomain;
  const hosts = [...fx.hosts];
  for (let k = 1; k <= count; k++) {
    const fqdn = `ipam${k}.${domain.dnsName}`;
    const port = basePort === 0 ? 0 : basePort + k - 1;
    const at = hosts.findIndex((h) => h.fqdn.toLowerCase() === fqdn);
    if (at >= 0) hosts[at] = { ...(hosts[at] as FixtureHost), port: (hosts[at] as FixtureHost).port ?? port };
    else hosts.push({ fqdn, domain: template.domain, accounts: template.accounts, port });
  }
  return validateFixture({ ...fx, hosts }, `${fx.name} with ${count} generated hosts`);
}
