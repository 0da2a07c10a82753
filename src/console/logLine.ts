/**
 * One pino record of the emulator's log as one line for a person at a terminal. A request
 * (`msg: "request"`, written by http/server.ts from its RequestRecord) becomes a row of
 * aligned columns; any other record becomes time, level, message and key=value fields.
 * Pure: the record in, the text out (without its newline).
 */
import { painter, type Paint, type Style } from './ansi';
import { clockTime, isSecretName, valueText } from './fields';

export interface ConsoleOptions {
  /** ANSI colours (a terminal that wants them). */
  readonly color: boolean;
  /** Times in UTC rather than the machine's local time. */
  readonly utc?: boolean;
}

/** pino's level numbers. */
const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const ERROR_LEVEL = 50;

/** pino's frame around every record, and the logger's name (the same on every line): not fields. */
const FRAME: ReadonlySet<string> = new Set(['level', 'time', 'name', 'msg', 'pid', 'hostname', 'v']);

export function formatLogLine(record: Record<string, unknown>, opts: ConsoleOptions): string {
  const paint = painter(opts.color);
  const time = clockTime(record.time, opts.utc);
  return record.msg === 'request' ? requestLine(record, time, paint) : eventLine(record, time, paint);
}

// Column widths of a request row. Status and duration come before the operation and its target,
// whose width varies (MSFT_IPAM_Server.InvokeIpamServerProvisioning), so that they stay aligned.
const HOST_WIDTH = 9;
const USER_WIDTH = 21;
const MS_WIDTH = 10;
const OP_WIDTH = 9;

function requestLine(r: Record<string, unknown>, time: string, paint: Paint): string {
  const status = typeof r.status === 'number' ? r.status : undefined;
  const fault = text(r.fault);
  const { op, target } = operationOf(r);
  const ms = typeof r.ms === 'number' ? `${r.ms.toFixed(1)} ms` : '';
  const cells = [
    paint('dim', time),
    shortHost(text(r.host) ?? '-').padEnd(HOST_WIDTH),
    (text(r.user) ?? '-').padEnd(USER_WIDTH),
    paint(statusStyle(status, fault !== undefined), status === undefined ? '---' : String(status)),
    ms.padStart(MS_WIDTH),
    op.padEnd(OP_WIDTH),
    ...(target ? [target] : []),
  ];
  const notes = [
    fault !== undefined ? paint('red', fault) : undefined,
    text(r.faultRule) !== undefined ? `rule ${text(r.faultRule)}` : undefined,
    ...reasons(r, status).map((why) => paint('dim', `(${why})`)),
  ].filter((n): n is string => n !== undefined);
  return [...cells, ...notes].join('  ').trimEnd();
}

function statusStyle(status: number | undefined, faulted: boolean): Style | undefined {
  if (faulted || (status !== undefined && status >= 500)) return 'red';
  if (status !== undefined && status >= 400) return 'yellow';
  if (status !== undefined && status >= 200 && status < 300) return 'green';
  return undefined;
}

/**
 * The operation and what it acted on. CIM: `Get MSFT_IPAM_Server`, `Invoke MSFT_IPAM_Server.InvokeIpamServerProvisioning`
 * (the handler logs `op` as "Invoke <method>"). The shell (op "Shell <operation>"): `Shell Command`,
 * `Shell Create`. A request refused before its operation was known falls back on the action's last
 * segment; one that never was WS-Man (GET /wsman) on the HTTP method and path.
 */
function operationOf(r: Record<string, unknown>): { op: string; target: string } {
  const logged = text(r.op);
  const resource = lastSegment(text(r.resourceUri));
  if (logged?.startsWith('Shell ')) return { op: 'Shell', target: [logged.slice('Shell '.length), text(r.program)].filter(Boolean).join(' ') };
  if (logged?.startsWith('Invoke ')) return { op: 'Invoke', target: [resource, logged.slice('Invoke '.length)].filter(Boolean).join('.') };
  const op = logged ?? lastSegment(text(r.action));
  if (op !== undefined) return { op, target: resource ?? '' };
  return { op: text(r.method) ?? '-', target: text(r.path) ?? '' };
}

/** Why a request went as it did, when the status alone does not say. */
function reasons(r: Record<string, unknown>, status: number | undefined): string[] {
  const out: string[] = [];
  if (text(r.authError) !== undefined) out.push(text(r.authError) as string);
  else if (r.leg === 'challenge') out.push('Negotiate challenge');
  else if (status === 401) out.push('no credentials');
  if (text(r.sealError) !== undefined) out.push(text(r.sealError) as string);
  if (r.hostDown === true) out.push('host down');
  if (typeof r.replayed === 'number') out.push(`replayed from cassette entry ${r.replayed}`);
  if (r.aborted === true) out.push('the client went away');
  return out;
}

function eventLine(r: Record<string, unknown>, time: string, paint: Paint): string {
  const level = typeof r.level === 'number' ? r.level : 30;
  const name = LEVELS[level] ?? `L${level}`;
  const levelStyle: Style | undefined = level >= ERROR_LEVEL ? 'red' : level >= 40 ? 'yellow' : level < 30 ? 'dim' : undefined;
  const fields: string[] = [];
  let stack: string[] = [];
  for (const [key, value] of Object.entries(r)) {
    if (FRAME.has(key) || isSecretName(key) || value === undefined) continue;
    if (key === 'err' && value !== null && typeof value === 'object') {
      const err = value as { message?: unknown; stack?: unknown };
      fields.push(`err=${valueText(typeof err.message === 'string' ? err.message : err)}`);
      // The whole stack: its first line also names the error's type, which the message alone does not.
      if (level >= ERROR_LEVEL && typeof err.stack === 'string') stack = err.stack.split('\n').filter((l) => l.trim() !== '');
      continue;
    }
    fields.push(`${key}=${valueText(value)}`);
  }
  const head = [paint('dim', time), paint(levelStyle, name.padEnd(5)), text(r.msg) ?? '', ...fields].join('  ').trimEnd();
  return [head, ...stack.map((l) => paint('dim', `    ${l}`))].join('\n');
}

/** A fleet host by its first label (ipam1.contoso.com → ipam1); an address as it is. */
function shortHost(host: string): string {
  return /^[\d.]+$/.test(host) || host.includes(':') ? host : (host.split('.')[0] ?? host);
}

function lastSegment(uri: string | undefined): string | undefined {
  return uri?.slice(uri.lastIndexOf('/') + 1) || undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
