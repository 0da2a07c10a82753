/**
 * InvocationInfo.PositionMessage for the error view: "At line:1 char:1", the script line and a
 * squiggle under the extent — PositionUtilities.VerboseMessage, written once in
 * language/extent.ts — and the parse errors' message built from it.
 */
import { positionMessage as languagePositionMessage } from '../language/extent';
import type { PsInvocationInfo } from '../runtime/values';

/**
 * The position text, lines separated by "\n"; empty for an invocation with no position
 * (`line` 0: the empty extent of a script block run by the host itself).
 */
export function positionMessage(at: PsInvocationInfo): string {
  if (at.line <= 0) return '';
  return languagePositionMessage(at);
}

/** One error the parser found: where, and its message ("Missing closing ')' after expression in 'if' statement."). */
export interface ParseErrorInfo {
  readonly position: PsInvocationInfo;
  readonly message: string;
}

/**
 * ParseException.Message: each error's position text then its message, errors separated by a
 * blank line, at most the first ten (5.1 then adds ParserStrings.TooManyErrors, whose text is
 * not known here and is left out). The error view prints it as the message of a record whose
 * position it does not repeat.
 */
export function parseErrorMessage(errors: readonly ParseErrorInfo[]): string {
  return errors
    .slice(0, 10)
    .map((e) => `${positionMessage(e.position)}\n${e.message}`)
    .join('\n\n');
}
