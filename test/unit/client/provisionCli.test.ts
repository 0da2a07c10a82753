/**
 * The pure parts of `ipam-emulator provision`: naming sessions, and the three
 * output forms (JSON lines in input order, plain lines, a redrawn block).
 */
import { parseSessions } from '../../../src/cli/provision';
import { createReporter, type HostReport, type ProvisionIo } from '../../../src/cli/provisionOutput';

describe('parseSessions', () => {
  test('names, host:port and URLs, comma-separated and repeated', () => {
    expect(parseSessions(['ipam1.contoso.com,ipam2:5986', 'http://127.0.0.1:5999', 'https://h3.contoso.com:5986/wsman'], undefined)).toEqual([
      { name: 'ipam1.contoso.com', endpoint: 'http://ipam1.contoso.com:5985/wsman' },
      { name: 'ipam2:5986', endpoint: 'http://ipam2:5986/wsman' },
      { name: '127.0.0.1:5999', endpoint: 'http://127.0.0.1:5999/wsman' },
      { name: 'h3.contoso.com:5986', endpoint: 'https://h3.contoso.com:5986/wsman' },
    ]);
  });

  test('with --endpoint every session connects there and names itself in the Host header', () => {
    expect(parseSessions(['ipam7.contoso.com', 'ipam8.contoso.com:5985'], 'http://127.0.0.1:5985/wsman')).toEqual([
      { name: 'ipam7.contoso.com', endpoint: 'http://127.0.0.1:5985/wsman', hostHeader: 'ipam7.contoso.com' },
      { name: 'ipam8.contoso.com:5985', endpoint: 'http://127.0.0.1:5985/wsman', hostHeader: 'ipam8.contoso.com:5985' },
    ]);
  });

  test('no session: localhost, or the endpoint itself', () => {
    expect(parseSessions([], undefined)).toEqual([{ name: 'localhost', endpoint: 'http://localhost:5985/wsman' }]);
    expect(parseSessions([], 'http://127.0.0.1:6000/wsman')).toEqual([{ name: '127.0.0.1:6000', endpoint: 'http://127.0.0.1:6000/wsman' }]);
  });

  test.each([['bad host!'], ['h:99999'], ['-lead.contoso.com']])('%s is refused', (spec) => {
    expect(() => parseSessions([spec], undefined)).toThrow(/is not a host name/);
  });
});

function capture(isTTY: boolean): ProvisionIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, isTTY, env: {}, out: () => out, err: () => err };
}

const ok = (host: string): HostReport => ({ host, ok: true, returnValue: 0, job: { instanceId: `J-${host}`, state: 'Completed' } });
const failed = (host: string): HostReport => ({
  host,
  ok: false,
  returnValue: null,
  error: { message: 'GpoPrefix is required', messageId: 'WIN32 87', category: 5, subcode: 'w:InvalidParameter' },
});

test('JSON lines come out in input order as soon as the hosts before them have settled', () => {
  const io = capture(false);
  const r = createReporter(io, true, ['a', 'b', 'c']);
  r.settled(1, failed('b'));
  expect(io.out()).toBe('');
  expect(io.err()).toBe('ipam-emulator provision: b: GpoPrefix is required (MessageID WIN32 87, subcode w:InvalidParameter)\n');
  r.settled(0, ok('a'));
  r.settled(2, ok('c'));
  expect(io.out().trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
    { host: 'a', ok: true, returnValue: 0, job: { instanceId: 'J-a', state: 'Completed' } },
    { host: 'b', ok: false, returnValue: null, error: { message: 'GpoPrefix is required', messageId: 'WIN32 87', category: 5, subcode: 'w:InvalidParameter' } },
    { host: 'c', ok: true, returnValue: 0, job: { instanceId: 'J-c', state: 'Completed' } },
  ]);
});

test('plain lines: a line per change of state, errors on stderr', () => {
  const io = capture(false);
  const r = createReporter(io, false, ['a', 'b']);
  r.progress(0, { phase: 'running' });
  r.progress(0, { phase: 'running' });
  r.progress(1, { phase: 'running', detail: 'job J-1 accepted' });
  r.settled(0, ok('a'));
  r.settled(1, failed('b'));
  expect(io.out()).toBe('a: running\nb: job J-1 accepted\na: done (ReturnValue 0, job J-a)\nb: failed\n');
  expect(io.err()).toContain('b: GpoPrefix is required');
});

test('on a terminal: one line per host, redrawn in place; errors wait until the end', () => {
  const io = capture(true);
  const r = createReporter(io, false, ['ipam1', 'ipam22']);
  expect(io.out()).toBe('\r\x1b[2Kipam1   [                    ]       queued\n\r\x1b[2Kipam22  [                    ]       queued\n');
  r.progress(0, { phase: 'running', percent: 50, detail: 'job J-1 Running' });
  expect(io.out().endsWith('\x1b[2A\r\x1b[2Kipam1   [##########..........]  50%  job J-1 Running\n\r\x1b[2Kipam22  [                    ]       queued\n')).toBe(true);
  r.settled(1, failed('ipam22'));
  expect(io.err()).toBe('');
  expect(io.out()).toContain('ipam22  [                    ]       failed: GpoPrefix is required\n');
  r.close();
  expect(io.err()).toContain('ipam22: GpoPrefix is required');
});
