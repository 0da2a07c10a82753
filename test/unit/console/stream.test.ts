import { Writable } from 'node:stream';
import pino from 'pino';
import { createConsoleStream } from '../../../src/console';
import { RECORDS } from './records';

function sink(): { out: Writable; text: () => string } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { out, text: () => chunks.join('') };
}

describe('createConsoleStream', () => {
  test('several JSON lines in one chunk come out as as many formatted lines', () => {
    const { out, text } = sink();
    createConsoleStream(out, { color: false, utc: true }).write(`${RECORDS.shellCreated}\n${RECORDS.shellCommand}\n`);
    expect(text()).toBe(
      '00:00:19.341  INFO   shell created  host=ipam1.contoso.com  shellId=60F134E4-CD01-40C7-A7CB-0628DFF5B1F2  owner=IPAM1\\Administrator\n' +
        '00:00:19.350  ipam1      IPAM1\\Administrator    200      4.8 ms  Shell      Command hostname\n',
    );
  });

  test('a line that is not a JSON object passes through unchanged', () => {
    const { out, text } = sink();
    const stream = createConsoleStream(out, { color: false, utc: true });
    stream.write('{"event":"ready" and then not JSON\n');
    stream.write('[1,2]\n');
    expect(text()).toBe('{"event":"ready" and then not JSON\n[1,2]\n');
  });

  test('pino logs to it as to any destination', () => {
    const { out, text } = sink();
    const log = pino({ base: { name: 'ipam-emulator' }, redact: { paths: ['password'], censor: '[redacted]' } }, createConsoleStream(out, { color: false }));
    log.warn({ host: 'ipam1.contoso.com', password: 'Passw0rd!' }, 'a stop took long');
    expect(text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}WARN {3}a stop took long {2}host=ipam1\.contoso\.com\n$/);
  });
});
