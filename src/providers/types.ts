/**
 * The provider contract: one provider per CIM class family turns CIM operations
 * into domain calls. Providers see typed CIM values, never XML or HTTP.
 */
import type { ClassRegistry } from '../cim/registry';
import type { CimInstance, CimReference, CimValue, ResolvedClass, ResolvedMethod } from '../cim/types';
import type { FleetHost, Principal } from '../fleet/fleet';
import type { EventSink } from '../provisioning/events';

/** Interactive events (MS-WSMV 2.2.4.47) are the engine's own events; how they travel is the transport's business. */
export type { EventSink, OperationEvent, PromptAnswer, PromptEvent } from '../provisioning/events';

/** What the client asked for through MI operation options (reference/powershell-cim-client.md §3). */
export interface CallOptions {
  /** __MI_OPERATIONOPTIONS_PROMPTUSERMODE: 0 Report (WhatIf), 1 Inquire, 2 Ignore. */
  readonly promptUserMode: number | undefined;
  readonly promptUserAck: boolean | undefined;
  /** Any other option by lower-cased name (values as text). */
  readonly raw: ReadonlyMap<string, readonly string[]>;
}

export interface ProviderContext {
  readonly host: FleetHost;
  readonly principal: Principal;
  /** The client's address, for per-client concurrency figures. */
  readonly clientAddress: string;
  readonly registry: ClassRegistry;
  readonly events: EventSink;
  readonly options: CallOptions;
  /** Aborted when the operation times out (the client has then been told w:TimedOut). */
  readonly signal: AbortSignal;
}

export interface MethodCall {
  readonly cls: ResolvedClass;
  readonly method: ResolvedMethod;
  /** The instance the method is invoked on; null for a static call. */
  readonly target: CimReference | null;
  /** In-parameters given, by declared name (absent ones are not in the map). */
  readonly params: ReadonlyMap<string, CimValue>;
}

export interface MethodResult {
  readonly returnValue: number;
  /** Out-parameters by declared name, as plain values coerced by their declarations. */
  readonly out?: Readonly<Record<string, unknown>>;
}

export interface CimProvider {
  /** The classes this provider serves (in the namespace it is registered for). */
  readonly classNames: readonly string[];
  /** All instances of `cls` on the host (not of its subclasses: the caller asks each class). */
  enumerateInstances(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]>;
  /** One instance by its key values, or undefined. Default: search enumerateInstances. */
  getInstance?(ctx: ProviderContext, cls: ResolvedClass, ref: CimReference): Promise<CimInstance | undefined>;
  /** Several instances by their keys at once (a Pull's page), in order; undefined where one is gone. Default: getInstance each. */
  getInstances?(ctx: ProviderContext, cls: ResolvedClass, refs: readonly CimReference[]): Promise<ReadonlyArray<CimInstance | undefined>>;
  /**
   * The references of every instance enumerateInstances would return, in the same order, without
   * building the instances: with getInstance, an unfiltered enumeration then holds only keys.
   */
  enumerateReferences?(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimReference[]>;
  /** Invokes a method of `call.cls`; throws CimError for failures. */
  invokeMethod?(ctx: ProviderContext, call: MethodCall): Promise<MethodResult>;
}
