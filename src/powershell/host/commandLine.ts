/**
 * powershell.exe's command line (Windows PowerShell 5.1, `powershell -?`): the
 * arguments Windows splits (CommandLineToArgvW's rules), the switches by their
 * shortest unambiguous prefixes as ConsoleHost's CommandLineParameterParser takes
 * them, and the command: -EncodedCommand (Base64 of UTF-16LE), -Command (the rest
 * of the line; `-` reads stdin), or the first argument that is not a switch.
 */

export interface PowerShellArguments {
  readonly noProfile: boolean;
  readonly nonInteractive: boolean;
  readonly noLogo: boolean;
  readonly executionPolicy: string | undefined;
  /** -OutputFormat Text|XML (undefined when not given: then errors go as CLIXML for an -EncodedCommand). */
  readonly outputFormat: 'Text' | 'XML' | undefined;
  readonly inputFormat: 'Text' | 'XML' | undefined;
  /** Where the script comes from. */
  readonly command: { readonly kind: 'encoded'; readonly script: string } | { readonly kind: 'text'; readonly script: string } | { readonly kind: 'stdin' } | { readonly kind: 'none' };
}

export class PowerShellUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PowerShellUsageError';
  }
}

/** ConsoleHost's texts (CommandLineParameterParserStrings). */
export const USAGE_ERRORS = {
  badEncodedCommand: 'Cannot process the command because the value specified with -EncodedCommand is not properly encoded. The value must be Base64 encoded.',
  missingCommand: 'Cannot process the command because of a missing parameter. A command must follow -Command.',
  missingEncodedCommand: 'Cannot process the command because of a missing parameter. A command must follow -EncodedCommand.',
  commandAlreadySpecified: 'Cannot process command because a command is already specified with -Command or -EncodedCommand.',
  tooManyParametersToCommand: "'-' was specified with the -Command parameter; no other arguments to -Command are permitted.",
  missingValue: (name: string) => `Cannot process the command because of a missing parameter. A value must follow -${name}.`,
  badFormat: (name: string, value: string) => `Cannot process the command because "${value}" is not a valid value for -${name}. Specify either "Text" or "XML".`,
  file: 'The -File parameter is not supported by the emulator: it has no script files to run. Use -Command or -EncodedCommand.',
} as const;

/** powershell.exe's exit code when its command line is refused (0xFFFD0000). */
export const USAGE_EXIT_CODE = 0xfffd0000 | 0;

/** Windows' argument splitting (CommandLineToArgvW): spaces separate, quotes group, backslashes escape quotes. */
export function splitArguments(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      let slashes = 0;
      while (line[i] === '\\') {
        slashes++;
        i++;
      }
      if (line[i] === '"') {
        arg += '\\'.repeat(slashes >> 1);
        if (slashes % 2 === 1) {
          arg += '"';
          i++;
        } else if (quoted && line[i + 1] === '"') {
          // "" inside quotes: a literal quote (the MSVC runtime's rule).
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        arg += '\\'.repeat(slashes);
        if (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) arg += line[i++];
      }
    }
    args.push(arg);
  }
  return args;
}

type Switch = 'command' | 'encodedcommand' | 'noprofile' | 'noninteractive' | 'nologo' | 'noexit' | 'executionpolicy' | 'outputformat' | 'inputformat' | 'windowstyle' | 'file' | 'sta' | 'mta' | 'version' | 'configurationname' | 'psconsolefile';

/** Each switch with the shortest prefix that names it (and extra short forms), as 5.1's parser matches them. */
const SWITCHES: ReadonlyArray<readonly [Switch, string, readonly string[]]> = [
  ['command', 'c', []],
  ['encodedcommand', 'e', ['ec']],
  ['executionpolicy', 'ex', ['ep']],
  ['noprofile', 'nop', []],
  ['noninteractive', 'noni', []],
  ['nologo', 'nol', []],
  ['noexit', 'noe', []],
  ['outputformat', 'o', ['of']],
  ['inputformat', 'i', ['if']],
  ['windowstyle', 'w', []],
  ['file', 'f', []],
  ['sta', 'sta', []],
  ['mta', 'mta', []],
  ['version', 'v', []],
  ['configurationname', 'config', []],
  ['psconsolefile', 'psc', []],
];

function switchOf(arg: string): Switch | undefined {
  if (!/^[-/]/.test(arg) || arg.length < 2) return undefined;
  const key = arg.slice(1).toLowerCase();
  for (const [name, min, extra] of SWITCHES) {
    if (extra.includes(key)) return name;
    if (key.length >= min.length && name.startsWith(key)) return name;
  }
  return undefined;
}

/** Base64 as .NET's Convert.FromBase64String takes it (white space ignored, padding strict). */
function decodeBase64(text: string): Buffer | undefined {
  const t = text.replace(/[\s]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

export function parsePowerShellArguments(argsText: string): PowerShellArguments {
  const args = splitArguments(argsText);
  let noProfile = false;
  let nonInteractive = false;
  let noLogo = false;
  let executionPolicy: string | undefined;
  let outputFormat: PowerShellArguments['outputFormat'];
  let inputFormat: PowerShellArguments['inputFormat'];
  let command: PowerShellArguments['command'] = { kind: 'none' };
  const value = (i: number, name: string): string => {
    const v = args[i + 1];
    if (v === undefined) throw new PowerShellUsageError(USAGE_ERRORS.missingValue(name));
    return v;
  };
  const format = (v: string, name: string): 'Text' | 'XML' => {
    const l = v.toLowerCase();
    if ('text'.startsWith(l) && l !== '') return 'Text';
    if ('xml'.startsWith(l) && l !== '') return 'XML';
    throw new PowerShellUsageError(USAGE_ERRORS.badFormat(name, v));
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const sw = switchOf(arg);
    if (sw === undefined || arg === '-') {
      // The first argument that is not a switch begins the command (an implicit -Command).
      if (command.kind !== 'none') throw new PowerShellUsageError(USAGE_ERRORS.commandAlreadySpecified);
      command = arg === '-' ? { kind: 'stdin' } : { kind: 'text', script: args.slice(i).join(' ') };
      break;
    }
    switch (sw) {
      case 'noprofile':
        noProfile = true;
        break;
      case 'noninteractive':
        nonInteractive = true;
        break;
      case 'nologo':
        noLogo = true;
        break;
      case 'noexit':
      case 'sta':
      case 'mta':
        break;
      case 'executionpolicy':
        executionPolicy = value(i, 'ExecutionPolicy');
        i++;
        break;
      case 'windowstyle':
      case 'version':
      case 'configurationname':
      case 'psconsolefile':
        value(i, sw);
        i++;
        break;
      case 'outputformat':
        outputFormat = format(value(i, 'OutputFormat'), 'OutputFormat');
        i++;
        break;
      case 'inputformat':
        inputFormat = format(value(i, 'InputFormat'), 'InputFormat');
        i++;
        break;
      case 'file':
        throw new PowerShellUsageError(USAGE_ERRORS.file);
      case 'encodedcommand': {
        if (command.kind !== 'none') throw new PowerShellUsageError(USAGE_ERRORS.commandAlreadySpecified);
        const v = args[i + 1];
        if (v === undefined) throw new PowerShellUsageError(USAGE_ERRORS.missingEncodedCommand);
        const bytes = decodeBase64(v);
        if (!bytes) throw new PowerShellUsageError(USAGE_ERRORS.badEncodedCommand);
        // Encoding.Unicode.GetString: an odd last byte and lone surrogates become U+FFFD.
        command = { kind: 'encoded', script: new TextDecoder('utf-16le').decode(bytes) };
        i++;
        break;
      }
      case 'command': {
        if (command.kind !== 'none') throw new PowerShellUsageError(USAGE_ERRORS.commandAlreadySpecified);
        const rest = args.slice(i + 1);
        if (rest.length === 0) throw new PowerShellUsageError(USAGE_ERRORS.missingCommand);
        if (rest[0] === '-') {
          if (rest.length > 1) throw new PowerShellUsageError(USAGE_ERRORS.tooManyParametersToCommand);
          command = { kind: 'stdin' };
        } else command = { kind: 'text', script: rest.join(' ') };
        i = args.length;
        break;
      }
    }
  }
  return { noProfile, nonInteractive, noLogo, executionPolicy, outputFormat, inputFormat, command };
}
