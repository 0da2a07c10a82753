/**
 * A WinRS conversation driven envelope by envelope, as pywinrm and Go write them, for
 * the shell door's integration tests: Create, Command, Send, Receive, Signal, Delete.
 */
import { ACTION, NS, attr, bodyOf, call, child, childrenNamed, elements, faultOf, textOf, type FaultInfo } from './soap';
import type { XmlElement } from '../../src/xml/parse';

export const SHELL_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
export const RSP = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';

export interface Received {
  stdout: string;
  stderr: string;
  state: 'Running' | 'Done';
  exitCode: number | undefined;
  /** Streams marked End="true" in this reply. */
  ended: string[];
}

export class ShellClient {
  constructor(
    readonly url: string,
    readonly auth: Record<string, string> = {},
  ) {}

  async create(opts: { idleTimeout?: string; env?: Record<string, string>; codepage?: number; workingDirectory?: string } = {}): Promise<{ shellId: string; reply: XmlElement }> {
    const env = opts.env ? `<rsp:Environment>${Object.entries(opts.env).map(([k, v]) => `<rsp:Variable Name="${k}">${v}</rsp:Variable>`).join('')}</rsp:Environment>` : '';
    const body =
      `<rsp:Shell xmlns:rsp="${RSP}"><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>` +
      (opts.workingDirectory ? `<rsp:WorkingDirectory>${opts.workingDirectory}</rsp:WorkingDirectory>` : '') +
      env +
      (opts.idleTimeout ? `<rsp:IdleTimeOut>${opts.idleTimeout}</rsp:IdleTimeOut>` : '') +
      '</rsp:Shell>';
    const r = await call(
      this.url,
      {
        action: ACTION.create,
        resourceUri: SHELL_URI,
        optionsXml: `<w:Option Name="WINRS_NOPROFILE">FALSE</w:Option><w:Option Name="WINRS_CODEPAGE">${opts.codepage ?? 437}</w:Option>`,
        body,
      },
      this.auth,
    );
    if (r.status !== 200) throw new ShellFault(faultOf(r.xml));
    const created = child(bodyOf(r.xml), NS.transfer, 'ResourceCreated') as XmlElement;
    const params = child(created, NS.addressing, 'ReferenceParameters') as XmlElement;
    const selector = childrenNamed(child(params, NS.wsman, 'SelectorSet') as XmlElement, NS.wsman, 'Selector')[0] as XmlElement;
    return { shellId: textOf(selector), reply: r.xml };
  }

  async command(shellId: string, command: string, args: string[] = [], skipCmdShell = false): Promise<string> {
    const r = await call(
      this.url,
      {
        action: `${RSP}/Command`,
        resourceUri: SHELL_URI,
        selectors: { ShellId: shellId },
        optionsXml: `<w:Option Name="WINRS_CONSOLEMODE_STDIN">TRUE</w:Option><w:Option Name="WINRS_SKIP_CMD_SHELL">${skipCmdShell ? 'TRUE' : 'FALSE'}</w:Option>`,
        body: `<rsp:CommandLine xmlns:rsp="${RSP}"><rsp:Command>${xmlEscape(command)}</rsp:Command>${args.map((a) => `<rsp:Arguments>${xmlEscape(a)}</rsp:Arguments>`).join('')}</rsp:CommandLine>`,
      },
      this.auth,
    );
    if (r.status !== 200) throw new ShellFault(faultOf(r.xml));
    return textOf(child(child(bodyOf(r.xml), RSP, 'CommandResponse') as XmlElement, RSP, 'CommandId') as XmlElement);
  }

  async send(shellId: string, commandId: string, data: string, end: boolean): Promise<void> {
    const r = await call(
      this.url,
      {
        action: `${RSP}/Send`,
        resourceUri: SHELL_URI,
        selectors: { ShellId: shellId },
        body: `<rsp:Send xmlns:rsp="${RSP}"><rsp:Stream Name="stdin" CommandId="${commandId}"${end ? ' End="true"' : ''}>${Buffer.from(data, 'utf8').toString('base64')}</rsp:Stream></rsp:Send>`,
      },
      this.auth,
    );
    if (r.status !== 200) throw new ShellFault(faultOf(r.xml));
  }

  async receive(shellId: string, commandId: string | undefined, operationTimeout = 'PT20S'): Promise<Received> {
    const r = await call(
      this.url,
      {
        action: `${RSP}/Receive`,
        resourceUri: SHELL_URI,
        selectors: { ShellId: shellId },
        operationTimeout,
        body: `<rsp:Receive xmlns:rsp="${RSP}"><rsp:DesiredStream${commandId ? ` CommandId="${commandId}"` : ''}>stdout stderr</rsp:DesiredStream></rsp:Receive>`,
      },
      this.auth,
    );
    if (r.status !== 200) throw new ShellFault(faultOf(r.xml));
    const resp = child(bodyOf(r.xml), RSP, 'ReceiveResponse') as XmlElement;
    const out: Received = { stdout: '', stderr: '', state: 'Running', exitCode: undefined, ended: [] };
    for (const el of elements(resp)) {
      if (el.local === 'Stream') {
        const name = attr(el, '', 'Name');
        const text = Buffer.from(textOf(el), 'base64').toString('utf8');
        if (name === 'stdout') out.stdout += text;
        else if (name === 'stderr') out.stderr += text;
        if (attr(el, '', 'End') === 'true') out.ended.push(name ?? '');
      } else if (el.local === 'CommandState') {
        out.state = (attr(el, '', 'State') ?? '').endsWith('/Done') ? 'Done' : 'Running';
        const code = child(el, RSP, 'ExitCode');
        if (code) out.exitCode = Number(textOf(code));
      }
    }
    return out;
  }

  /** Receives until Done, as pywinrm's loop does (a w:TimedOut fault is retried). */
  async receiveAll(shellId: string, commandId: string): Promise<{ stdout: string; stderr: string; exitCode: number; receives: number }> {
    let stdout = '';
    let stderr = '';
    for (let n = 1; n < 1000; n++) {
      let r: Received;
      try {
        r = await this.receive(shellId, commandId);
      } catch (e) {
        if (e instanceof ShellFault && e.fault.subcode === 'w:TimedOut') continue;
        throw e;
      }
      stdout += r.stdout;
      stderr += r.stderr;
      if (r.state === 'Done') return { stdout, stderr, exitCode: r.exitCode ?? NaN, receives: n };
    }
    throw new Error('the command never finished');
  }

  async signal(shellId: string, commandId: string, code = `${RSP}/signal/terminate`): Promise<XmlElement> {
    const r = await call(
      this.url,
      { action: `${RSP}/Signal`, resourceUri: SHELL_URI, selectors: { ShellId: shellId }, body: `<rsp:Signal xmlns:rsp="${RSP}" CommandId="${commandId}"><rsp:Code>${code}</rsp:Code></rsp:Signal>` },
      this.auth,
    );
    if (r.status !== 200) throw new ShellFault(faultOf(r.xml));
    return r.xml;
  }

  async delete(shellId: string): Promise<XmlElement> {
    const r = await call(this.url, { action: ACTION.delete, resourceUri: SHELL_URI, selectors: { ShellId: shellId } }, this.auth);
    if (r.status !== 200) throw new ShellFault(faultOf(r.xml));
    return r.xml;
  }

  /** Create, run one command line to its end, Signal terminate, Delete: pywinrm's run_cmd. */
  async run(command: string, args: string[] = []): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const { shellId } = await this.create();
    const commandId = await this.command(shellId, command, args);
    const r = await this.receiveAll(shellId, commandId);
    await this.signal(shellId, commandId);
    await this.delete(shellId);
    return r;
  }
}

export class ShellFault extends Error {
  constructor(readonly fault: FaultInfo) {
    super(`${fault.subcode}: ${fault.reason}`);
  }
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `powershell -EncodedCommand <b64>` for a script, as pywinrm's run_ps writes it. */
export function encodedCommand(script: string): string {
  return `powershell -encodedcommand ${Buffer.from(script, 'utf16le').toString('base64')}`;
}
