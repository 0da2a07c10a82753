/**
 * Which Windows features each host has installed: what the fixture starts it with
 * (the base installation, and IPAM unless `ipam.feature` is "available") plus what
 * Install-WindowsFeature added since. The IPAM Server feature decides whether the
 * host has the IpamServer module and the root/Microsoft/IPAM namespace.
 */
import { SystemClock, type Clock } from '../harness/clock';
import type { FeatureStore } from '../storage/featureStore';
import type { FleetHost } from './fleet';
import { initialFeatures, installClosure, IPAM_FEATURE, WINDOWS_FEATURES, type WindowsFeature } from './windowsFeatures';

export interface InstallResult {
  /** Features this call installed, in catalog order. */
  readonly installed: readonly WindowsFeature[];
  /** Everything asked for (with what it brings along) was installed already. */
  readonly noChangeNeeded: boolean;
}

export class HostFeatures {
  /** What each host has, read once: every CIM request to root/Microsoft/IPAM asks (whether the namespace exists). */
  private readonly cache = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly store: FeatureStore,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  installedNames(host: FleetHost): ReadonlySet<string> {
    let names = this.cache.get(host.fqdn);
    if (!names) {
      const set = new Set(initialFeatures(host.ipamFeature));
      for (const n of this.store.installed(host.fqdn)) set.add(n);
      names = set;
      this.cache.set(host.fqdn, names);
    }
    return names;
  }

  /** Installed features in catalog order. */
  installed(host: FleetHost): WindowsFeature[] {
    const names = this.installedNames(host);
    return WINDOWS_FEATURES.filter((f) => names.has(f.name));
  }

  isInstalled(host: FleetHost, name: string): boolean {
    const names = this.installedNames(host);
    if (names.has(name)) return true;
    const wanted = name.toLowerCase();
    for (const n of names) if (n.toLowerCase() === wanted) return true;
    return false;
  }

  hasIpam(host: FleetHost): boolean {
    return this.isInstalled(host, IPAM_FEATURE);
  }

  /** Installs `names` (known catalog names) with their parents and requirements. */
  install(host: FleetHost, names: readonly string[], includeManagementTools: boolean, at = this.clock.date()): InstallResult {
    const have = this.installedNames(host);
    const added = installClosure(names, includeManagementTools).filter((f) => !have.has(f.name));
    if (added.length > 0) {
      this.store.add(host.fqdn, added.map((f) => f.name), at);
      this.cache.delete(host.fqdn);
    }
    return { installed: added, noChangeNeeded: added.length === 0 };
  }

  /** Forgets what was read, after the store's rows were replaced under it (a snapshot restored). */
  forgetCached(): void {
    this.cache.clear();
  }

  reset(host: FleetHost): void {
    this.store.forget(host.fqdn);
    this.cache.delete(host.fqdn);
  }
}
