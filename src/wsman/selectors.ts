/**
 * Key selectors: turning a SelectorSet into a CIM reference for a class, and
 * matching instances against one. Faults follow DSP0226 §7.2 / MS-WSMV 3.1.4.1.2.
 */
import type { CimInstance, CimReference, CimScalar, ResolvedClass, ResolvedProperty } from '../cim/types';
import { CimValueError, parseScalarText, scalarText } from '../cim/values';
import { WsmanFault } from './faults';
import type { Selector } from './request';

/**
 * The reference a SelectorSet designates. Every key must be given, and nothing
 * but keys; each value must parse as its key's type.
 */
export function selectorsToReference(cls: ResolvedClass, selectors: readonly Selector[]): CimReference {
  for (const s of selectors) {
    const prop = cls.property(s.name);
    if (!prop || !prop.isKey) {
      throw new WsmanFault('InvalidSelectors', {
        detail: 'UnexpectedSelectors',
        extra: `${s.name} is not a key of ${cls.name}${cls.keys.length ? ` (keys: ${cls.keys.map((k) => k.name).join(', ')})` : ''}.`,
      });
    }
  }
  const keys = cls.keys.map((k) => {
    const s = selectors.find((x) => x.name.toLowerCase() === k.name.toLowerCase());
    if (!s) {
      throw new WsmanFault('InvalidSelectors', { detail: 'InsufficientSelectors', extra: `The key ${k.name} of ${cls.name} is missing.` });
    }
    if (s.epr) throw new WsmanFault('InvalidSelectors', { detail: 'TypeMismatch', extra: `The key ${k.name} is not a reference.` });
    return { name: k.name, value: normalizeKey(k, s.value) };
  });
  return { kind: 'reference', className: cls.name, namespace: cls.namespace, keys };
}

function normalizeKey(k: ResolvedProperty, value: string): string {
  if (k.valueType === 'string' || k.valueType === 'char16' || k.valueType === 'reference' || k.valueType === 'instance') return value;
  try {
    return scalarText(k.valueType, parseScalarText(k.valueType, value));
  } catch (e) {
    if (e instanceof CimValueError) {
      throw new WsmanFault('InvalidSelectors', { detail: 'TypeMismatch', extra: `The value '${value}' of ${k.name} is not a ${k.valueType}.` });
    }
    throw e;
  }
}

/**
 * True when an instance has the reference's key values. String keys compare
 * case-insensitively, as WMI compares them.
 */
export function instanceMatches(inst: CimInstance, ref: CimReference): boolean {
  for (const k of ref.keys) {
    const v = inst.properties.get(k.name);
    if (!v || v.value === null || Array.isArray(v.value)) return false;
    const text = scalarText(v.type, v.value as CimScalar);
    if (v.type === 'string' ? text.toLowerCase() !== k.value.toLowerCase() : text !== k.value) return false;
  }
  return true;
}
