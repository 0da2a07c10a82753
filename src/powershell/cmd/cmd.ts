/**
 * A small cmd.exe: what WinRS runs a command line through when WINRS_SKIP_CMD_SHELL
 * is false (reference/winrs-shell.md §4). `cmd /c` semantics: %VAR% expanded once,
 * the line split at unquoted `&&`, `||`, `&` (`^` escapes, quotes protect), `>&2`,
 * `1>&2`, `2>&1` and `>nul` redirections; builtins echo, set, exit, ver, cd; the
 * programs hostname, whoami, cmd and powershell. Anything else is cmd's
 * "is not recognized" error with ERRORLEVEL 9009. Knows no WS-Man and no PowerShell:
 * powershell.exe is a program it is given.
 */

export interface ConsoleStdin {
  read(): Promise<Buffer | null>;
  readAll(): Promise<Buffer>;
}

/** A console program's standard handles and its stop signal. */
export interface ConsoleIo {
  readonly stdin: ConsoleStdin;
  stdout(text: string): void;
  stderr(text: string): void;
  readonly signal: AbortSignal;
}

/** What a console program sees of the machine and its session. */
export interface ConsoleContext {
  readonly computerName: string;
  /** The user's domain (NetBIOS) or, for a local account, the computer name. */
  readonly userDomain: string;
  readonly userName: string;
  /** Environment variables, names compared case-insensitively (use envGet/envSet). */
  readonly environment: Map<string, string>;
  workingDirectory: string;
  /** WINRS_CODEPAGE, for programs that care (chcp). */
  readonly codepage: number;
}

/** A program run from the command line: `args` is the raw text after its name, as Windows passes it. */
export type ConsoleProgram = (args: string, ctx: ConsoleContext, io: ConsoleIo) => Promise<number>;

export function envGet(env: ReadonlyMap<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of env) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export function envSet(env: Map<string, string>, name: string, value: string | undefined): void {
  for (const k of [...env.keys()]) if (k.toLowerCase() === name.toLowerCase()) env.delete(k);
  if (value !== undefined) env.set(name, value);
}

/** cmd's message for a program it cannot find, with ERRORLEVEL 9009. */
export function notRecognized(name: string): string {
  return `'${name}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`;
}

const NOT_FOUND_EXIT = 9009;
/** The longest command line cmd.exe takes (8191 characters). */
const MAX_LINE = 8191;

type Operator = '&&' | '||' | '&' | '|';

interface Segment {
  readonly text: string;
  /** The operator that joins this segment to the next one. */
  readonly next: Operator | undefined;
}

/** Splits a line at unquoted, unescaped operators. */
export function splitCommands(line: string): Segment[] {
  const out: Segment[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === '^' && !quoted && i + 1 < line.length) {
      current += c + (line[i + 1] as string);
      i++;
    } else if (!quoted && (c === '&' || c === '|')) {
      // `>&2` and `2>&1` are redirections, not operators.
      if (c === '&' && /[<>]$/.test(current)) {
        current += c;
        continue;
      }
      const double = line[i + 1] === c;
      out.push({ text: current, next: (double ? c + c : c) as Operator });
      current = '';
      if (double) i++;
    } else {
      current += c;
    }
  }
  out.push({ text: current, next: undefined });
  return out;
}

/** `^x` → `x` outside quotes (cmd's escape). */
function unescape(text: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') quoted = !quoted;
    if (c === '^' && !quoted && i + 1 < text.length) {
      out += text[++i];
      continue;
    }
    out += c;
  }
  return out;
}

interface Redirections {
  stdout: 'stdout' | 'stderr' | 'null';
  stderr: 'stdout' | 'stderr' | 'null';
  /** A file target, which this cmd.exe does not write. */
  file: string | undefined;
}

/** Takes the redirections out of a command's text. */
function redirections(text: string): { text: string; redirect: Redirections } {
  const redirect: Redirections = { stdout: 'stdout', stderr: 'stderr', file: undefined };
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') quoted = !quoted;
    if (quoted || (c !== '>' && c !== '<')) {
      out += c;
      continue;
    }
    // The handle number directly before: 1> or 2>.
    let handle = 1;
    if (c === '>' && /[12]$/.test(out) && (out.length === 1 || /\s/.test(out[out.length - 2] as string))) {
      handle = Number(out[out.length - 1]);
      out = out.slice(0, -1);
    }
    let j = i + 1;
    if (text[j] === '>') j++;
    let target: string;
    if (text[j] === '&') {
      target = `&${text[j + 1] ?? ''}`;
      j += 2;
    } else {
      while (text[j] === ' ') j++;
      const m = /^("[^"]*"|[^\s<>]+)/.exec(text.slice(j));
      target = m ? (m[1] as string) : '';
      j += target.length;
    }
    i = j - 1;
    const to = target === '&1' ? 'stdout' : target === '&2' ? 'stderr' : target.replace(/"/g, '').toLowerCase() === 'nul' ? 'null' : undefined;
    if (c === '<') continue;
    if (to === undefined) redirect.file = target;
    else if (handle === 2) redirect.stderr = to;
    else redirect.stdout = to;
  }
  return { text: out, redirect };
}

/** %NAME% from the environment; an unknown name stays as it is (cmd /c semantics). */
export function expandVariables(line: string, ctx: ConsoleContext, errorLevel: number): string {
  return line.replace(/%([^%\s=]+)%/g, (whole, name: string) => {
    if (name.toLowerCase() === 'errorlevel') return String(errorLevel);
    if (name.toLowerCase() === 'cd') return ctx.workingDirectory;
    return envGet(ctx.environment, name) ?? whole;
  });
}

export class CmdExe {
  constructor(private readonly programs: ReadonlyMap<string, ConsoleProgram>) {}

  /** Runs a whole command line, as `cmd.exe /c <line>`; resolves with the exit code. */
  async run(line: string, ctx: ConsoleContext, io: ConsoleIo): Promise<number> {
    if (line.length > MAX_LINE) {
      io.stderr('The command line is too long.\r\n');
      return 1;
    }
    let errorLevel = 0;
    const expanded = expandVariables(line, ctx, errorLevel);
    let skip: Operator | undefined;
    // A pipe's left side writes into this, which the right side reads as its stdin.
    let piped: string | undefined;
    for (const seg of splitCommands(expanded)) {
      if (io.signal.aborted) return errorLevel;
      const run = skip === undefined || (skip === '&&' ? errorLevel === 0 : skip === '||' ? errorLevel !== 0 : true);
      const stdin = piped !== undefined ? bufferStdin(piped) : io.stdin;
      piped = seg.next === '|' ? '' : undefined;
      const segIo: ConsoleIo = seg.next === '|' ? { ...io, stdin, stdout: (t) => (piped += t) } : { ...io, stdin };
      if (run && seg.text.trim() !== '') {
        const outcome = await this.simple(seg.text, ctx, segIo);
        errorLevel = outcome.code;
        if (outcome.exit) return errorLevel;
      }
      skip = seg.next === '|' ? undefined : seg.next;
    }
    return errorLevel;
  }

  /** One command: its redirections applied, a builtin or a program run. */
  private async simple(raw: string, ctx: ConsoleContext, io: ConsoleIo): Promise<{ code: number; exit?: boolean }> {
    const { text, redirect } = redirections(raw);
    if (redirect.file !== undefined) {
      io.stderr('Access is denied.\r\n');
      return { code: 1 };
    }
    const route = (to: Redirections['stdout']) => (t: string) => (to === 'stdout' ? io.stdout(t) : to === 'stderr' ? io.stderr(t) : undefined);
    const out: ConsoleIo = { stdin: io.stdin, stdout: route(redirect.stdout), stderr: route(redirect.stderr), signal: io.signal };
    const trimmed = text.replace(/^\s+/, '');
    const m = /^("[^"]*"|[^\s"/]+)(.*)$/s.exec(trimmed);
    if (!m) return { code: 0 };
    const name = (m[1] as string).replace(/"/g, '');
    const rest = m[2] as string;
    const lower = name.toLowerCase();
    switch (lower) {
      case 'echo':
        return { code: echo(rest, out) };
      case 'echo.':
        out.stdout('\r\n');
        return { code: 0 };
      case 'set':
        return { code: set(unescape(rest).trim(), ctx, out) };
      case 'ver':
        out.stdout('\r\nMicrosoft Windows [Version 10.0.20348.2849]\r\n');
        return { code: 0 };
      case 'cd':
      case 'chdir':
        if (rest.trim() === '') out.stdout(`${ctx.workingDirectory}\r\n`);
        else ctx.workingDirectory = unescape(rest).trim().replace(/^\/d\s+/i, '').replace(/"/g, '');
        return { code: 0 };
      case 'rem':
        return { code: 0 };
      case 'exit': {
        const args = rest.trim().split(/\s+/).filter((s) => s !== '');
        const code = args[0]?.toLowerCase() === '/b' ? args[1] : args[0];
        const n = code !== undefined && /^-?\d+$/.test(code) ? Number(code) | 0 : 0;
        return { code: n, exit: true };
      }
    }
    const program = this.programs.get(lower.replace(/\.(exe|com)$/i, '')) ?? this.programs.get(lower);
    if (!program) {
      out.stderr(notRecognized(name));
      return { code: NOT_FOUND_EXIT };
    }
    return { code: await program(unescape(rest), ctx, out) };
  }
}

/** A pipe's captured output as the next command's stdin. */
function bufferStdin(text: string): ConsoleStdin {
  let data: Buffer | null = Buffer.from(text, 'utf8');
  return {
    read: async () => {
      const d = data;
      data = null;
      return d && d.length > 0 ? d : null;
    },
    readAll: async () => {
      const d = data ?? Buffer.alloc(0);
      data = null;
      return d;
    },
  };
}

/** `echo text` prints the text as written (a trailing space kept); `echo` alone says ECHO's state. */
function echo(rest: string, io: ConsoleIo): number {
  if (rest.trim() === '') {
    io.stdout('ECHO is on.\r\n');
    return 0;
  }
  const text = unescape(rest.slice(1));
  if (/^(on|off)$/i.test(text.trim())) return 0;
  io.stdout(`${text}\r\n`);
  return 0;
}

/** `set` lists, `set NAME=value` sets (empty value: removes), `set PREFIX` lists those that start so. */
function set(args: string, ctx: ConsoleContext, io: ConsoleIo): number {
  const arg = args.replace(/^"(.*)"$/, '$1');
  const eq = arg.indexOf('=');
  if (eq > 0) {
    const value = arg.slice(eq + 1);
    envSet(ctx.environment, arg.slice(0, eq), value === '' ? undefined : value);
    return 0;
  }
  const entries = [...ctx.environment].sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const shown = arg === '' ? entries : entries.filter(([k]) => k.toLowerCase().startsWith(arg.toLowerCase()));
  if (shown.length === 0) {
    io.stderr(`Environment variable ${arg} not defined\r\n`);
    return 1;
  }
  for (const [k, v] of shown) io.stdout(`${k}=${v}\r\n`);
  return 0;
}
