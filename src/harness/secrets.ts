/**
 * Secrets out of recorded traffic (issue 12): nothing a cassette holds may carry a password.
 *
 *  - In a request, the value of any element, option or selector whose name says Password or
 *    Credential (DatabaseCredential `user:password`, an embedded credential's Password) becomes
 *    `<redacted>`; so does, on a WinRS command line (rsp:Command, rsp:Arguments, a PowerShell
 *    `-EncodedCommand` script, stdin sent with rsp:Send), the argument of a `-…Password…` or
 *    `-…Credential…` parameter and the string given to ConvertTo-SecureString.
 *  - Every secret found so, and every password the recorder knows (the target's, the fixture's
 *    accounts and SQL logins), is then scrubbed wherever it appears, in requests and replies
 *    (base64 streams decoded first): a reply or an error message that echoes a password loses it.
 *
 * The Authorization header never reaches a cassette: only envelopes are recorded.
 */
import { NS } from '../wsman/namespaces';
import { mapValues, type CanonicalAttribute, type CanonicalElement } from './canonical';

export const REDACTED = '<redacted>';

const SHELL_NS = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
const SECRET_NAME = /password|credential/i;
/** Shorter secrets would scrub ordinary text ("a", "sa"); a redacted parameter value is removed whatever its length. */
const MIN_SCRUBBED = 4;

/** PowerShell: `-XPassword value`, `-DatabaseCredential:value`; quoted or bare values. */
const PS_SECRET_PARAMETER = /(-[\w]*(?:password|credential)[\w]*)(\s*:\s*|\s+)('(?:[^']|'')*'|"(?:[^"`]|`.|"")*"|[^\s;|)]+)/gi;
/** ConvertTo-SecureString 'text' | -String 'text' (the plain text of a SecureString). */
const PS_SECURE_STRING = /(ConvertTo-SecureString\s+(?:-String\s+)?)('(?:[^']|'')*'|"(?:[^"`]|`.|"")*"|[^\s;|)]+)/gi;
const PS_ENCODED = /(-e(?:nc(?:odedcommand)?|ncodedcommand|c)?\s+)([A-Za-z0-9+/]{8,}={0,2})/gi;

/** The secrets met so far, to scrub wherever they appear. */
export class SecretSet {
  private readonly values = new Set<string>();

  constructor(initial: Iterable<string | undefined> = []) {
    for (const v of initial) this.add(v);
  }

  add(value: string | undefined): void {
    if (value === undefined || value === REDACTED) return;
    const v = value.trim();
    if (v.length >= MIN_SCRUBBED) this.values.add(v);
    // DatabaseCredential is user:password (the user name escaped): the password alone too.
    const colon = unescapedColon(v);
    if (colon !== -1 && v.length - colon - 1 >= MIN_SCRUBBED) this.values.add(v.slice(colon + 1));
  }

  get size(): number {
    return this.values.size;
  }

  /** Text with every known secret replaced by <redacted>, longest first. */
  scrub(text: string): string {
    if (this.values.size === 0) return text;
    let out = text;
    for (const v of [...this.values].sort((x, y) => y.length - x.length)) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }
}

/** The first colon not escaped with a backslash (DatabaseCredential escapes `:` and `\` in the user name). */
function unescapedColon(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ':') return i;
  }
  return -1;
}

function unquote(v: string): string {
  return (v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"')) ? v.slice(1, -1) : v;
}

function quoteLike(original: string): string {
  if (original.startsWith("'")) return `'${REDACTED}'`;
  if (original.startsWith('"')) return `"${REDACTED}"`;
  return REDACTED;
}

/** A PowerShell or cmd command line with its secrets redacted (recorded in `secrets`). */
export function redactCommandLine(text: string, secrets: SecretSet): string {
  let out = text.replace(PS_ENCODED, (whole, flag: string, b64: string) => {
    const script = Buffer.from(b64, 'base64').toString('utf16le');
    // Only what decodes to text is a script: anything else is left alone.
    if (Buffer.from(script, 'utf16le').toString('base64') !== b64 || hasControlCharacters(script)) return whole;
    const redacted = redactScript(script, secrets);
    return redacted === script ? whole : flag + Buffer.from(redacted, 'utf16le').toString('base64');
  });
  out = redactScript(out, secrets);
  return out;
}

/** NUL and the controls below TAB: bytes, not the text of a script. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 9) return true;
  return false;
}

function redactScript(script: string, secrets: SecretSet): string {
  return script
    .replace(PS_SECURE_STRING, (_w, head: string, value: string) => {
      secrets.add(unquote(value));
      return head + quoteLike(value);
    })
    .replace(PS_SECRET_PARAMETER, (whole, name: string, sep: string, value: string) => {
      // A value that is itself an expression (a variable, a sub-expression) holds no literal secret.
      if (/^[$(@]/.test(value)) return whole;
      secrets.add(unquote(value));
      return name + sep + quoteLike(value);
    });
}

function isShell(el: CanonicalElement, local: string): boolean {
  return el.ns === SHELL_NS && el.local === local;
}

/** Base64 text as UTF-8, when it is that (a stream of text); undefined otherwise. */
function decodeBase64Text(text: string): string | undefined {
  const t = text.trim();
  if (t === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  const bytes = Buffer.from(t, 'base64');
  const decoded = bytes.toString('utf8');
  return Buffer.from(decoded, 'utf8').equals(bytes) ? decoded : undefined;
}

/** A value that is a secret by its name (element local name, Option or Selector Name). */
function namedSecret(owner: CanonicalElement, attribute: CanonicalAttribute | undefined): boolean {
  if (attribute) return false;
  if (owner.ns === NS.wsman && (owner.local === 'Option' || owner.local === 'Selector')) {
    const name = owner.attrs.find((a) => a.ns === '' && a.local === 'Name')?.value ?? '';
    return SECRET_NAME.test(name);
  }
  return SECRET_NAME.test(owner.local);
}

/**
 * A request envelope with its secrets redacted: named parameters, WinRS command lines and
 * stdin; then every known secret scrubbed. Adds what it finds to `secrets`.
 */
export function redactRequest(envelope: CanonicalElement, secrets: SecretSet): CanonicalElement {
  const named = mapValues(envelope, (value, owner, attribute) => {
    if (namedSecret(owner, attribute) && owner.children.every((c) => typeof c === 'string')) {
      secrets.add(value);
      return REDACTED;
    }
    if (!attribute && (isShell(owner, 'Command') || isShell(owner, 'Arguments'))) return redactCommandLine(value, secrets);
    if (!attribute && isShell(owner, 'Stream')) {
      const text = decodeBase64Text(value);
      if (text === undefined) return value;
      const redacted = redactCommandLine(text, secrets);
      return redacted === text ? value : Buffer.from(redacted, 'utf8').toString('base64');
    }
    return value;
  });
  return scrubTree(named, secrets);
}

/** Every known secret out of a tree's values, base64 streams (rsp:Stream, rsp:Send) decoded to look. */
export function scrubTree(tree: CanonicalElement, secrets: SecretSet): CanonicalElement {
  if (secrets.size === 0) return tree;
  return mapValues(tree, (value, owner, attribute) => {
    if (!attribute && isShell(owner, 'Stream')) {
      const text = decodeBase64Text(value);
      if (text !== undefined) {
        const scrubbed = secrets.scrub(text);
        return scrubbed === text ? value : Buffer.from(scrubbed, 'utf8').toString('base64');
      }
    }
    return secrets.scrub(value);
  });
}
