/**
 * The real WS-Man handler, without HTTP, serving the default fleet with the
 * providers a test registers. For tests of WS-Man behaviour over classes whose
 * production provider comes in a later layer.
 */
import { loadSchemas } from '../../src/app';
import type { Fixture } from '../../src/config/fixture';
import { Fleet, type FleetHost } from '../../src/fleet/fleet';
import { IPAM_NAMESPACE } from '../../src/providers/namespace';
import { ProviderRegistry } from '../../src/providers/registry';
import type { CimProvider } from '../../src/providers/types';
import { EnumerationContexts } from '../../src/wsman/enumeration/contexts';
import { WsmanHandler } from '../../src/wsman/handler';
import { parseXml, type XmlElement } from '../../src/xml/parse';
import contoso from '../../fixtures/contoso.json';

export interface HandlerHarness {
  readonly fleet: Fleet;
  readonly enumerations: EnumerationContexts;
  send(xml: string, host?: FleetHost): Promise<{ status: number; xml: XmlElement; size: number }>;
  close(): void;
}

export function handlerWith(...providers: CimProvider[]): HandlerHarness {
  const registry = loadSchemas();
  const registered = new ProviderRegistry(registry);
  for (const p of providers) registered.register(IPAM_NAMESPACE, p);
  const fleet = new Fleet(contoso as Fixture);
  const enumerations = new EnumerationContexts();
  const handler = new WsmanHandler({
    registry,
    providers: registered,
    enumerations,
    onInternalError: (err) => {
      throw err;
    },
  });
  return {
    fleet,
    enumerations,
    async send(xml, host = fleet.defaultHost) {
      const out = await handler.handle({
        xml,
        host,
        principal: { name: 'Administrator', authority: 'IPAM1', groups: ['Administrators'] },
        userAgent: 'test',
        clientAddress: '127.0.0.1',
        events: { emit: () => undefined, prompt: async () => 'yes' },
        measure: (s) => Buffer.byteLength(s, 'utf8'),
      });
      if (out.kind !== 'reply') throw new Error('unexpected authentication challenge');
      return { status: out.status, xml: parseXml(out.body), size: Buffer.byteLength(out.body) };
    },
    close: () => enumerations.close(),
  };
}
