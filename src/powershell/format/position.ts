/**
 * InvocationInfo.PositionMessage: "At line:1 char:1", the script line and a squiggle under the
 * extent (PositionUtilities.VerboseMessage in engine/parser/Position.cs). A line longer than 69
 * characters is shown as an excerpt around the extent, with "... " before and " ..." after
 * what was cut, so that "+ " plus the excerpt fits an 80-column console.
 */
import type { PsInvocationInfo } from '../runtime/values';

const MAX_LINE_LENGTH = 69;

/**
 * The position text, lines separated by "\n"; empty for an invocation with no position
 * (`line` 0: the empty extent of a script block run by the host itself).
 */
export function positionMessage(at: PsInvocationInfo): string {
  if (at.line <= 0) return '';
  const file = at.scriptName ?? 'line';
  let sourceLine = at.lineText.replace(/[\r\n].*$/s, '').trimEnd();
  let message = '';
  if (sourceLine !== '') {
    let before = Math.max(0, Math.min(at.column - 1, sourceLine.length));
    // An extent running past its first line is underlined to the end of that line.
    let errorLength = Math.max(0, Math.min(at.length, sourceLine.length - before));
    if (sourceLine.includes('\t')) {
      const head = sourceLine.slice(0, before).replace(/\t/g, '    ');
      const error = sourceLine.slice(before, before + errorLength).replace(/\t/g, '    ');
      sourceLine = head + error + sourceLine.slice(before + errorLength).replace(/\t/g, '    ');
      before = head.length;
      errorLength = error.length;
    }
    let prefixDots = false;
    let suffixDots = false;
    if (sourceLine.length > MAX_LINE_LENGTH) {
      // Keep as much of the extent as fits, with some context on both sides, preferring the left.
      const totalPrefix = before;
      let prefix = Math.min(totalPrefix, 12);
      const totalSuffix = sourceLine.length - errorLength - before;
      let suffix = Math.min(totalSuffix, 8);
      let candidate = prefix + errorLength + suffix;
      if (candidate >= MAX_LINE_LENGTH) {
        if (prefix + errorLength >= MAX_LINE_LENGTH) errorLength = MAX_LINE_LENGTH - prefix;
        suffixDots = true;
      } else {
        const prefixAvailable = totalPrefix - prefix;
        if (prefixAvailable > 0) {
          prefix += Math.min(prefixAvailable, MAX_LINE_LENGTH - candidate);
          candidate = prefix + errorLength + suffix;
        }
        if (candidate < MAX_LINE_LENGTH && totalSuffix > 0) suffix += Math.min(totalSuffix, MAX_LINE_LENGTH - candidate);
        suffixDots = suffix < totalSuffix;
      }
      prefixDots = prefix < totalPrefix;
      const start = Math.max(before - prefix, 0);
      sourceLine = sourceLine.slice(start, start + MAX_LINE_LENGTH);
      before = Math.min(before, prefix);
      errorLength = Math.min(errorLength, MAX_LINE_LENGTH - before);
    }
    const squiggle = ' '.repeat(before + (prefixDots ? 4 : 0)) + '~'.repeat(errorLength > 0 ? errorLength : 1);
    message = `${prefixDots ? '... ' : ''}${sourceLine}${suffixDots ? ' ...' : ''}\n+ ${squiggle}`;
  }
  return `At ${file}:${at.line} char:${at.column}\n+ ${message}`;
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
