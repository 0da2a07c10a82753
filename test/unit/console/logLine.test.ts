import { formatLogLine } from '../../../src/console';
import { record } from './records';

const plain = { color: false, utc: true } as const;
const colour = { color: true, utc: true } as const;
const ESC = '\x1b[';
const red = (s: string): string => `${ESC}31m${s}${ESC}0m`;
const green = (s: string): string => `${ESC}32m${s}${ESC}0m`;
const yellow = (s: string): string => `${ESC}33m${s}${ESC}0m`;

describe('a request record is one row of aligned columns', () => {
  test('a Get: time, short host, user, status, duration, operation and class', () => {
    expect(formatLogLine(record('get'), plain)).toBe('00:00:19.276  ipam1      IPAM1\\Administrator    200      7.5 ms  Get        MSFT_IPAM_Server');
  });

  test('a fault: its subcode after the class', () => {
    expect(formatLogLine(record('invalidSelectors'), plain)).toBe(
      '00:00:19.281  ipam1      IPAM1\\Administrator    500      3.0 ms  Get        MSFT_IPAM_Server  w:InvalidSelectors',
    );
  });

  test('a fault injection rule that fired: its id after the fault (the operation from the action, which the rule cut short)', () => {
    expect(formatLogLine(record('faultRule'), plain)).toBe(
      '00:01:21.027  ipam1      IPAM1\\Administrator    500     11.3 ms  Get        MSFT_IPAM_Server  w:InternalError  rule get-breaks',
    );
  });

  test('an Invoke names the class and the method', () => {
    expect(formatLogLine(record('invoke'), plain)).toMatch(/ 200 {5}46\.0 ms {2}Invoke {5}MSFT_IPAM_Server\.InvokeIpamServerProvisioning$/);
  });

  test("the shell: the shell's operation (Create, Command…) in place of a class", () => {
    expect(formatLogLine(record('shellCreate'), plain)).toBe('00:00:19.342  ipam1      IPAM1\\Administrator    200      2.7 ms  Shell      Create');
    expect(formatLogLine(record('shellCommand'), plain)).toBe('00:00:19.350  ipam1      IPAM1\\Administrator    200      4.8 ms  Shell      Command hostname');
  });

  test('a refused logon says why; an unauthenticated Identify has no user', () => {
    expect(formatLogLine(record('wrongPassword'), plain)).toBe('00:00:15.204  ipam1      Administrator          401      1.3 ms  POST       /wsman  (logon failed: password)');
    expect(formatLogLine(record('identify'), plain)).toBe('00:00:15.189  ipam1      -                      200      9.9 ms  Identify');
  });

  test('requests that never became a WS-Man operation: the HTTP method and path; an unknown host as the client named it', () => {
    expect(formatLogLine(record('httpGet'), plain)).toBe('00:00:19.479  ipam1      -                      405      6.7 ms  GET        /wsman');
    expect(formatLogLine(record('unknownHost'), plain)).toBe('00:00:19.485  nohost     -                      500      0.7 ms  POST       /wsman  a:DestinationUnreachable');
  });

  test('the status, duration and operation columns line up whatever the row', () => {
    const rows = (['identify', 'wrongPassword', 'get', 'invalidSelectors', 'invoke', 'shellCommand', 'httpGet', 'unknownHost', 'faultRule'] as const).map((n) => formatLogLine(record(n), plain));
    for (const column of [/\d{3} /, / ms {2}/]) {
      const at = rows.map((r) => r.search(column));
      expect(new Set(at).size).toBe(1);
    }
  });

  test('colour only on the status: 2xx green, 4xx yellow, 5xx and faults red', () => {
    expect(formatLogLine(record('get'), colour)).toContain(` ${green('200')} `);
    expect(formatLogLine(record('wrongPassword'), colour)).toContain(` ${yellow('401')} `);
    const fault = formatLogLine(record('invalidSelectors'), colour);
    expect(fault).toContain(` ${red('500')} `);
    expect(fault).toContain(red('w:InvalidSelectors'));
    expect(formatLogLine(record('get'), plain)).not.toContain(ESC);
    expect(formatLogLine(record('invalidSelectors'), plain)).not.toContain(ESC);
  });
});

describe('any other record: time, level, message, then its fields as key=value', () => {
  test('an info record with its fields', () => {
    expect(formatLogLine(record('shuttingDown'), plain)).toBe('00:01:11.107  INFO   shutting down  signal=SIGINT');
    expect(formatLogLine(record('listening'), plain)).toBe(
      '00:00:12.782  INFO   listening  url=http://127.0.0.1:15985/wsman  httpsUrl=https://127.0.0.1:15986/wsman  thumbprint=414CA0B50B9A6E7384544637304F6731354044BB  fleet=contoso  hosts=3  hostPorts=3  defaultHost=ipam1.contoso.com',
    );
  });

  test('strings with spaces are quoted, objects are compact JSON', () => {
    const line = formatLogLine({ level: 30, time: 0, name: 'ipam-emulator', msg: 'snapshot taken', outcome: 'rolled back', at: { host: 'ipam1', steps: [1, 2] }, empty: '' }, plain);
    expect(line).toBe('00:00:00.000  INFO   snapshot taken  outcome="rolled back"  at={"host":"ipam1","steps":[1,2]}  empty=""');
  });

  test('a warning: err as its message, no stack; WARN in yellow', () => {
    const line = formatLogLine(record('unreadableSnapshot'), plain);
    expect(line).toBe('00:03:29.252  WARN   a snapshot archive cannot be read; it is left out of the list  err="the snapshot broken is not an IPAM emulator snapshot archive (not a SQLite database)"  snapshot=broken');
    expect(formatLogLine(record('unreadableSnapshot'), colour)).toContain(yellow('WARN '));
  });

  test("an error: err as its message, then the error's stack on the lines after; ERROR in red", () => {
    expect(formatLogLine(record('internalError'), plain).split('\n')).toEqual([
      '00:01:13.311  ERROR  provisioning failed with an internal error  err="no such table: jobs"  host=ipam2.contoso.com  runId=7f3c',
      '    SqliteError: no such table: jobs',
      '        at Database.prepare (/work/main/node_modules/better-sqlite3/lib/methods/wrappers.js:5:21)',
      '        at [eval]:5:8',
    ]);
    expect(formatLogLine(record('internalError'), colour)).toContain(red('ERROR'));
  });

  test('times are the local time of day unless utc', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    expect(formatLogLine({ level: 30, time: t, msg: 'x' }, { color: false })).toBe('03:04:05.006  INFO   x');
  });
});

describe('no secret is ever printed', () => {
  const SECRET = 'Sq1-Passw0rd!';

  test.each([
    ['a request record', { ...record('get'), authorization: `Basic ${SECRET}`, password: SECRET }],
    ['a record with secrets at the top', { level: 30, time: 0, msg: 'x', password: SECRET, Authorization: SECRET, databaseCredential: SECRET, user: 'IpamSql' }],
    ['a record with secrets inside objects', { level: 50, time: 0, msg: 'x', params: { DatabaseCredential: { user: 'IpamSql', password: SECRET } }, list: [{ sqlPassword: SECRET }] }],
  ])('%s', (_what, rec) => {
    for (const opts of [plain, colour]) {
      const line = formatLogLine(rec, opts);
      expect(line).not.toContain(SECRET);
      expect(line).not.toMatch(/password|authorization|credential/i);
    }
  });

  test('what pino redacted stays out too (the field, not only its value)', () => {
    const line = formatLogLine({ level: 30, time: 0, msg: 'redaction check', host: 'ipam1.contoso.com', password: '[redacted]', credential: '[redacted]' }, plain);
    expect(line).toBe('00:00:00.000  INFO   redaction check  host=ipam1.contoso.com');
  });
});
