/**
 * Parameter binding, following PowerShell's order (CmdletParameterBinderController):
 * named arguments (exact name or alias, else a unique prefix), then positional
 * arguments by position within the sets still possible, then the parameter set is
 * resolved and mandatory parameters checked; pipeline input binds per object
 * (ValueFromPipeline, then ByPropertyName). Every failure is a
 * ParameterBindingException record with PowerShell's text (ParameterBinderStrings.resx),
 * category InvalidArgument and the command's name as activity, raised before the command runs.
 */
import { ALL_PARAMETER_SETS, type PsParameter, type PsParameterInSet } from './commands';
import { toStringPs } from './conversions';
import { PsRuntimeError, invocationAt, type ScriptPosition } from './errors';
import { getProperty } from './members';
import { COMMON_NAMES, COMMON_PARAMETERS, SHOULD_PROCESS_PARAMETERS, parameterTypeName } from './parameterTypes';
import { convertArgument, shownArgument, takesAsIs } from './argumentConversion';
import type { TypeRegistry } from './types';
import { PsErrorRecord, PsEnum, PsObject, PsSwitch, type PsValue } from './values';

/** What the binder needs to know of a command. */
export interface BindableCommand {
  /** As Get-Command shows it: 'Invoke-IpamServerProvisioning'. */
  readonly name: string;
  /** For the FullyQualifiedErrorId: a cmdlet's class ('Microsoft.PowerShell.Commands.WriteOutputCommand'), else the name. */
  readonly errorSource: string;
  readonly parameters: readonly PsParameter[];
  readonly defaultParameterSet?: string;
  readonly supportsShouldProcess?: boolean;
  /** Cmdlets and advanced functions take the common parameters; simple functions do not. */
  readonly commonParameters: boolean;
  /** Simple functions and script blocks: what binds nowhere goes to $args instead of failing. */
  readonly collectsUnbound: boolean;
}

/** One argument of a command as written, evaluated. */
export type BindArgument =
  | {
      readonly kind: 'parameter';
      /** As written, without the dash and colon. */
      readonly name: string;
      /** `-Name:value` or a splatted hashtable entry: the value is given, whatever the parameter's type. */
      readonly value?: PsValue;
      readonly hasValue: boolean;
      readonly at: ScriptPosition;
      readonly valueAt?: ScriptPosition;
    }
  | { readonly kind: 'value'; readonly value: PsValue; readonly at: ScriptPosition };

export interface CommonParameterValues {
  errorAction?: string;
  warningAction?: string;
  informationAction?: string;
  verbose?: boolean;
  debug?: boolean;
  whatIf?: boolean;
  confirm?: boolean;
  errorVariable?: string;
  warningVariable?: string;
  informationVariable?: string;
  outVariable?: string;
  pipelineVariable?: string;
}

export interface BindResult {
  /** The parameter sets still possible (the chosen one first once resolved). */
  sets: string[];
  /** Converted values by declared name. */
  readonly values: Map<string, PsValue>;
  readonly common: CommonParameterValues;
  /** Arguments no parameter took (only for commands that collect them: $args). */
  readonly unbound: PsValue[];
}

export interface BinderHost {
  readonly types: TypeRegistry;
  /** Where the command is, for errors that are about the command as a whole. */
  readonly commandAt: ScriptPosition;
}

export function bindingError(command: BindableCommand, errorId: string, message: string, at: ScriptPosition, targetObject?: PsValue): PsRuntimeError {
  return new PsRuntimeError(
    new PsErrorRecord({
      exceptionType: 'System.Management.Automation.ParameterBindingException',
      message,
      errorId,
      category: 'InvalidArgument',
      activity: command.name,
      targetObject,
      commandName: command.errorSource,
      invocation: invocationAt(at, command.name),
    }),
  );
}

/** The sets a parameter is in; `__AllParameterSets` means every set. */
function setsOf(p: PsParameter): Readonly<Record<string, PsParameterInSet>> {
  return p.sets ?? { [ALL_PARAMETER_SETS]: {} };
}

function inSet(p: PsParameter, set: string): PsParameterInSet | undefined {
  const sets = setsOf(p);
  return sets[set] ?? sets[ALL_PARAMETER_SETS];
}

/** The named sets of a command (or the all-sets pseudo set when none is named). */
export function parameterSetNames(command: BindableCommand): string[] {
  const names = new Set<string>();
  for (const p of command.parameters) for (const s of Object.keys(setsOf(p))) if (s !== ALL_PARAMETER_SETS) names.add(s);
  if (names.size === 0) names.add(command.defaultParameterSet ?? ALL_PARAMETER_SETS);
  const list = [...names];
  const d = command.defaultParameterSet;
  return d && list.includes(d) ? [d, ...list.filter((n) => n !== d)] : list;
}

export class ParameterBinder {
  readonly #all: PsParameter[];

  constructor(
    readonly command: BindableCommand,
    readonly host: BinderHost,
  ) {
    this.#all = [...command.parameters];
    if (command.commonParameters) {
      this.#all.push(...COMMON_PARAMETERS);
      if (command.supportsShouldProcess) this.#all.push(...SHOULD_PROCESS_PARAMETERS);
    }
  }

  private error(errorId: string, message: string, at: ScriptPosition = this.host.commandAt): PsRuntimeError {
    return bindingError(this.command, errorId, message, at);
  }

  /** The parameter a written name means: exact name or alias, else a unique prefix of names and aliases. */
  private resolveName(written: string, at: ScriptPosition): PsParameter | undefined {
    const lower = written.toLowerCase();
    const exact = this.#all.find((p) => p.name.toLowerCase() === lower || p.aliases?.some((a) => a.toLowerCase() === lower));
    if (exact) return exact;
    const matches = this.#all.filter((p) => p.name.toLowerCase().startsWith(lower) || p.aliases?.some((a) => a.toLowerCase().startsWith(lower)));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw this.error('AmbiguousParameter', `Parameter cannot be processed because the parameter name '${written}' is ambiguous. Possible matches include:${matches.map((m) => ` -${m.name}`).join('')}.`, at);
    }
    return undefined;
  }

  /** Binds the arguments written on the command line. `expectsInput`: a pipeline will feed the command. */
  bindArguments(args: readonly BindArgument[], expectsInput: boolean): BindResult {
    const values = new Map<string, PsValue>();
    const common: CommonParameterValues = {};
    const unbound: PsValue[] = [];
    const positional: Array<{ value: PsValue; at: ScriptPosition }> = [];
    const bound = new Set<PsParameter>();
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg.kind === 'value') {
        positional.push({ value: arg.value, at: arg.at });
        continue;
      }
      const p = this.resolveName(arg.name, arg.at);
      if (!p) {
        if (this.command.collectsUnbound) {
          unbound.push(`-${arg.name}${arg.hasValue && arg.value !== undefined ? ':' : ''}`);
          if (arg.hasValue && arg.value !== undefined) unbound.push(arg.value);
          continue;
        }
        throw this.error('NamedParameterNotFound', `A parameter cannot be found that matches parameter name '${arg.name}'.`, arg.at);
      }
      if (bound.has(p)) {
        throw this.error(
          'ParameterAlreadyBound',
          `Cannot bind parameter because parameter '${p.name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`,
          arg.at,
        );
      }
      let value: PsValue;
      let valueAt = arg.valueAt ?? arg.at;
      if (arg.hasValue) {
        if (arg.value === undefined) throw this.missingArgument(p, arg.at);
        value = arg.value;
      } else if (p.type === 'switch') {
        value = true;
      } else {
        const next = args[i + 1];
        if (!next || next.kind !== 'value') throw this.missingArgument(p, arg.at);
        value = next.value;
        valueAt = next.at;
        i++;
      }
      bound.add(p);
      this.store(p, value, valueAt, values, common);
    }
    let sets = this.candidateSets(bound);
    // Positional arguments go to the unbound parameters with a position, lowest first;
    // what is left goes to a ValueFromRemainingArguments parameter, if the command has one.
    let rest: { p: PsParameter; values: PsValue[]; at: ScriptPosition } | undefined;
    for (const { value, at } of positional) {
      const target = rest ? undefined : this.nextPositional(sets, bound, value);
      if (!target) {
        const collector = rest?.p ?? this.remainingParameter(sets);
        if (collector) {
          rest ??= { p: collector, values: [], at };
          rest.values.push(value);
          if (!bound.has(collector)) {
            bound.add(collector);
            sets = sets.filter((s) => inSet(collector, s));
          }
          continue;
        }
        if (this.command.collectsUnbound) {
          unbound.push(value);
          continue;
        }
        throw this.error('PositionalParameterNotFound', `A positional parameter cannot be found that accepts argument '${shownArgument(value)}'.`, at);
      }
      bound.add(target);
      this.store(target, value, at, values, common);
      sets = sets.filter((s) => inSet(target, s));
    }
    if (rest) {
      // A parameter that also has a position got the first argument; the rest join it.
      const first = values.get(rest.p.name);
      const all = first === undefined ? rest.values : [...(Array.isArray(first) ? first : [first]), ...rest.values];
      this.store(rest.p, all.length === 1 ? all[0] : all, rest.at, values, common);
    }
    sets = this.resolveSet(sets, bound, expectsInput);
    return { sets, values, common, unbound };
  }

  /** The parameter that takes the arguments no position takes. */
  private remainingParameter(sets: readonly string[]): PsParameter | undefined {
    for (const set of sets) {
      const p = this.command.parameters.find((x) => inSet(x, set)?.valueFromRemainingArguments);
      if (p) return p;
    }
    return undefined;
  }

  private missingArgument(p: PsParameter, at: ScriptPosition): PsRuntimeError {
    return this.error('MissingArgument', `Missing an argument for parameter '${p.name}'. Specify a parameter of type '${parameterTypeName(p.type)}' and try again.`, at);
  }

  /** The sets that contain every parameter bound so far. */
  private candidateSets(bound: ReadonlySet<PsParameter>): string[] {
    const all = parameterSetNames(this.command);
    const sets = all.filter((s) => [...bound].every((p) => COMMON_NAMES.has(p.name.toLowerCase()) || inSet(p, s)));
    if (sets.length === 0) throw this.ambiguousSet();
    return sets;
  }

  private ambiguousSet(): PsRuntimeError {
    // Windows PowerShell 5.1's text; PowerShell 7 appends "One or few of the parameters…".
    return this.error('AmbiguousParameterSet', 'Parameter set cannot be resolved using the specified named parameters.');
  }

  /**
   * The parameter the next positional argument binds to: in each possible set (default
   * first) the unbound parameter with the lowest position; when sets disagree, the one
   * whose type takes the value without conversion wins (PowerShell binds without
   * coercion before it binds with it), so `Where-Object { … }` finds -FilterScript.
   */
  private nextPositional(sets: readonly string[], bound: ReadonlySet<PsParameter>, value: PsValue): PsParameter | undefined {
    const candidates: PsParameter[] = [];
    for (const set of sets) {
      let best: { p: PsParameter; position: number } | undefined;
      for (const p of this.command.parameters) {
        if (bound.has(p)) continue;
        const position = inSet(p, set)?.position;
        if (position === undefined) continue;
        if (!best || position < best.position) best = { p, position };
      }
      if (best && !candidates.includes(best.p)) candidates.push(best.p);
    }
    if (candidates.length <= 1) return candidates[0];
    return candidates.find((p) => takesAsIs(p.type, value)) ?? candidates[0];
  }

  /** Narrows to one set when the arguments allow it, and reports missing mandatory parameters. */
  private resolveSet(sets: string[], bound: ReadonlySet<PsParameter>, expectsInput: boolean): string[] {
    let chosen = sets;
    if (sets.length > 1) {
      const d = this.command.defaultParameterSet;
      const satisfied = sets.filter((s) => this.missingMandatory(s, bound, expectsInput).length === 0);
      if (d && sets.includes(d)) chosen = [d, ...sets.filter((s) => s !== d)];
      else if (satisfied.length === 1) chosen = satisfied;
      else if (!expectsInput) {
        if (satisfied.length === 0 || satisfied.length > 1) throw this.ambiguousSet();
      }
    }
    if (!expectsInput || chosen.length === 1) {
      const missing = this.missingMandatory(chosen[0], bound, expectsInput);
      if (missing.length > 0) {
        // Windows PowerShell under a non-interactive host (and this engine always) reports instead of prompting.
        throw this.error('MissingMandatoryParameter', `Cannot process command because of one or more missing mandatory parameters:${missing.map((p) => ` ${p.name}`).join('')}.`);
      }
    }
    return chosen;
  }

  private missingMandatory(set: string, bound: ReadonlySet<PsParameter>, expectsInput: boolean): PsParameter[] {
    return this.command.parameters.filter((p) => {
      const s = inSet(p, set);
      if (!s?.mandatory || bound.has(p)) return false;
      if (expectsInput && (s.valueFromPipeline || s.valueFromPipelineByPropertyName)) return false;
      return true;
    });
  }

  /** Converts, validates and records one value. */
  private store(p: PsParameter, raw: PsValue, at: ScriptPosition, values: Map<string, PsValue>, common: CommonParameterValues): void {
    const value = this.convert(p, raw, at);
    const lower = p.name.toLowerCase();
    if (this.command.commonParameters && COMMON_NAMES.has(lower) && !this.command.parameters.includes(p)) {
      const text = value instanceof PsEnum ? value.name : value instanceof PsSwitch ? value.isPresent : toStringPs(value);
      switch (lower) {
        case 'erroraction':
          common.errorAction = String(text);
          break;
        case 'warningaction':
          common.warningAction = String(text);
          break;
        case 'informationaction':
          common.informationAction = String(text);
          break;
        case 'verbose':
          common.verbose = text === true;
          break;
        case 'debug':
          common.debug = text === true;
          break;
        case 'whatif':
          common.whatIf = text === true;
          break;
        case 'confirm':
          common.confirm = text === true;
          break;
        case 'errorvariable':
          common.errorVariable = String(text);
          break;
        case 'warningvariable':
          common.warningVariable = String(text);
          break;
        case 'informationvariable':
          common.informationVariable = String(text);
          break;
        case 'outvariable':
          common.outVariable = String(text);
          break;
        case 'pipelinevariable':
          common.pipelineVariable = String(text);
          break;
      }
      return;
    }
    values.set(p.name, value);
  }

  /** The value converted to the parameter's type and validated, or the binding error. */
  convert(p: PsParameter, raw: PsValue, at: ScriptPosition): PsValue {
    return convertArgument(p, raw, at, this.host.types, (errorId, message, where) => this.error(errorId, message, where));
  }

  /** Whether any parameter of the sets takes pipeline input. */
  takesPipelineInput(sets: readonly string[]): boolean {
    return sets.some((s) => this.command.parameters.some((p) => inSet(p, s)?.valueFromPipeline || inSet(p, s)?.valueFromPipelineByPropertyName));
  }

  /**
   * Binds one pipeline object to the parameters of the first set it fits (ValueFromPipeline first,
   * then ByPropertyName); returns the parameter values for this object and the set, or undefined
   * when it binds to nothing (the caller reports InputObjectNotBound).
   */
  bindPipelineInput(input: PsValue, base: BindResult): { values: Map<string, PsValue>; set: string } | undefined {
    for (const set of base.sets) {
      const values = new Map(base.values);
      let any = false;
      for (const p of this.command.parameters) {
        if (base.values.has(p.name)) continue;
        const s = inSet(p, set);
        if (!s?.valueFromPipeline) continue;
        try {
          values.set(p.name, this.convert(p, input, this.host.commandAt));
          any = true;
          break;
        } catch {
          // Try the next parameter, then ByPropertyName, as PowerShell does.
        }
      }
      if (input instanceof PsObject || (input !== null && typeof input === 'object' && !Array.isArray(input))) {
        for (const p of this.command.parameters) {
          if (values.has(p.name)) continue;
          const s = inSet(p, set);
          if (!s?.valueFromPipelineByPropertyName) continue;
          const names = [p.name, ...(p.aliases ?? [])];
          for (const n of names) {
            const v = getProperty(input, n);
            if (v === undefined) continue;
            try {
              values.set(p.name, this.convert(p, v, this.host.commandAt));
              any = true;
            } catch {
              // A property that does not convert does not bind.
            }
            break;
          }
        }
      }
      if (any) {
        const missing = this.command.parameters.filter((p) => inSet(p, set)?.mandatory && !values.has(p.name));
        if (missing.length === 0) return { values, set };
      }
    }
    return undefined;
  }
}
