/**
 * What every operation gets: the parsed request, the host and principal it is
 * for, the services, and helpers to build codec and provider contexts.
 */
import type { ClassRegistry } from '../../cim/registry';
import type { CodecContext } from '../../cim/valueCodec';
import type { FleetHost, Principal } from '../../fleet/fleet';
import type { ProviderRegistry } from '../../providers/registry';
import type { CallOptions, EventSink, ProviderContext } from '../../providers/types';
import type { EnumerationContexts } from '../enumeration/contexts';
import { readEpr, writeEprContent } from '../epr';
import type { ReplyContext } from '../reply';
import { optionFlag, optionValue, type WsmanRequest } from '../request';
import { classUri, resolveResource, type ResolvedResource, type UriForm } from '../resource';

export interface WsmanServices {
  readonly registry: ClassRegistry;
  readonly providers: ProviderRegistry;
  readonly enumerations: EnumerationContexts;
  /** Whether a namespace exists on a host (undefined: every registered one everywhere). */
  readonly namespaceVisible?: (host: FleetHost, namespace: string) => boolean;
}

export interface OperationContext {
  readonly req: WsmanRequest;
  readonly host: FleetHost;
  readonly principal: Principal;
  readonly services: WsmanServices;
  readonly reply: ReplyContext;
  readonly userAgent: string | undefined;
  readonly clientAddress: string;
  readonly events: EventSink;
  readonly signal: AbortSignal;
  /** Largest reply, in bytes of the reply encoding (request MaxEnvelopeSize clamped to the host's limit). */
  readonly maxReplyBytes: number;
  /** Size in bytes of a string in the reply encoding. */
  readonly measure: (s: string) => number;
}

/**
 * Codec settings for a reply. omicli ("xplat http client") reads any child of a
 * property as an embedded instance, so it gets datetimes as plain CIM text, as
 * OMI's own server does (wsbuf.c _PackFieldDatetime); every other client gets
 * Windows' cim:Datetime / cim:Interval wrappers.
 */
export function codecFor(
  ctx: Pick<OperationContext, 'userAgent'> & { readonly services: Pick<WsmanServices, 'registry'> },
  form: UriForm,
  typedValues = false,
): CodecContext {
  const registry = ctx.services.registry;
  return {
    datetimeWrapper: !/^xplat/i.test(ctx.userAgent ?? ''),
    typedValues,
    classUri: (className, namespace) => classUri(form, namespace, className),
    writeReference: (w, ref) => writeEprContent(w, ref, form),
    readReference: (el) => readEpr(registry, el),
    lookupClass: (namespace, className) => registry.getClass(namespace, className),
  };
}

/** The request's resource, resolved for its host: a namespace the host lacks does not exist there. */
export function resolveFor(ctx: OperationContext): ResolvedResource {
  const visible = ctx.services.namespaceVisible;
  return resolveResource(ctx.services.registry, ctx.req.resourceUri, ctx.req.selectors, visible ? (ns) => visible(ctx.host, ns) : undefined);
}

/** The MI operation options a provider may care about (reference/powershell-cim-client.md §3). */
export function callOptions(req: WsmanRequest): CallOptions {
  const mode = optionValue(req, '__MI_OPERATIONOPTIONS_PROMPTUSERMODE');
  const raw = new Map<string, readonly string[]>();
  for (const [k, o] of req.options) raw.set(k, o.values);
  return {
    promptUserMode: mode !== undefined && /^\d+$/.test(mode.trim()) ? Number(mode.trim()) : undefined,
    promptUserAck: optionFlag(req, '__MI_OPERATIONOPTIONS_PROMPTUSERMODEREGULAR_ACKVALUE'),
    raw,
  };
}

export function providerContext(ctx: OperationContext): ProviderContext {
  return {
    host: ctx.host,
    principal: ctx.principal,
    clientAddress: ctx.clientAddress,
    registry: ctx.services.registry,
    events: ctx.events,
    options: callOptions(ctx.req),
    signal: ctx.signal,
  };
}
