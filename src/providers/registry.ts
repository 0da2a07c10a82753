import type { ClassRegistry } from '../cim/registry';
import type { ResolvedClass } from '../cim/types';
import type { CimProvider } from './types';

/** Which provider serves which class, looked up case-insensitively by namespace and class. */
export class ProviderRegistry {
  private readonly byKey = new Map<string, CimProvider>();

  constructor(private readonly classes: ClassRegistry) {}

  register(namespace: string, provider: CimProvider): this {
    for (const name of provider.classNames) {
      const cls = this.classes.getClass(namespace, name);
      if (!cls) throw new Error(`provider for ${name}: no such class in ${namespace}`);
      this.byKey.set(key(cls.namespace, cls.name), provider);
    }
    return this;
  }

  provider(cls: ResolvedClass): CimProvider | undefined {
    return this.byKey.get(key(cls.namespace, cls.name));
  }

  /**
   * The class and each of its subclasses that has a provider, for a deep
   * enumeration: enumerating CIM_ConcreteJob returns MSFT_IPAM_ConcreteJob instances.
   */
  served(cls: ResolvedClass): Array<{ cls: ResolvedClass; provider: CimProvider }> {
    const out: Array<{ cls: ResolvedClass; provider: CimProvider }> = [];
    for (const c of [cls, ...this.classes.subclasses(cls.namespace, cls.name)]) {
      const p = this.provider(c);
      if (p) out.push({ cls: c, provider: p });
    }
    return out;
  }
}

function key(ns: string, cls: string): string {
  return `${ns.toLowerCase()}|${cls.toLowerCase()}`;
}
