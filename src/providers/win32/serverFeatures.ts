/**
 * Win32_ServerFeature: the roles and features installed on the host that have a
 * documented ID (fleet/windowsFeatures.ts), with the parent's ID (0 at the top).
 */
import type { CimInstance, ResolvedClass } from '../../cim/types';
import { instanceOf } from '../../cim/values';
import { windowsFeature } from '../../fleet/windowsFeatures';
import type { CimProvider, ProviderContext } from '../types';
import type { HostFacts } from './hostFacts';

export class ServerFeatureProvider implements CimProvider {
  readonly classNames = ['Win32_ServerFeature'];

  constructor(private readonly facts: HostFacts) {}

  async enumerateInstances(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    return this.facts.features
      .installed(ctx.host)
      .filter((f) => f.id !== undefined)
      .map((f) => instanceOf(cls, { ID: f.id, ParentID: (f.parent && windowsFeature(f.parent)?.id) ?? 0, Name: f.displayName }));
  }
}
