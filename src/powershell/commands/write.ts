/**
 * The Write-* cmdlets (Microsoft.PowerShell.Utility) and Out-Null (Core): each
 * writes to its stream through the context, which applies the preferences.
 */
import { engineOf } from '../runtime/commandContext';
import type { PsCommand } from '../runtime/commands';
import { toStringPs } from '../runtime/conversions';
import { invocationAt } from '../runtime/errors';
import { ERROR_CATEGORIES, PsEnum, PsErrorRecord, PsObject, type PsErrorCategory, type PsValue } from '../runtime/values';
import { cmdlet, number, param, switchOn, text } from './define';

const UTILITY = 'Microsoft.PowerShell.Utility';
const CORE = 'Microsoft.PowerShell.Core';

const CONSOLE_COLORS: ReadonlyArray<readonly [string, number]> = [
  'Black',
  'DarkBlue',
  'DarkGreen',
  'DarkCyan',
  'DarkRed',
  'DarkMagenta',
  'DarkYellow',
  'Gray',
  'DarkGray',
  'Blue',
  'Green',
  'Cyan',
  'Red',
  'Magenta',
  'Yellow',
  'White',
].map((n, i) => [n, i] as const);

const ERROR_CATEGORY_TYPE = { enum: 'System.Management.Automation.ErrorCategory', values: ERROR_CATEGORIES.map((n, i) => [n, i] as const) };

const writeOutput = cmdlet(
  UTILITY,
  {
    name: 'Write-Output',
    implementingType: 'Microsoft.PowerShell.Commands.WriteOutputCommand',
    aliases: ['echo', 'write'],
    parameters: [param('InputObject', 'object', { position: 0, mandatory: true, pipeline: true, remaining: true, allowNull: true }), param('NoEnumerate', 'switch')],
  },
  {
    process(ctx) {
      const v = ctx.bound.get('InputObject');
      if (v !== undefined) ctx.writeObject(v, !switchOn(ctx, 'NoEnumerate'));
    },
  },
);

/** What Write-Host prints for an object: a collection's items joined by the separator. */
function hostText(v: PsValue | undefined, separator: string): string {
  if (v === undefined || v === null) return '';
  return Array.isArray(v) ? v.map((x) => hostText(x, separator)).join(separator) : toStringPs(v);
}

const writeHost = cmdlet(
  UTILITY,
  {
    name: 'Write-Host',
    implementingType: 'Microsoft.PowerShell.Commands.WriteHostCommand',
    parameters: [
      param('Object', 'object', { position: 0, pipeline: true, remaining: true, allowNull: true }),
      param('NoNewline', 'switch'),
      param('Separator', 'object'),
      param('ForegroundColor', { enum: 'System.ConsoleColor', values: CONSOLE_COLORS }),
      param('BackgroundColor', { enum: 'System.ConsoleColor', values: CONSOLE_COLORS }),
    ],
  },
  {
    process(ctx) {
      const separator = ctx.bound.has('Separator') ? toStringPs(ctx.bound.get('Separator') ?? null) : ' ';
      ctx.writeInformation(hostText(ctx.bound.get('Object'), separator), { fromHost: true, noNewLine: switchOn(ctx, 'NoNewline') });
    },
  },
);

const writeError = cmdlet(
  UTILITY,
  {
    name: 'Write-Error',
    implementingType: 'Microsoft.PowerShell.Commands.WriteErrorCommand',
    defaultParameterSet: 'NoException',
    parameters: [
      param('Message', 'string', { position: 0, mandatory: true, pipeline: true, set: 'NoException', aliases: ['Msg'], allowNull: true }),
      param('Exception', 'object', { mandatory: true, set: 'WithException' }),
      param('ErrorRecord', 'object', { mandatory: true, set: 'ErrorRecord' }),
      param('Category', ERROR_CATEGORY_TYPE, { set: ['NoException', 'WithException'] }),
      param('ErrorId', 'string', { set: ['NoException', 'WithException'] }),
      param('TargetObject', 'object', { set: ['NoException', 'WithException'] }),
      param('RecommendedAction', 'string'),
      param('CategoryActivity', 'string', { aliases: ['Activity'] }),
      param('CategoryReason', 'string', { aliases: ['Reason'] }),
      param('CategoryTargetName', 'string', { aliases: ['TargetName'] }),
      param('CategoryTargetType', 'string', { aliases: ['TargetType'] }),
    ],
  },
  {
    process(ctx) {
      const given = ctx.bound.get('ErrorRecord');
      if (given instanceof PsErrorRecord) {
        ctx.writeError(given);
        return;
      }
      const exception = ctx.bound.get('Exception');
      const exceptionType = exception instanceof PsObject ? (exception.typeNames[0] ?? 'System.Exception') : 'Microsoft.PowerShell.Commands.WriteErrorException';
      const message = exception instanceof PsObject ? toStringPs(exception.get('Message') ?? null) : exception !== undefined ? toStringPs(exception) : (text(ctx, 'Message') ?? '');
      const category = ctx.bound.get('Category');
      // Write-Error reports its caller: the function that called it, or the script at top level.
      const caller = engineOf(ctx).exec.caller;
      const record = new PsErrorRecord({
        exceptionType,
        message,
        errorId: text(ctx, 'ErrorId') ?? exceptionType,
        category: (category instanceof PsEnum ? category.name : 'NotSpecified') as PsErrorCategory,
        targetObject: ctx.bound.get('TargetObject'),
        targetName: text(ctx, 'CategoryTargetName'),
        targetType: text(ctx, 'CategoryTargetType'),
        activity: text(ctx, 'CategoryActivity') ?? 'Write-Error',
        reason: text(ctx, 'CategoryReason') ?? exceptionType.slice(exceptionType.lastIndexOf('.') + 1),
        invocation: caller?.at ? invocationAt(caller.at, caller.name) : { commandName: caller?.name, line: 0, column: 0, lineText: '', length: 0 },
        commandName: caller && !caller.isScript ? caller.name : undefined,
      });
      ctx.writeError(record);
    },
  },
);

function messageCmdlet(name: string, implementingType: string, write: (ctx: Parameters<NonNullable<PsCommand['process']>>[0], message: string) => void): PsCommand {
  return cmdlet(
    UTILITY,
    { name, implementingType, parameters: [param('Message', 'string', { position: 0, mandatory: true, pipeline: true, aliases: ['Msg'], allowNull: true })] },
    {
      process(ctx) {
        write(ctx, text(ctx, 'Message') ?? '');
      },
    },
  );
}

const writeInformation = cmdlet(
  UTILITY,
  {
    name: 'Write-Information',
    implementingType: 'Microsoft.PowerShell.Commands.WriteInformationCommand',
    parameters: [param('MessageData', 'object', { position: 0, mandatory: true, aliases: ['Msg', 'Message'], allowNull: true }), param('Tags', 'string[]', { position: 1 })],
  },
  {
    process(ctx) {
      ctx.writeInformation(toStringPs(ctx.bound.get('MessageData') ?? null), { fromHost: false });
    },
  },
);

const writeProgress = cmdlet(
  UTILITY,
  {
    name: 'Write-Progress',
    implementingType: 'Microsoft.PowerShell.Commands.WriteProgressCommand',
    parameters: [
      param('Activity', 'string', { position: 0, mandatory: true }),
      param('Status', 'string', { position: 1 }),
      param('Id', 'int', { position: 2 }),
      param('PercentComplete', 'int'),
      param('SecondsRemaining', 'int'),
      param('CurrentOperation', 'string'),
      param('ParentId', 'int'),
      param('Completed', 'switch'),
      param('SourceId', 'int'),
    ],
  },
  {
    process(ctx) {
      ctx.writeProgress({
        activityId: number(ctx, 'Id') ?? 0,
        parentActivityId: number(ctx, 'ParentId') ?? -1,
        activity: text(ctx, 'Activity') ?? '',
        statusDescription: text(ctx, 'Status') ?? 'Processing',
        currentOperation: text(ctx, 'CurrentOperation'),
        percentComplete: number(ctx, 'PercentComplete') ?? -1,
        secondsRemaining: number(ctx, 'SecondsRemaining') ?? -1,
        recordType: switchOn(ctx, 'Completed') ? 'Completed' : 'Processing',
      });
    },
  },
);

const outNull = cmdlet(
  CORE,
  { name: 'Out-Null', implementingType: 'Microsoft.PowerShell.Commands.OutNullCommand', parameters: [param('InputObject', 'object', { pipeline: true, allowNull: true })] },
  {
    process() {
      // Discards its input.
    },
  },
);

export const WRITE_COMMANDS: readonly PsCommand[] = [
  writeOutput,
  writeHost,
  writeError,
  messageCmdlet('Write-Warning', 'Microsoft.PowerShell.Commands.WriteWarningCommand', (ctx, m) => ctx.writeWarning(m)),
  messageCmdlet('Write-Verbose', 'Microsoft.PowerShell.Commands.WriteVerboseCommand', (ctx, m) => ctx.writeVerbose(m)),
  messageCmdlet('Write-Debug', 'Microsoft.PowerShell.Commands.WriteDebugCommand', (ctx, m) => ctx.writeDebug(m)),
  writeInformation,
  writeProgress,
];

export const OUT_NULL = outNull;

