/**
 * Out-Default and Out-Host (Microsoft.PowerShell.Core) write formatted text to the console;
 * Out-String (Microsoft.PowerShell.Utility) returns it: one string holding every line with its
 * CRLF (an empty string for no input), or with -Stream each line as its own string. Out-String
 * lays lines out on -Width cells, else on the console's buffer width - 1. Out-Host -Paging is
 * accepted and ignored (a WinRS console cannot page).
 */
import type { PsCommand, PsCommandContext } from '../../runtime/commands';
import type { PsValue } from '../../runtime/values';
import { joinLines, OutDefaultFormatter, type OutputFormatOptions } from '../outDefault';
import { inputOf, InvocationState, sessionViews, switchOn, type FormatCommandsHost } from './support';

const CORE = 'Microsoft.PowerShell.Core';
const UTILITY = 'Microsoft.PowerShell.Utility';

function formatOptions(host: FormatCommandsHost, ctx: PsCommandContext, columns?: number): OutputFormatOptions {
  return {
    bufferWidth: host.bufferWidth(ctx),
    views: sessionViews(host, ctx),
    ...(columns !== undefined ? { columns } : {}),
    ...(host.enumerationLimit ? { enumerationLimit: host.enumerationLimit(ctx) } : {}),
    ...(host.utcOffset ? { utcOffset: host.utcOffset } : {}),
    ...(host.clock ? { clock: host.clock } : {}),
  };
}

function hostWriter(name: 'Out-Default' | 'Out-Host', host: FormatCommandsHost): PsCommand {
  const states = new InvocationState((ctx) => new OutDefaultFormatter(formatOptions(host, ctx)));
  return {
    metadata: {
      name,
      module: CORE,
      commandType: 'Cmdlet',
      parameters: [
        name === 'Out-Default' ? { name: 'Transcript', type: 'switch' } : { name: 'Paging', type: 'switch' },
        { name: 'InputObject', type: 'object', sets: { __AllParameterSets: { valueFromPipeline: true } } },
      ],
      ...(name === 'Out-Host' ? { aliases: ['oh'] } : {}),
    },
    process(ctx: PsCommandContext, input: PsValue | undefined): void {
      const text = states.get(ctx).write(inputOf(ctx, input));
      if (text !== '') host.writeToHost(ctx, text);
    },
    end(ctx: PsCommandContext): void {
      const text = states.get(ctx).end();
      states.delete(ctx);
      if (text !== '') host.writeToHost(ctx, text);
    },
  };
}

export function outDefaultCommand(host: FormatCommandsHost): PsCommand {
  return hostWriter('Out-Default', host);
}

export function outHostCommand(host: FormatCommandsHost): PsCommand {
  return hostWriter('Out-Host', host);
}

interface OutStringState {
  readonly formatter: OutDefaultFormatter;
  readonly stream: boolean;
  readonly lines: string[];
}

export function outStringCommand(host: FormatCommandsHost): PsCommand {
  const states = new InvocationState<OutStringState>((ctx) => {
    const width = ctx.bound.get('Width');
    // Out-String -Width N writes N cells a line; without it, one less than the console's buffer.
    const columns = typeof width === 'number' ? width : undefined;
    return { formatter: new OutDefaultFormatter(formatOptions(host, ctx, columns)), stream: switchOn(ctx, 'Stream'), lines: [] };
  });
  const emit = (ctx: PsCommandContext, state: OutStringState, lines: readonly string[]): void => {
    if (state.stream) for (const line of lines) ctx.writeObject(line);
    else state.lines.push(...lines);
  };
  return {
    metadata: {
      name: 'Out-String',
      module: UTILITY,
      commandType: 'Cmdlet',
      parameters: [
        { name: 'Stream', type: 'switch' },
        { name: 'Width', type: 'int', validateRange: [2, 2147483647] },
        { name: 'InputObject', type: 'object', sets: { __AllParameterSets: { valueFromPipeline: true } } },
      ],
    },
    process(ctx: PsCommandContext, input: PsValue | undefined): void {
      const state = states.get(ctx);
      emit(ctx, state, state.formatter.writeLines(inputOf(ctx, input)));
    },
    end(ctx: PsCommandContext): void {
      const state = states.get(ctx);
      states.delete(ctx);
      emit(ctx, state, state.formatter.endLines());
      if (!state.stream) ctx.writeObject(joinLines(state.lines));
    },
  };
}
