/**
 * A WS-Man plugin: a resource URI that is not a CIM class, served by a part of
 * its own (as WinRM's plugins are: the WMI provider, the Shell cmd plugin). The
 * handler parses and authenticates the request, then hands it over whole.
 */
import type { EnvelopeLog } from './handler';
import type { OperationContext } from './ops/context';

export interface WsmanPlugin {
  /** The resource URI it serves, compared case-insensitively. */
  readonly resourceUri: string;
  /** Serves one request; returns the reply envelope, or throws a WsmanFault or CimError. Sets log.op. */
  handle(ctx: OperationContext, log: EnvelopeLog): Promise<string>;
}
