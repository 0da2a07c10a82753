/**
 * A WS-Man plugin: a resource URI that is not a CIM class, served by a part of
 * its own (as WinRM's plugins are: the WMI provider, the Shell cmd plugin). The
 * handler parses and authenticates the request, then hands it over whole.
 */
import type { EnvelopeLog } from './handler';
import type { OperationContext } from './ops/context';
import type { WsmanRequest } from './request';

export interface WsmanPlugin {
  /** The resource URI it serves, compared case-insensitively. */
  readonly resourceUri: string;
  /** Serves one request; returns the reply envelope, or throws a WsmanFault or CimError. Sets log.op. */
  handle(ctx: OperationContext, log: EnvelopeLog): Promise<string>;
  /** What the request journal and its near misses may know of this plugin's requests (docs/journal.md). */
  readonly journal?: PluginJournal;
}

export interface PluginJournal {
  /** The door's name in journal entries (e.g. 'shell'). */
  readonly door: string;
  /** The Actions it serves, for "did you mean" on an unknown one. */
  readonly actions: readonly string[];
  /** The selectors it reads. */
  readonly selectors: readonly string[];
  /** The operation a request is (Create, Command…) and what of its body may be kept: never a secret. */
  describe(req: WsmanRequest): { readonly operation?: string; readonly parameters?: Readonly<Record<string, string>> };
}
