/**
 * $PSCmdlet in an advanced function ([CmdletBinding()]): ShouldProcess,
 * ShouldContinue, WriteError, ThrowTerminatingError, WriteVerbose … on the
 * function's own preferences (which -WhatIf, -Confirm, -ErrorAction set in its scope).
 */
import { isTrue, toStringPs } from './conversions';
import { PsRuntimeError, runtimeError } from './errors';
import { type Exec, preference } from './exec';
import { objectBehaviors, VOID } from './methods';
import type { ScriptFunction } from './functions';
import { PsEnum, PsErrorRecord, PsObject, type PsValue } from './values';

type Behavior = (name: string, args: readonly PsValue[]) => Promise<PsValue | typeof VOID | undefined>;

const IMPACT: Readonly<Record<string, number>> = { none: 0, low: 1, medium: 2, high: 3 };

export function makeScriptCmdlet(fn: ScriptFunction, exec: Exec, parameterSetName: string, emit: (v: PsValue) => void): PsObject {
  const cmdlet = new PsObject(['System.Management.Automation.PSScriptCmdlet', 'System.Management.Automation.PSCmdlet', 'System.Object'], [['ParameterSetName', parameterSetName]], {
    text: 'System.Management.Automation.PSScriptCmdlet',
  });
  const variable = (name: string): PsValue | undefined => exec.scope.lookup(name)?.value;
  /** A prompt from script code: a refusal surfaces as the method call's exception, as in PowerShell. */
  const prompt = async (method: string, argc: number, caption: string, message: string): Promise<boolean> => {
    try {
      return await exec.engine.prompt(caption, message);
    } catch (e) {
      if (!(e instanceof PsRuntimeError)) throw e;
      throw runtimeError({
        message: `Exception calling "${method}" with "${argc}" argument(s): "${e.record.message}"`,
        errorId: 'PSInvalidOperationException',
        category: 'NotSpecified',
        exceptionType: 'System.Management.Automation.MethodInvocationException',
        innerExceptionType: 'System.Management.Automation.PSInvalidOperationException',
      });
    }
  };
  const behavior: Behavior = async (name, args) => {
    const arg = (i: number): string => toStringPs(args[i] ?? null);
    switch (name.toLowerCase()) {
      case 'shouldprocess': {
        const target = arg(0);
        const action = args.length > 1 ? arg(1) : fn.name;
        if (isTrue(variable('WhatIfPreference') ?? false)) {
          exec.sink.information(`What if: Performing the operation "${action}" on target "${target}".`, { fromHost: true, noNewLine: false });
          return false;
        }
        const pref = variable('ConfirmPreference');
        const prefName = (pref instanceof PsEnum ? pref.name : toStringPs(pref ?? 'High')).toLowerCase();
        const impact = IMPACT[(fn.confirmImpact ?? 'Medium').toLowerCase()];
        if (prefName === 'none' || impact < (IMPACT[prefName] ?? 3)) return true;
        return prompt('ShouldProcess', args.length, 'Confirm', `Are you sure you want to perform this action?\nPerforming the operation "${action}" on target "${target}".`);
      }
      case 'shouldcontinue':
        return prompt('ShouldContinue', args.length, arg(1), arg(0));
      case 'writeerror':
      case 'throwterminatingerror': {
        const record = args[0];
        if (!(record instanceof PsErrorRecord)) return undefined;
        if (name.toLowerCase() === 'throwterminatingerror') throw new PsRuntimeError(record);
        exec.engine.errorsWritten++;
        const action = preference(exec, 'ErrorActionPreference', 'Continue');
        if (action === 'Stop') throw new PsRuntimeError(record, { stop: true });
        if (action !== 'Ignore') exec.engine.recordError(record);
        if (action === 'Continue') exec.sink.error(record);
        return VOID;
      }
      case 'writeverbose':
        if (preference(exec, 'VerbosePreference', 'SilentlyContinue') === 'Continue') exec.sink.verbose(arg(0));
        return VOID;
      case 'writewarning':
        if (preference(exec, 'WarningPreference', 'Continue') === 'Continue') exec.sink.warning(arg(0));
        return VOID;
      case 'writedebug':
        if (preference(exec, 'DebugPreference', 'SilentlyContinue') === 'Continue') exec.sink.debug(arg(0));
        return VOID;
      case 'writeobject':
        emit(args[0] ?? null);
        return VOID;
      default:
        return undefined;
    }
  };
  objectBehaviors.set(cmdlet, behavior);
  return cmdlet;
}
