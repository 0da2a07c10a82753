/**
 * ConvertTo-Json (Microsoft.PowerShell.Utility, 5.1): collects its input, drops $null, and at the
 * end converts one object as itself or several as one array (json.ts). -Depth above 100 is a
 * terminating error, as in 5.1 (EnumsAsStrings and AsArray came with PowerShell 6 and 7).
 */
import type { PsCommand, PsCommandContext } from '../../runtime/commands';
import type { PsValue } from '../../runtime/values';
import { convertToJson, DEFAULT_JSON_DEPTH, JsonConversionError, MAX_JSON_DEPTH } from '../json';
import { FormatCommandError, InvocationState, switchOn, type FormatCommandsHost } from './support';

export function convertToJsonCommand(host: Pick<FormatCommandsHost, 'utcOffset'> = {}): PsCommand {
  const states = new InvocationState<PsValue[]>(() => []);
  const depthOf = (ctx: PsCommandContext): number => {
    const depth = ctx.bound.get('Depth');
    return typeof depth === 'number' ? depth : DEFAULT_JSON_DEPTH;
  };
  return {
    metadata: {
      name: 'ConvertTo-Json',
      module: 'Microsoft.PowerShell.Utility',
      commandType: 'Cmdlet',
      parameters: [
        { name: 'InputObject', type: 'object', sets: { __AllParameterSets: { mandatory: true, position: 0, valueFromPipeline: true } } },
        { name: 'Depth', type: 'int', validateRange: [1, 2147483647] },
        { name: 'Compress', type: 'switch' },
      ],
    },
    begin(ctx: PsCommandContext): void {
      if (depthOf(ctx) > MAX_JSON_DEPTH) {
        throw new FormatCommandError(
          ctx.errorRecord({
            exceptionType: 'System.InvalidOperationException',
            message: `The maximum depth allowed for serialization is ${MAX_JSON_DEPTH}.`,
            errorId: 'ReachedMaximumDepthAllowed',
            category: 'InvalidOperation',
          }),
        );
      }
    },
    process(ctx: PsCommandContext, input: PsValue | undefined): void {
      const value = input !== undefined ? input : ctx.bound.get('InputObject');
      if (value !== undefined && value !== null) states.get(ctx).push(value);
    },
    end(ctx: PsCommandContext): void {
      const inputs = states.get(ctx);
      states.delete(ctx);
      if (inputs.length === 0) return;
      const value = inputs.length > 1 ? inputs : (inputs[0] as PsValue);
      try {
        ctx.writeObject(convertToJson(value, { depth: depthOf(ctx), compress: switchOn(ctx, 'Compress'), ...(host.utcOffset ? { utcOffset: host.utcOffset } : {}) }));
      } catch (e) {
        if (!(e instanceof JsonConversionError)) throw e;
        throw new FormatCommandError(ctx.errorRecord({ exceptionType: 'System.InvalidOperationException', message: e.message, errorId: e.errorId, category: 'InvalidOperation', targetObject: value }));
      }
    },
  };
}
