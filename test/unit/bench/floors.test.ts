import { exitCodeFor, missedFloors, missedLine } from '../../../bench/lib/floors';
import { fmtPctAgainst } from '../../../bench/lib/stats';

const identify = { name: 'Identify at 16 connections', target: '≥ 50% of the baseline', measured: '9,120 vs 21,400 req/s = 43%' };
const provision = { name: 'one provisioning (WID, Force), p50', target: '≤ 50 ms', measured: '31 ms' };
const fanout = { name: '1,000 hosts at ThrottleLimit 32', target: '≤ 60 s', measured: 'not run (--quick)' };

describe('npm run bench exits non-zero when a measured floor misses', () => {
  test('every measured floor passed: 0', () => {
    expect(exitCodeFor([{ ...identify, pass: true }, { ...provision, pass: true }])).toBe(0);
    expect(missedLine([{ ...identify, pass: true }])).toBeUndefined();
  });

  test('a missed floor: 1, and the line names it with its target and measure', () => {
    const floors = [
      { ...identify, pass: false },
      { ...provision, pass: true },
    ];
    expect(exitCodeFor(floors)).toBe(1);
    expect(missedFloors(floors).map((f) => f.name)).toEqual([identify.name]);
    expect(missedLine(floors)).toBe('1 floor missed: Identify at 16 connections (≥ 50% of the baseline; measured 9,120 vs 21,400 req/s = 43%)');
  });

  test('floors not measured in this run (--quick, --only) count neither way', () => {
    expect(exitCodeFor([{ ...fanout, pass: undefined }])).toBe(0);
    expect(exitCodeFor([{ ...fanout, pass: undefined }, { ...provision, pass: true }])).toBe(0);
    expect(exitCodeFor([{ ...fanout, pass: undefined }, { ...provision, pass: false }])).toBe(1);
  });

  test('no floor measured at all (a part without floors): 0', () => {
    expect(exitCodeFor([])).toBe(0);
  });

  test('several missed: all named', () => {
    expect(missedLine([{ ...identify, pass: false }, { ...provision, pass: false }])).toMatch(/^2 floors missed: Identify at 16 connections .*; one provisioning \(WID, Force\), p50 /);
  });
});

test('a ratio against its floor is never rounded onto the floor: 49.995 % reads 49.9 %', () => {
  expect(fmtPctAgainst(0.49995, 0.5)).toBe('49.9%');
  expect(fmtPctAgainst(0.5, 0.5)).toBe('50%');
  expect(fmtPctAgainst(0.456, 0.5)).toBe('46%');
  expect(fmtPctAgainst(0.8996, 0.9)).toBe('89.9%');
  expect(fmtPctAgainst(1.07, 0.9)).toBe('107%');
});
