/**
 * The fleet at run time: virtual hosts with their accounts and WinRM policy,
 * built from a validated fixture. Hosts are independent of each other.
 */
import { passwordDigest } from '../security/passwords';
import type { Fixture, FixtureAccount, FixtureMachine, FixtureOs, FixturePolicy } from '../config/fixture';
import { ntHash } from '../security/ntlm/ntlmv2';
import { DEFAULT_LOCKOUT, type LockoutPolicy } from './lockout';

export interface WinRmPolicy {
  readonly allowUnencrypted: boolean;
  readonly auth: { readonly basic: boolean; readonly negotiate: boolean; readonly certificate: boolean; readonly requireSignature: boolean };
  readonly lockout: LockoutPolicy;
  /** WinRM MaxEnvelopeSizekb (MS-WSMV 3.1.4.1.20), in bytes. */
  readonly maxEnvelopeSize: number;
  /** WinRM MaxTimeoutms: the cap on w:OperationTimeout (MS-WSMV 3.1.4.1.6). */
  readonly maxTimeoutMs: number;
  /** WinRM MaxBatchItems: the cap on MaxElements (MS-WSMV 3.1.4.1.14). */
  readonly maxBatchItems: number;
  /** Idle enumeration contexts are dropped after this long (MS-WSMV 3.1.2: 60 s on Windows). */
  readonly enumerationContextTimeoutMs: number;
  readonly maxEnumerationContexts: number;
  /** WinRS quotas (winrm/config/winrs; MS-WSMV 2.2.4.42 defaults, IdleTimeout as 2012 R2+ show it). */
  readonly shell: {
    readonly maxShellsPerUser: number;
    readonly maxConcurrentOperationsPerUser: number;
    readonly idleTimeoutMs: number;
    readonly maxMemoryPerShellMB: number;
  };
}

export const DEFAULT_POLICY: WinRmPolicy = {
  allowUnencrypted: false,
  auth: { basic: false, negotiate: true, certificate: false, requireSignature: false },
  lockout: DEFAULT_LOCKOUT,
  maxEnvelopeSize: 500 * 1024,
  maxTimeoutMs: 60_000,
  maxBatchItems: 32_000,
  enumerationContextTimeoutMs: 60_000,
  maxEnumerationContexts: 1500,
  shell: { maxShellsPerUser: 30, maxConcurrentOperationsPerUser: 1500, idleTimeoutMs: 7_200_000, maxMemoryPerShellMB: 1024 },
};

export interface OsInfo {
  readonly version: string;
  readonly servicePack: string;
  readonly caption: string;
  readonly installDate: Date;
  /** The product ID Win32_OperatingSystem.SerialNumber shows. */
  readonly serialNumber: string;
  readonly registeredUser: string;
  readonly organization: string;
}

const DEFAULT_OS: OsInfo = {
  version: '10.0.20348',
  servicePack: '0.0',
  caption: 'Microsoft Windows Server 2022 Datacenter',
  installDate: new Date('2024-01-15T09:30:00Z'),
  serialNumber: '00454-60000-00001-AA475',
  registeredUser: 'Windows User',
  organization: '',
};

/** The hardware root/cimv2 reports: by default a Hyper-V virtual machine. */
export interface MachineInfo {
  readonly manufacturer: string;
  readonly model: string;
  readonly memoryMb: number;
  readonly processors: number;
  readonly logicalProcessors: number;
}

const DEFAULT_MACHINE: MachineInfo = { manufacturer: 'Microsoft Corporation', model: 'Virtual Machine', memoryMb: 8192, processors: 1, logicalProcessors: 2 };

export interface Account {
  readonly name: string;
  /** The authority: the host's NetBIOS name for a local account, the domain's for a domain account. */
  readonly authority: string;
  readonly groups: readonly string[];
  readonly disabled: boolean;
  /** SHA-256 of the password, so comparisons are constant-time and the text is not kept around. */
  readonly passwordDigest: Buffer;
  /** The NT one-way function of the password (MD4 of UTF-16LE), what an NTLM logon is checked with; memory only. */
  readonly ntHash: Buffer;
}

export interface Principal {
  readonly name: string;
  readonly authority: string;
  readonly groups: readonly string[];
}

export interface Domain {
  readonly name: string;
  readonly dnsName: string;
  readonly accounts: readonly Account[];
}

export interface FleetHost {
  readonly fqdn: string;
  /** A listener port of its own, if the fixture gives one; a fixture's 0 becomes the port taken at start (Fleet.bindPort). */
  readonly port: number | undefined;
  /** SQL Servers it can reach (lower-cased names); undefined: all of the fixture's. */
  readonly sqlServers: readonly string[] | undefined;
  /** NetBIOS computer name, e.g. IPAM1. */
  readonly computerName: string;
  readonly domain: Domain;
  readonly os: OsInfo;
  readonly machine: MachineInfo;
  /** Whether the fixture starts the host with the IPAM Server feature installed (fleet/windowsFeatures.ts). */
  readonly ipamFeature: boolean;
  readonly policy: WinRmPolicy;
  readonly accounts: readonly Account[];
}


function toAccount(a: FixtureAccount, authority: string): Account {
  return {
    name: a.name,
    authority,
    groups: a.groups ?? [],
    disabled: a.disabled ?? false,
    passwordDigest: passwordDigest(a.password),
    ntHash: ntHash(a.password),
  };
}

function mergePolicy(base: WinRmPolicy, p: FixturePolicy | undefined): WinRmPolicy {
  if (!p) return base;
  return {
    allowUnencrypted: p.allowUnencrypted ?? base.allowUnencrypted,
    auth: {
      basic: p.auth?.basic ?? base.auth.basic,
      negotiate: p.auth?.negotiate ?? base.auth.negotiate,
      certificate: p.auth?.certificate ?? base.auth.certificate,
      requireSignature: p.auth?.requireSignature ?? base.auth.requireSignature,
    },
    lockout: {
      threshold: p.lockout?.threshold ?? base.lockout.threshold,
      windowMs: p.lockout?.windowMinutes !== undefined ? p.lockout.windowMinutes * 60_000 : base.lockout.windowMs,
      durationMs: p.lockout?.durationMinutes !== undefined ? p.lockout.durationMinutes * 60_000 : base.lockout.durationMs,
    },
    maxEnvelopeSize: p.maxEnvelopeSizeKb !== undefined ? p.maxEnvelopeSizeKb * 1024 : base.maxEnvelopeSize,
    maxTimeoutMs: p.maxTimeoutMs ?? base.maxTimeoutMs,
    maxBatchItems: p.maxBatchItems ?? base.maxBatchItems,
    enumerationContextTimeoutMs: p.enumerationContextTimeoutMs ?? base.enumerationContextTimeoutMs,
    maxEnumerationContexts: p.maxEnumerationContexts ?? base.maxEnumerationContexts,
    shell: { ...base.shell, ...p.shell },
  };
}

function mergeOs(base: OsInfo, o: FixtureOs | undefined): OsInfo {
  return {
    version: o?.version ?? base.version,
    servicePack: o?.servicePack ?? base.servicePack,
    caption: o?.caption ?? base.caption,
    installDate: o?.installDate !== undefined ? new Date(o.installDate) : base.installDate,
    serialNumber: o?.serialNumber ?? base.serialNumber,
    registeredUser: o?.registeredUser ?? base.registeredUser,
    organization: o?.organization ?? base.organization,
  };
}

function mergeMachine(base: MachineInfo, m: FixtureMachine | undefined): MachineInfo {
  return { ...base, ...m };
}

/** The fleet's HTTPS listener as the fixture sets it: on by default, port 5986. */
export function httpsPolicy(fx: Fixture): { readonly enabled: boolean; readonly port: number } {
  return { enabled: fx.policy?.https?.enabled ?? true, port: fx.policy?.https?.port ?? 5986 };
}

export class Fleet {
  readonly name: string;
  readonly hosts: readonly FleetHost[];
  readonly defaultHost: FleetHost;
  /** Provisioning jobs run at once across the fleet. */
  readonly concurrency: number;
  /** Group whose members (accounts of the default host) may use the admin API. */
  readonly adminGroup: string;
  /** The admin API's own credential (fixture admin.credential), kept as a digest; when set, it alone opens the admin API. */
  readonly adminCredential: { readonly user: string; readonly passwordDigest: Buffer } | undefined;
  /** The HTTPS listener (fleet-wide, as WinRM's HTTPS listener is machine-wide): on by default, port 5986. */
  readonly https: { readonly enabled: boolean; readonly port: number };
  private readonly byName = new Map<string, FleetHost>();
  private readonly byPort = new Map<number, FleetHost>();

  constructor(fx: Fixture) {
    this.name = fx.name;
    this.concurrency = fx.dispatcher?.concurrency ?? 32;
    this.adminGroup = fx.admin?.group ?? 'Administrators';
    const cred = fx.admin?.credential;
    this.adminCredential = cred ? { user: cred.user, passwordDigest: passwordDigest(cred.password) } : undefined;
    this.https = httpsPolicy(fx);
    const fleetPolicy = mergePolicy(DEFAULT_POLICY, fx.policy);
    const fleetOs = mergeOs(DEFAULT_OS, fx.os);
    const fleetMachine = mergeMachine(DEFAULT_MACHINE, fx.machine);
    const domains = new Map<string, Domain>();
    for (const d of fx.domains) {
      const name = d.name.toUpperCase();
      domains.set(name, { name, dnsName: d.dnsName.toLowerCase(), accounts: (d.accounts ?? []).map((a) => toAccount(a, name)) });
    }
    this.hosts = fx.hosts.map((h) => {
      const computerName = (h.fqdn.split('.')[0] as string).toUpperCase();
      const host: FleetHost = {
        fqdn: h.fqdn.toLowerCase(),
        port: h.port,
        sqlServers: h.sqlServers?.map((n) => n.toLowerCase()),
        computerName,
        domain: domains.get(h.domain.toUpperCase()) as Domain,
        os: mergeOs(fleetOs, h.os),
        machine: mergeMachine(fleetMachine, h.machine),
        ipamFeature: h.ipam?.feature !== 'available',
        policy: mergePolicy(fleetPolicy, h.policy),
        accounts: (h.accounts ?? []).map((a) => toAccount(a, computerName)),
      };
      this.byName.set(host.fqdn, host);
      if (host.port !== undefined && host.port !== 0) this.byPort.set(host.port, host);
      return host;
    });
    // A short name reaches a host only when no other host shares it (ipam1.contoso.com and
    // ipam1.fabrikam.com are both IPAM1: only their FQDNs tell them apart).
    const shortNames = new Map<string, FleetHost[]>();
    for (const h of this.hosts) shortNames.set(h.computerName.toLowerCase(), [...(shortNames.get(h.computerName.toLowerCase()) ?? []), h]);
    for (const [name, hs] of shortNames) if (hs.length === 1 && !this.byName.has(name)) this.byName.set(name, hs[0] as FleetHost);
    this.defaultHost = fx.defaultHost ? (this.byName.get(fx.defaultHost.toLowerCase()) as FleetHost) : (this.hosts[0] as FleetHost);
  }

  /**
   * A host whose fixture port was 0 now listens on `port`: requests arriving there are its own,
   * and `host.port` says which it is from now on.
   */
  bindPort(host: FleetHost, port: number): void {
    if (host.port !== undefined && host.port !== 0) this.byPort.delete(host.port);
    (host as { port: number | undefined }).port = port;
    this.byPort.set(port, host);
  }

  /** The host whose own listener is on this port. */
  hostOnPort(port: number): FleetHost | undefined {
    return this.byPort.get(port);
  }

  /** A host by FQDN (a trailing root dot allowed) or unambiguous NetBIOS name, case-insensitively. */
  host(name: string): FleetHost | undefined {
    // Most names arrive as the fleet spells them: try that before normalising.
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase().replace(/\.$/, ''));
  }
}

/**
 * Finds the account a user name designates on a host, in the forms Windows
 * accepts: `user`, `.\user`, `HOST\user`, `DOMAIN\user`, `user@dns.domain`,
 * `user@DOMAIN`. A bare name is looked up locally first, then in the domain.
 */
export function findAccount(host: FleetHost, userName: string): Account | undefined {
  let authority: string | undefined;
  let name = userName;
  const slash = userName.indexOf('\\');
  const at = userName.lastIndexOf('@');
  if (slash !== -1) {
    authority = userName.slice(0, slash);
    name = userName.slice(slash + 1);
  } else if (at !== -1) {
    name = userName.slice(0, at);
    authority = userName.slice(at + 1);
  }
  const lname = name.toLowerCase();
  const local = host.accounts.find((a) => a.name.toLowerCase() === lname);
  const domain = host.domain.accounts.find((a) => a.name.toLowerCase() === lname);
  if (authority === undefined) return local ?? domain;
  const auth = authority.toLowerCase();
  if (auth === '.' || auth === host.computerName.toLowerCase() || auth === host.fqdn) return local;
  if (auth === host.domain.name.toLowerCase() || auth === host.domain.dnsName) return domain;
  return undefined;
}
