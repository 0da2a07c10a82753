/**
 * What the formatting cmdlets need from the session, and the little they share.
 */
import type { PsCommandContext, PsFormatView } from '../../runtime/commands';
import { PsSwitch, type PsErrorRecord, type PsValue } from '../../runtime/values';
import type { UtcOffset } from '../dates';

/** The session's side of the formatting cmdlets. */
export interface FormatCommandsHost {
  /** $Host.UI.RawUI.BufferSize.Width (120 on a Server 2022 WinRS console). */
  bufferWidth(ctx: PsCommandContext): number;
  /** The views of the modules loaded in the session; default: ctx.getFormatViews(). */
  views?(ctx: PsCommandContext): readonly PsFormatView[];
  /** Writes console text (lines already ending in CRLF) for Out-Default and Out-Host. */
  writeToHost(ctx: PsCommandContext, text: string): void;
  /** $FormatEnumerationLimit; default 4. */
  enumerationLimit?(ctx: PsCommandContext): number;
  readonly utcOffset?: UtcOffset;
  readonly clock?: () => number;
}

/**
 * The runtime is to add getFormatViews() to PsCommandContext; until commands.ts has it, this
 * is the one place that reaches for it.
 */
export function sessionViews(host: FormatCommandsHost, ctx: PsCommandContext): readonly PsFormatView[] {
  if (host.views) return host.views(ctx);
  const withViews = ctx as PsCommandContext & { getFormatViews?: () => readonly PsFormatView[] };
  return withViews.getFormatViews?.() ?? [];
}

/**
 * A terminating error raised by a formatting cmdlet (ThrowTerminatingError). commands.ts
 * mentions a PsRuntimeError it does not define yet; this carries the record the same way.
 */
export class FormatCommandError extends Error {
  constructor(readonly errorRecord: PsErrorRecord) {
    super(errorRecord.message);
    this.name = 'FormatCommandError';
  }
}

/**
 * Per-invocation state of a command object that the session shares between invocations,
 * keyed by the invocation's context (one context serves begin, process and end).
 */
export class InvocationState<T> {
  readonly #states = new WeakMap<PsCommandContext, T>();

  constructor(private readonly create: (ctx: PsCommandContext) => T) {}

  get(ctx: PsCommandContext): T {
    let state = this.#states.get(ctx);
    if (state === undefined) {
      state = this.create(ctx);
      this.#states.set(ctx, state);
    }
    return state;
  }

  delete(ctx: PsCommandContext): void {
    this.#states.delete(ctx);
  }
}

/** The pipeline input, or -InputObject when the command was given no pipeline input. */
export function inputOf(ctx: PsCommandContext, input: PsValue | undefined): PsValue | undefined {
  return input !== undefined ? input : ctx.bound.get('InputObject');
}

export function switchOn(ctx: PsCommandContext, name: string): boolean {
  const v = ctx.bound.get(name);
  if (v === undefined || v === null) return false;
  if (v instanceof PsSwitch) return v.isPresent;
  return v === true;
}
