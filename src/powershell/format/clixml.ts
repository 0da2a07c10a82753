/**
 * powershell.exe's stderr under -EncodedCommand with stderr redirected (WinRS): every record of
 * the error, warning, verbose, debug, progress and information streams serialised as CLIXML
 * (ConsoleHost's WrappedSerializer, Microsoft.PowerShell.ConsoleHost/host/msh/Serialization.cs,
 * and ConsoleHostUserInterface's Write*Line methods).
 *
 * - The first record writes "#< CLIXML" + CRLF, then opens
 *   <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">;
 *   `close()` writes </Objs>. Nothing at all is written when no record came.
 * - An error is the error view's text, one <S S="Error"> per line with its CRLF
 *   ("line_x000D__x000A_"); an empty line is not written (WriteErrorLine skips empty strings),
 *   which is why the final line of the view is a single blank.
 * - Warning, verbose and debug messages are <S S="warning|verbose|debug"> without prefix or
 *   line end.
 * - Progress is a PSCustomObject {SourceId, Record}: <Obj S="progress" RefId="n"> with the
 *   type names once (<TN RefId="0">) and <TNRef RefId="0" /> after.
 * - Information records (<Obj S="information">) carry Write-Host's text too: 5.1 writes
 *   Write-Host to stdout AND serialises its record here.
 *
 * Strings are encoded as InternalSerializer.EncodeString does (engine/serialization.cs):
 * control characters (U+0000–U+001F, U+007F–U+009F), every surrogate, and a "_" followed by
 * "x" or "X" become _xHHHH_ (upper-case hex); XmlWriter then escapes &, < and >.
 */
import type { PsProgressRecord } from '../runtime/commands';
import { PsDateTime, type PsErrorRecord } from '../runtime/values';
import { escapeAttr, escapeText } from '../../xml/write';
import { roundtripDateTime, UTC, type UtcOffset } from './dates';
import { errorViewLines } from './errorView';

export const CLIXML_HEADER = '#< CLIXML\r\n';
export const CLIXML_NAMESPACE = 'http://schemas.microsoft.com/powershell/2004/04';
export const CLIXML_OPEN = `<Objs Version="1.1.0.1" xmlns="${CLIXML_NAMESPACE}">`;
export const CLIXML_CLOSE = '</Objs>';

/** InternalSerializer.EncodeString. */
export function encodeClixmlString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text[i + 1];
    const escapeUnderscore = c === 0x5f && (next === 'x' || next === 'X');
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) || escapeUnderscore) {
      out += `_x${c.toString(16).toUpperCase().padStart(4, '0')}_`;
    } else {
      out += text[i];
    }
  }
  return out;
}

/** An element holding encoded text; XmlWriter closes an empty one as <X />. */
function element(name: string, text: string, attrs: string = ''): string {
  const content = escapeText(encodeClixmlString(text));
  return content === '' ? `<${name}${attrs} />` : `<${name}${attrs}>${content}</${name}>`;
}

const named = (n: string): string => ` N="${escapeAttr(encodeClixmlString(n))}"`;

/** Who writes the information records (InformationRecord's User, Computer and process fields). */
export interface ClixmlHostIdentity {
  /** "DOMAIN\\user". */
  readonly user: string;
  readonly computer: string;
  readonly processId: number;
  readonly nativeThreadId: number;
  readonly managedThreadId: number;
}

export interface ClixmlStderrOptions {
  /** $Host.UI.RawUI.BufferSize.Width, which the error view is laid out for (default 120). */
  readonly bufferWidth?: number;
  readonly host?: ClixmlHostIdentity;
  readonly utcOffset?: UtcOffset;
  /** The clock for InformationRecord.TimeGenerated. */
  readonly now?: () => Date;
  /** The console colours Write-Host records when given none ($Host.UI.RawUI's; Gray on Black under WinRS). */
  readonly foregroundColor?: string;
  readonly backgroundColor?: string;
}

/** A Write-Host or Write-Information record. */
export interface InformationMessage {
  readonly text: string;
  /** Write-Host: MessageData is a HostInformationMessage and the record is tagged PSHOST. */
  readonly fromHost: boolean;
  readonly noNewLine?: boolean;
  /** The script's path, or the command's name at top level ("Write-Host"). */
  readonly source?: string;
  readonly tags?: readonly string[];
  readonly foregroundColor?: string;
  readonly backgroundColor?: string;
}

const DEFAULT_HOST: ClixmlHostIdentity = { user: 'WORKGROUP\\Administrator', computer: 'localhost', processId: 4200, nativeThreadId: 4204, managedThreadId: 1 };
const PS_CUSTOM_OBJECT = ['System.Management.Automation.PSCustomObject', 'System.Object'];
const STRING_LIST = ['System.Collections.Generic.List`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]', 'System.Object'];

export class ClixmlStderr {
  #started = false;
  #closed = false;
  #nextRefId = 0;
  readonly #typeNameRefs = new Map<string, number>();

  constructor(
    private readonly writeChunk: (chunk: string) => void,
    private readonly options: ClixmlStderrOptions = {},
  ) {}

  /** True once a record has been written (stderr is no longer empty). */
  get started(): boolean {
    return this.#started;
  }

  /** An error record, laid out by the error view for the host's width. */
  error(record: PsErrorRecord): void {
    const lines = errorViewLines(record, { bufferWidth: this.options.bufferWidth ?? 120 });
    for (const line of lines) this.errorLine(line);
  }

  /** One line of error text (ConsoleHostUserInterface.WriteErrorLine). */
  errorLine(line: string): void {
    if (line === '') return;
    this.emit(element('S', `${line}\r\n`, ' S="Error"'));
  }

  warning(text: string): void {
    this.emit(element('S', text, ' S="warning"'));
  }

  verbose(text: string): void {
    this.emit(element('S', text, ' S="verbose"'));
  }

  debug(text: string): void {
    this.emit(element('S', text, ' S="debug"'));
  }

  progress(sourceId: number, record: PsProgressRecord): void {
    const refId = this.refId();
    const currentOperation = record.currentOperation === undefined ? '<Nil />' : element('S', record.currentOperation);
    const pr =
      `<PR N="Record">${element('AV', record.activity)}${element('AI', String(record.activityId))}${currentOperation}` +
      `${element('PI', String(record.parentActivityId))}${element('PC', String(record.percentComplete))}${element('T', record.recordType)}` +
      `${element('SR', String(record.secondsRemaining))}${element('SD', record.statusDescription)}</PR>`;
    this.emit(`<Obj S="progress" RefId="${refId}">${this.typeNames(PS_CUSTOM_OBJECT)}<MS><I64 N="SourceId">${sourceId}</I64>${pr}</MS></Obj>`);
  }

  information(message: InformationMessage): void {
    const host = this.options.host ?? DEFAULT_HOST;
    const refId = this.refId();
    const head = `<Obj S="information" RefId="${refId}">${this.typeNames(['System.Management.Automation.InformationRecord', 'System.Object'])}${element('ToString', message.text)}`;
    let messageData: string;
    if (message.fromHost) {
      const dataRef = this.refId();
      messageData =
        `<Obj N="MessageData" RefId="${dataRef}">${this.typeNames(['System.Management.Automation.HostInformationMessage', 'System.Object'])}` +
        `${element('ToString', message.text)}<Props>${element('S', message.text, named('Message'))}<B N="NoNewLine">${message.noNewLine ? 'true' : 'false'}</B>` +
        `${element('S', message.foregroundColor ?? this.options.foregroundColor ?? 'Gray', named('ForegroundColor'))}` +
        `${element('S', message.backgroundColor ?? this.options.backgroundColor ?? 'Black', named('BackgroundColor'))}</Props></Obj>`;
    } else {
      messageData = element('S', message.text, named('MessageData'));
    }
    const time = roundtripDateTime(new PsDateTime((this.options.now ?? (() => new Date()))(), 'Local'), this.options.utcOffset ?? UTC);
    const tags = message.tags ?? (message.fromHost ? ['PSHOST'] : []);
    const tagsRef = this.refId();
    const list = tags.length === 0 ? '<LST />' : `<LST>${tags.map((t) => element('S', t)).join('')}</LST>`;
    const props =
      `${messageData}${element('S', message.source ?? (message.fromHost ? 'Write-Host' : 'Write-Information'), named('Source'))}` +
      `<DT N="TimeGenerated">${time}</DT><Obj N="Tags" RefId="${tagsRef}">${this.typeNames(STRING_LIST)}${list}</Obj>` +
      `${element('S', host.user, named('User'))}${element('S', host.computer, named('Computer'))}` +
      `<U32 N="ProcessId">${host.processId}</U32><U32 N="NativeThreadId">${host.nativeThreadId}</U32><U32 N="ManagedThreadId">${host.managedThreadId}</U32>`;
    this.emit(`${head}<Props>${props}</Props></Obj>`);
  }

  /** Closes the document (at process exit); nothing when nothing was written. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#started) this.writeChunk(CLIXML_CLOSE);
  }

  private emit(xml: string): void {
    if (this.#closed) throw new Error('CLIXML stderr written after close');
    if (!this.#started) {
      this.#started = true;
      // The header is its own write (TextWriter.WriteLine), the XML follows from the XmlWriter.
      this.writeChunk(CLIXML_HEADER);
      this.writeChunk(CLIXML_OPEN + xml);
      return;
    }
    this.writeChunk(xml);
  }

  private refId(): number {
    return this.#nextRefId++;
  }

  /** <TN RefId="n"> the first time a list of type names is written, <TNRef RefId="n" /> after. */
  private typeNames(names: readonly string[]): string {
    const key = names.join('\n');
    const known = this.#typeNameRefs.get(key);
    if (known !== undefined) return `<TNRef RefId="${known}" />`;
    const id = this.#typeNameRefs.size;
    this.#typeNameRefs.set(key, id);
    return `<TN RefId="${id}">${names.map((n) => element('T', n)).join('')}</TN>`;
  }
}
