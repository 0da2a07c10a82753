/**
 * Small helpers for declaring the core cmdlets: parameters in one line each, and
 * per-invocation state (a PsCommand object is shared by every invocation).
 */
import { ALL_PARAMETER_SETS, type PsCommand, type PsCommandContext, type PsCommandMetadata, type PsParameter, type PsParameterInSet, type PsParameterType } from '../runtime/commands';
import { isTrue, toStringPs } from '../runtime/conversions';
import { PsSwitch, type PsValue } from '../runtime/values';

export interface ParamOptions {
  readonly position?: number;
  readonly mandatory?: boolean;
  readonly pipeline?: boolean;
  readonly byPropertyName?: boolean;
  readonly remaining?: boolean;
  /** The parameter set(s) it belongs to; default all. */
  readonly set?: string | readonly string[];
  readonly aliases?: readonly string[];
  readonly validateSet?: readonly string[];
  readonly validateRange?: readonly [number, number];
  readonly notNullOrEmpty?: boolean;
  readonly allowNull?: boolean;
}

export function param(name: string, type: PsParameterType, o: ParamOptions = {}): PsParameter {
  const inSet: PsParameterInSet = {
    mandatory: o.mandatory,
    position: o.position,
    valueFromPipeline: o.pipeline,
    valueFromPipelineByPropertyName: o.byPropertyName,
    valueFromRemainingArguments: o.remaining,
  };
  const setNames = o.set === undefined ? [ALL_PARAMETER_SETS] : typeof o.set === 'string' ? [o.set] : o.set;
  return {
    name,
    type,
    aliases: o.aliases,
    sets: Object.fromEntries(setNames.map((s) => [s, inSet])),
    validateSet: o.validateSet,
    validateRange: o.validateRange,
    validateNotNullOrEmpty: o.notNullOrEmpty,
    allowNull: o.allowNull,
  };
}

type Handlers = Pick<PsCommand, 'begin' | 'process' | 'end'>;

/** A cmdlet of `module`. */
export function cmdlet(module: string, metadata: Omit<PsCommandMetadata, 'module' | 'commandType'>, handlers: Handlers): PsCommand {
  return { metadata: { ...metadata, module, commandType: 'Cmdlet' }, ...handlers };
}

const state = new WeakMap<PsCommandContext, unknown>();

/** State that lives for one invocation of a command (from begin to end). */
export function perInvocation<T>(ctx: PsCommandContext, make: () => T): T {
  if (!state.has(ctx)) state.set(ctx, make());
  return state.get(ctx) as T;
}

export function switchOn(ctx: PsCommandContext, name: string): boolean {
  const v = ctx.bound.get(name);
  return v instanceof PsSwitch ? v.isPresent : v !== undefined && isTrue(v);
}

export function text(ctx: PsCommandContext, name: string): string | undefined {
  const v = ctx.bound.get(name);
  return v === undefined || v === null ? undefined : toStringPs(v);
}

export function number(ctx: PsCommandContext, name: string): number | undefined {
  const v = ctx.bound.get(name);
  return typeof v === 'number' ? v : undefined;
}

export function list(v: PsValue | undefined): PsValue[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}
