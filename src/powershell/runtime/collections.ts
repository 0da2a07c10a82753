/**
 * Collections beyond Object[]: an ArrayList or a List[T] is a PsValue[] the
 * engine remembers as resizable (so .Add() works and, for ArrayList, returns
 * the index as PowerShell's does); dictionary entries for GetEnumerator().
 */
import { PsHashtable, PsObject, type PsValue } from './values';

export type ListKind = 'ArrayList' | 'List';

const kinds = new WeakMap<PsValue[], ListKind>();

export function makeList(kind: ListKind, items: readonly PsValue[] = []): PsValue[] {
  const list = [...items];
  kinds.set(list, kind);
  return list;
}

export function listKind(v: PsValue[]): ListKind | undefined {
  return kinds.get(v);
}

/** A System.Collections.DictionaryEntry: Key, Value, and the Name alias PowerShell adds. */
export function dictionaryEntry(key: PsValue, value: PsValue): PsObject {
  return new PsObject(
    ['System.Collections.DictionaryEntry', 'System.ValueType', 'System.Object'],
    [
      ['Name', key],
      ['Key', key],
      ['Value', value],
    ],
    { defaultDisplay: ['Name', 'Value'] },
  );
}

/** Copies a hashtable (Clone()). */
export function cloneHashtable(h: PsHashtable): PsHashtable {
  const copy = new PsHashtable(h.ordered);
  for (const e of h.entries()) copy.set(e.key, e.value);
  return copy;
}
