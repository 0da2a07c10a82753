/**
 * Turning an argument into a parameter's value: conversion to the parameter's type
 * and the checks of its validation attributes, with ParameterBinderStrings.resx's
 * texts; and the type test positional binding uses to prefer one parameter set.
 */
import type { PsParameter, PsParameterInSet } from './commands';
import { ConversionFailure, convertTo, isTrue, toStringPs } from './conversions';
import type { PsRuntimeError, ScriptPosition } from './errors';
import { parameterType } from './parameterTypes';
import type { TypeRegistry } from './types';
import { PsEnum, PsHashtable, PsObject, PsScriptBlock, PsSecureString, PsSwitch, type PsValue } from './values';

/** Makes the binding error (ParameterBindingException) for an id, message and position. */
export type BindingFailure = (errorId: string, message: string, at: ScriptPosition) => PsRuntimeError;

const NON_INTERACTIVE = 'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.';

function setsOf(p: PsParameter): Readonly<Record<string, PsParameterInSet>> {
  return p.sets ?? { __AllParameterSets: {} };
}

/** The value converted to the parameter's type and validated, or the binding error `fail` makes. */
export function convertArgument(p: PsParameter, raw: PsValue, at: ScriptPosition, types: TypeRegistry, fail: BindingFailure): PsValue {
  if (p.type === 'switch') {
    if (raw === true) return new PsSwitch(true);
    return new PsSwitch(isTrue(raw));
  }
  if (p.type === 'bool' && raw !== null && typeof raw !== 'boolean' && typeof raw !== 'number' && !(raw instanceof PsSwitch)) {
    throw fail(
      'CannotConvertArgumentNoMessage',
      `Cannot bind parameter '${p.name}'. Cannot convert value "${raw instanceof PsSecureString ? 'System.Security.SecureString' : toStringPs(raw)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
      at,
    );
  }
  if (p.type === 'pscredential' && typeof raw === 'string') {
    // [Credential()] would prompt for the password; this engine never prompts for text.
    throw fail('ParameterArgumentTransformationError', `Cannot process argument transformation on parameter '${p.name}'. ${NON_INTERACTIVE}`, at);
  }
  let value: PsValue = raw;
  if (raw !== null && p.type !== 'object') {
    const converted = convertTo(raw, parameterType(p.type, types));
    if (converted instanceof ConversionFailure) throw fail('CannotConvertArgumentNoMessage', `Cannot bind parameter '${p.name}'. ${converted.message}`, at);
    value = converted;
  }
  if (p.type === 'object[]' && raw !== null && !Array.isArray(value)) value = [value];
  validate(p, value, at, fail);
  return value;
}

function validate(p: PsParameter, value: PsValue, at: ScriptPosition, fail: BindingFailure): void {
  const items = Array.isArray(value) ? value : [value];
  const invalid = (message: string): PsRuntimeError => fail('ParameterArgumentValidationError', `Cannot validate argument on parameter '${p.name}'. ${message}`, at);
  if (p.validateNotNullOrEmpty) {
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      throw invalid('The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.');
    }
    if (Array.isArray(value) && value.some((v) => v === null || v === '')) {
      throw invalid('The argument is null, empty, or an element of the argument collection contains a null value. Supply a collection that does not contain any null values and then try the command again.');
    }
  }
  if (p.validateSet && value !== null) {
    for (const item of items) {
      const text = toStringPs(item);
      if (!p.validateSet.some((s) => s.toLowerCase() === text.toLowerCase())) {
        throw invalid(`The argument "${text}" does not belong to the set "${p.validateSet.join(',')}" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`);
      }
    }
  }
  if (p.validateRange && value !== null) {
    const [min, max] = p.validateRange;
    for (const item of items) {
      const n = typeof item === 'number' ? item : Number(toStringPs(item));
      if (n < min) throw invalid(`The ${toStringPs(item)} argument is less than the minimum allowed range of ${min}. Supply an argument that is greater than or equal to ${min} and then try the command again.`);
      if (n > max) throw invalid(`The ${toStringPs(item)} argument is greater than the maximum allowed range of ${max}. Supply an argument that is less than or equal to ${max} and then try the command again.`);
    }
  }
  const mandatory = Object.values(setsOf(p)).some((s) => s.mandatory);
  if (mandatory && !p.allowNull && (value === null || value === '')) {
    throw fail(
      value === null ? 'ParameterArgumentValidationErrorNullNotAllowed' : 'ParameterArgumentValidationErrorEmptyStringNotAllowed',
      `Cannot bind argument to parameter '${p.name}' because it is ${value === null ? 'null' : 'an empty string'}.`,
      at,
    );
  }
}

/** Whether a value is already of a parameter's type (binding it needs no conversion). */
export function takesAsIs(type: PsParameter['type'], v: PsValue): boolean {
  // An enum takes one of its own names as readily as a string parameter takes a string.
  if (typeof type !== 'string') return (v instanceof PsEnum && v.typeName === type.enum) || (typeof v === 'string' && type.values.some(([n]) => n.toLowerCase() === v.toLowerCase()));
  switch (type) {
    case 'scriptblock':
      return v instanceof PsScriptBlock;
    case 'string':
    case 'string[]':
      return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    case 'int':
    case 'int[]':
    case 'uint16':
    case 'uint32':
    case 'int64':
    case 'double':
      return typeof v === 'number';
    case 'bool':
    case 'switch':
      return typeof v === 'boolean' || v instanceof PsSwitch;
    case 'hashtable':
      return v instanceof PsHashtable;
    case 'securestring':
      return v instanceof PsSecureString;
    case 'pscredential':
      return v instanceof PsObject && v.typeNames[0] === 'System.Management.Automation.PSCredential';
    default:
      return false;
  }
}

/** How an argument is named in "A positional parameter cannot be found that accepts argument 'x'.". */
export function shownArgument(v: PsValue): string {
  if (Array.isArray(v)) return 'System.Object[]';
  if (v instanceof PsSecureString) return 'System.Security.SecureString';
  return toStringPs(v);
}
