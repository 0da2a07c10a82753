/**
 * The item lists of an enumeration context: KeyedItems keeps only key values and
 * gives back the same references it was made from; anything it cannot hold that
 * way is left to ItemArray; ConcatItems joins a class's list and its subclasses'.
 */
import type { CimReference } from '../../../src/cim/types';
import { ConcatItems, ItemArray, KeyedItems, type EnumerationItems, type ItemSource } from '../../../src/wsman/enumeration/contexts';

const NS = 'root/Microsoft/IPAM';
const source: ItemSource = { load: () => Promise.resolve(undefined), loadMany: (refs) => Promise.resolve(refs.map(() => undefined)) };
const ref = (className: string, keys: Array<[string, string]>, namespace = NS): CimReference => ({
  kind: 'reference',
  className,
  namespace,
  keys: keys.map(([name, value]) => ({ name, value })),
});
const all = (items: EnumerationItems): CimReference[] => Array.from({ length: items.length }, (_, i) => items.at(i).reference);

test('KeyedItems gives back the references it was made from, in order, each with the shared source', () => {
  const refs = ['a', 'b', 'c'].map((v) => ref('MSFT_IPAM_ConcreteJob', [['InstanceID', v]]));
  const keyed = KeyedItems.of(refs, source);
  expect(keyed).toBeDefined();
  expect(keyed?.length).toBe(3);
  expect(all(keyed as KeyedItems)).toEqual(refs);
  expect((keyed as KeyedItems).at(1).source).toBe(source);
});

test.each([
  ['no references', []],
  ['two keys', [ref('C', [['A', '1'], ['B', '2']])]],
  ['keys of different names', [ref('C', [['A', '1']]), ref('C', [['B', '2']])]],
  ['different classes', [ref('C', [['A', '1']]), ref('D', [['A', '2']])]],
  ['different namespaces', [ref('C', [['A', '1']]), ref('C', [['A', '2']], 'root/cimv2')]],
])('KeyedItems does not take %s (the caller keeps them as they are)', (_what, refs) => {
  expect(KeyedItems.of(refs, source)).toBeUndefined();
});

test('ConcatItems reads across its parts, empty ones included, and ItemArray keeps what it is given', () => {
  const first = KeyedItems.of([ref('C', [['K', '1']]), ref('C', [['K', '2']])], source) as KeyedItems;
  const instanceItem = { reference: ref('D', [['K', '3']]) };
  const joined = new ConcatItems([first, new ItemArray([]), new ItemArray([instanceItem]), KeyedItems.of([ref('E', [['K', '4']])], source) as KeyedItems]);
  expect(joined.length).toBe(4);
  expect(all(joined).map((r) => `${r.className}:${r.keys[0]?.value}`)).toEqual(['C:1', 'C:2', 'D:3', 'E:4']);
  expect(joined.at(2)).toBe(instanceItem);
  expect(() => joined.at(-1)).toThrow(RangeError);
});
