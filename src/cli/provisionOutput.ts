/**
 * How `ipam-emulator provision` reports hosts: JSON lines (--json), a block of
 * progress lines redrawn in place on a terminal, or plain lines otherwise.
 * Errors and warnings go to stderr; on a terminal they wait until the block is
 * final, because writing between redraws would break the cursor arithmetic.
 */

export interface ProvisionIo {
  /** process.stdout fits; rows and columns (a TTY's) keep the redrawn block on the screen. */
  readonly stdout: { write(chunk: string): unknown; readonly rows?: number; readonly columns?: number };
  readonly stderr: { write(chunk: string): unknown };
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One host's result; the JSON line is {host, ok, returnValue, job?, error?}. */
export interface HostReport {
  readonly host: string;
  readonly ok: boolean;
  readonly returnValue: number | null;
  readonly job?: { readonly instanceId: string; readonly state: string | null };
  readonly error?: { readonly message: string; readonly messageId: string | null; readonly category: number | null; readonly subcode: string | null };
  /** Not in the JSON line: for the human-readable forms. */
  readonly whatIf?: boolean;
  readonly warning?: string;
}

export interface HostProgress {
  readonly phase: 'running';
  readonly percent?: number;
  readonly detail?: string;
}

export interface Reporter {
  progress(index: number, update: HostProgress): void;
  settled(index: number, report: HostReport): void;
  close(): void;
}

export function createReporter(io: ProvisionIo, json: boolean, hosts: readonly string[]): Reporter {
  if (json) return new JsonReporter(io, hosts.length);
  // Cursor-up cannot climb past the top of the screen: a block taller than it is reported as plain lines.
  const fits = hosts.length < (io.stdout.rows ?? 24);
  return io.isTTY && fits ? new TerminalReporter(io, hosts) : new PlainReporter(io, hosts);
}

function jsonLine(r: HostReport): string {
  const line: Record<string, unknown> = { host: r.host, ok: r.ok, returnValue: r.returnValue };
  if (r.job) line.job = r.job;
  if (r.error) line.error = r.error;
  return JSON.stringify(line) + '\n';
}

function errorText(r: HostReport): string {
  if (!r.error) return '';
  const ids = [r.error.messageId && `MessageID ${r.error.messageId}`, r.error.subcode && `subcode ${r.error.subcode}`].filter(Boolean);
  return `ipam-emulator provision: ${r.host}: ${r.error.message}${ids.length ? ` (${ids.join(', ')})` : ''}\n`;
}

function warningText(r: HostReport): string {
  return r.warning ? `warning: ${r.host}: ${r.warning}\n` : '';
}

function outcomeText(r: HostReport): string {
  if (!r.ok) return 'failed';
  if (r.returnValue === 4096 && r.job && r.job.state !== 'Completed') return `job ${r.job.instanceId} accepted${r.job.state ? ` (${r.job.state})` : ''}`;
  const job = r.job ? `, job ${r.job.instanceId}` : '';
  return r.whatIf ? `WhatIf: nothing was changed (ReturnValue ${r.returnValue}${job})` : `done (ReturnValue ${r.returnValue}${job})`;
}

/** One line per host, in the order the hosts were given, each written as soon as it and those before it have settled. */
class JsonReporter implements Reporter {
  private readonly done: Array<HostReport | undefined>;
  private next = 0;

  constructor(private readonly io: ProvisionIo, count: number) {
    this.done = new Array<HostReport | undefined>(count);
  }

  progress(): void {}

  settled(index: number, report: HostReport): void {
    this.done[index] = report;
    this.io.stderr.write(errorText(report) + warningText(report));
    for (let r = this.done[this.next]; r !== undefined; r = this.done[this.next]) {
      this.io.stdout.write(jsonLine(r));
      this.next++;
    }
  }

  close(): void {}
}

class PlainReporter implements Reporter {
  private readonly lastDetail = new Map<number, string>();

  constructor(private readonly io: ProvisionIo, private readonly hosts: readonly string[]) {}

  progress(index: number, u: HostProgress): void {
    // Only changes of state: a line per percent would flood a log.
    const text = u.detail ?? 'running';
    if (this.lastDetail.get(index) === text) return;
    this.lastDetail.set(index, text);
    this.io.stdout.write(`${this.hosts[index]}: ${text}\n`);
  }

  settled(_index: number, r: HostReport): void {
    this.io.stdout.write(`${r.host}: ${outcomeText(r)}\n`);
    this.io.stderr.write(errorText(r) + warningText(r));
  }

  close(): void {}
}

const BAR = 20;

interface Line {
  state: 'queued' | 'running' | 'done' | 'failed';
  percent?: number;
  text: string;
}

class TerminalReporter implements Reporter {
  private readonly lines: Line[];
  private readonly width: number;
  private readonly deferred: string[] = [];
  private drawn = false;

  constructor(private readonly io: ProvisionIo, private readonly hosts: readonly string[]) {
    this.lines = hosts.map(() => ({ state: 'queued', text: 'queued' }));
    this.width = Math.max(...hosts.map((h) => h.length));
    this.draw();
  }

  progress(index: number, u: HostProgress): void {
    const line = this.lines[index];
    if (!line) return;
    line.state = 'running';
    if (u.percent !== undefined) line.percent = Math.max(0, Math.min(100, u.percent));
    line.text = u.detail ?? 'running';
    this.draw();
  }

  settled(index: number, r: HostReport): void {
    const line = this.lines[index];
    if (!line) return;
    line.state = r.ok ? 'done' : 'failed';
    if (r.ok) line.percent = 100;
    line.text = r.ok ? outcomeText(r) : `failed: ${r.error?.message ?? ''}`;
    this.deferred.push(errorText(r) + warningText(r));
    this.draw();
  }

  close(): void {
    this.io.stderr.write(this.deferred.join(''));
  }

  private draw(): void {
    // Back to the first line of the block, then rewrite every line (ESC[2K clears it).
    let out = this.drawn ? `\x1b[${this.lines.length}A` : '';
    this.lines.forEach((l, i) => {
      const text = `${(this.hosts[i] ?? '').padEnd(this.width)}  ${bar(l)}  ${oneLine(l.text)}`;
      // A line that wraps would take two rows and throw the redraw off by one.
      const columns = this.io.stdout.columns;
      out += `\r\x1b[2K${columns && text.length >= columns ? text.slice(0, Math.max(1, columns - 2)) + '…' : text}\n`;
    });
    this.drawn = true;
    this.io.stdout.write(out);
  }
}

function bar(l: Line): string {
  if (l.percent === undefined) return `[${(l.state === 'running' ? '~' : ' ').repeat(BAR)}]     `;
  const filled = Math.round((l.percent / 100) * BAR);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(Math.round(l.percent)).padStart(3)}%`;
}

/** A message with line breaks would push the block down and break the redraw. */
function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}
