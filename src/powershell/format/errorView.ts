/**
 * The text Windows PowerShell 5.1 shows for an ErrorRecord: the "ErrorInstance" custom view of
 * PowerShellCore.format.ps1xml ($ErrorView NormalView; 5.1 has no ConciseView).
 *
 *   <prefix : ><message>
 *   At line:1 char:1                       (the invocation's PositionMessage)
 *   + fake cmdlet
 *   + ~~~~
 *       + CategoryInfo          : ObjectNotFound: (fake:String) [], CommandNotFoundException
 *       + FullyQualifiedErrorId : CommandNotFoundException
 *   (one blank)
 *
 * The view builds one string: the CategoryInfo and FullyQualifiedErrorId lines are cut into
 * pieces of ($Host.UI.RawUI.BufferSize.Width - 6) characters, each piece after four blanks and
 * the pieces glued together; the whole text is then word-wrapped at the line width (buffer
 * width - 1). That is why a long FullyQualifiedErrorId continues on a line that starts with
 * three blanks, and why at 80 columns "WriteErrorException" breaks as "WriteErrorExcep"/"tion".
 */
import { ERROR_CATEGORIES, type PsErrorRecord } from '../runtime/values';
import { positionMessage } from './position';
import { shortTypeName, toDisplayString } from './text';
import { wrapLines } from './wrap';

const INDENT = 4;

/** ErrorCategoryInfo's rule for a field over 40 characters: its first and last 15 around "...". */
function ellipsize(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 15)}...${text.slice(-15)}`;
}

/** ErrorCategoryInfo.GetMessage(): "<Category>: (<TargetName>:<TargetType>) [<Activity>], <Reason>". */
export function categoryInfoMessage(record: PsErrorRecord): string {
  const init = record.init;
  const category = ERROR_CATEGORIES.includes(init.category) ? init.category : 'NotSpecified';
  const target = init.targetObject === undefined || init.targetObject === null ? undefined : init.targetObject;
  const targetName = init.targetName ?? (target === undefined ? '' : toDisplayString(target));
  const targetType = init.targetType ?? (target === undefined ? '' : shortTypeName(target));
  const activity = init.activity ?? init.commandName ?? '';
  const reason = init.reason ?? init.exceptionType.slice(init.exceptionType.lastIndexOf('.') + 1);
  return `${category}: (${ellipsize(targetName)}:${ellipsize(targetType)}) [${ellipsize(activity)}], ${ellipsize(reason)}`;
}

/**
 * `"+ Name : " + value -split "(.{$width})"`, the empty pieces dropped and each piece after four
 * blanks, all on one line. ('.' stops at a line feed, as in .NET.)
 */
function indentedPieces(text: string, bufferWidth: number): string {
  const width = Math.max(1, bufferWidth - INDENT - 2);
  return text
    .split(new RegExp(`([^\\n]{${width}})`))
    .filter((piece) => piece !== '')
    .map((piece) => ' '.repeat(INDENT) + piece)
    .join('');
}

/** What the view writes before the message: the invoked command, a script's path, or a script block's text, then " : ". */
function prefixOf(record: PsErrorRecord): string {
  if (record.fullyQualifiedErrorId === 'NativeCommandErrorMessage') return '';
  const name = record.init.invocation?.commandName;
  return name ? `${name} : ` : '';
}

/**
 * The error view's text before wrapping, lines separated by "\n". `bufferWidth` is the host's
 * buffer width, which the view reads itself to cut the CategoryInfo and FullyQualifiedErrorId
 * lines.
 */
export function errorViewText(record: PsErrorRecord, bufferWidth: number): string {
  const init = record.init;
  // A native command's later stderr lines are shown bare.
  if (record.fullyQualifiedErrorId === 'NativeCommandErrorMessage') return init.message;
  const inv = init.invocation;
  // A parse error's message already holds its positions; its record names no command.
  let pos = inv && (inv.commandName || init.category !== 'ParserError') ? positionMessage(inv) : '';
  if (pos !== '') pos = `\n${pos}`;
  pos += `\n${indentedPieces(`+ CategoryInfo          : ${categoryInfoMessage(record)}`, bufferWidth)}`;
  pos += `\n${indentedPieces(`+ FullyQualifiedErrorId : ${record.fullyQualifiedErrorId}`, bufferWidth)}`;
  // ErrorDetails.Message replaces the exception's message, and then no blank line ends the text.
  const body = init.detailsMessage ? init.detailsMessage + pos : `${init.message}${pos}\n `;
  return prefixOf(record) + body;
}

export interface ErrorViewWidth {
  /** $Host.UI.RawUI.BufferSize.Width. */
  readonly bufferWidth: number;
  /** Where lines break; the console host writes one less than its buffer width. */
  readonly columns?: number;
}

/** The lines the console prints for an error record, each without its line end. */
export function errorViewLines(record: PsErrorRecord, width: ErrorViewWidth): string[] {
  const columns = width.columns ?? width.bufferWidth - 1;
  return wrapLines(errorViewText(record, width.bufferWidth), columns, columns);
}

/** The text a plain-text host prints for the warning, verbose and debug streams. */
export function streamRecordText(stream: 'warning' | 'verbose' | 'debug', message: string): string {
  return `${stream.toUpperCase()}: ${message}`;
}
