import { closest, editDistance, listNames } from '../../../src/harness/nearMisses';

describe('edit distance and the closest name', () => {
  test('counts insertions, deletions, substitutions and adjacent transpositions as one edit each', () => {
    expect(editDistance('msft_ipam_server', 'msft_ipam_server')).toBe(0);
    expect(editDistance('msft_ipam_servr', 'msft_ipam_server')).toBe(1);
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
  });

  test('closest is case-insensitive, within a third of the longer name, the first of equals', () => {
    const classes = ['MSFT_IPAM_Server', 'MSFT_IPAM_ServerConfiguration', 'MSFT_IPAM_DBConfig'];
    expect(closest('msft_ipam_servr', classes)).toEqual({ name: 'MSFT_IPAM_Server', distance: 1 });
    expect(closest('MSFT_IPAM_SERVER', classes)).toEqual({ name: 'MSFT_IPAM_Server', distance: 0 });
    expect(closest('IPAM_Server', classes)).toEqual({ name: 'MSFT_IPAM_Server', distance: 5 });
    expect(closest('Colour', ['DatabaseServer', 'DatabaseName', 'DatabasePort'])).toBeUndefined();
    expect(closest('ab', ['ac', 'ad'])).toEqual({ name: 'ac', distance: 1 });
    expect(closest('', classes)).toBeUndefined();
  });

  test('a hostile name costs nothing: past 256 characters nothing is compared', () => {
    expect(closest('M'.repeat(100_000), ['M'.repeat(100_000)])).toBeUndefined();
  });

  test('lists of names are cut short in hints', () => {
    expect(listNames(['a', 'b'])).toBe('a, b');
    expect(listNames(['a', 'b', 'c', 'd'], 2)).toBe('a, b, … (2 more)');
  });
});
