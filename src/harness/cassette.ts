/**
 * The cassette: recorded WS-Man exchanges as versioned JSON (issue 12; docs/record-replay.md).
 *
 *   {
 *     "format": "ipam-wsman-cassette", "version": 1,
 *     "recordedAt": "2026-05-01T10:00:00.000Z",
 *     "target": { "url": "http://win1.corp.example:5985/wsman", "authentication": "negotiate" },
 *     "entries": [ {
 *       "request": { "action", "resourceUri", "selectors": {name: value}, "optionSet": [{name, value, type?, mustComply?}],
 *                    "headers": "<s:Header …>", "body": "<s:Body …>", "userAgent"?, "unauthenticated"? },
 *       "reply":   { "status": 200, "contentType": "application/soap+xml;charset=UTF-8", "body": "<s:Envelope …>" },
 *       "host": "win1.corp.example:5985", "timing": { "ms": 41 } } ] }
 *
 * XML is canonical (canonical.ts), volatile values are placeholders (placeholders.ts), and
 * secrets are `<redacted>` (secrets.ts). A request is matched on action, resourceUri, selectors,
 * optionSet and body; `headers` is the header block as the client sent it, which conform sends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { XmlSyntaxError } from '../xml/parse';
import { NS } from '../wsman/namespaces';
import { attrOf, canonicalTree, childOf, elementsOf, serializeCanonical, textOfCanonical, type CanonicalElement } from './canonical';

export const CASSETTE_FORMAT = 'ipam-wsman-cassette';
export const CASSETTE_VERSION = 1;

export interface CassetteOption {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
  readonly mustComply?: boolean;
}

export interface CassetteRequest {
  /** a:Action; absent for Identify. */
  readonly action?: string;
  readonly resourceUri?: string;
  /** w:SelectorSet by name (an EPR-valued selector: its canonical XML). */
  readonly selectors?: Readonly<Record<string, string>>;
  readonly optionSet?: readonly CassetteOption[];
  /** The s:Header element, canonical: what conform sends (with `body`). */
  readonly headers: string;
  /** The s:Body element, canonical: what requests are matched on (with the fields above). */
  readonly body: string;
  /** The client's User-Agent (servers shape datetimes by it: wsman-wire.md §3). */
  readonly userAgent?: string;
  /** Sent with no credentials (an unauthenticated Identify, `WSMANIDENTIFY: unauthenticated`). */
  readonly unauthenticated?: boolean;
}

export interface CassetteReply {
  readonly status: number;
  /** As the target sent it (a sealed reply: the Content-Type of the unsealed envelope). */
  readonly contentType: string;
  /** The envelope, canonical; a body that is not XML as it came (or '' for none). */
  readonly body: string;
}

export interface CassetteEntry {
  readonly request: CassetteRequest;
  readonly reply: CassetteReply;
  /** The target's authority (host:port) the exchange went to. */
  readonly host?: string;
  /** How long the target took, for information (replay does not wait). */
  readonly timing?: { readonly ms: number };
}

export interface Cassette {
  readonly format: typeof CASSETTE_FORMAT;
  readonly version: typeof CASSETTE_VERSION;
  readonly recordedAt?: string;
  readonly target?: { readonly url: string; readonly authentication: 'basic' | 'negotiate' };
  readonly entries: readonly CassetteEntry[];
}

/** A cassette that cannot be used, with what is wrong and where (`entries[3].request.body`). */
export class CassetteError extends Error {
  override readonly name = 'CassetteError';
  constructor(
    message: string,
    /** The entry at fault, when one is. */
    readonly entry?: number,
  ) {
    super(message);
  }
}

/** The fields a request is matched on, read from its canonical envelope. */
export interface RequestFields {
  readonly action?: string;
  readonly resourceUri?: string;
  readonly selectors?: Record<string, string>;
  readonly optionSet?: CassetteOption[];
  readonly headers: CanonicalElement | undefined;
  readonly body: CanonicalElement | undefined;
}

export function requestFields(envelope: CanonicalElement): RequestFields {
  const header = childOf(envelope, NS.soap, 'Header');
  const body = childOf(envelope, NS.soap, 'Body');
  const text = (local: string, ns: string = NS.wsman): string | undefined => {
    const el = childOf(header, ns, local);
    return el ? textOfCanonical(el).trim() : undefined;
  };
  let selectors: Record<string, string> | undefined;
  const set = childOf(header, NS.wsman, 'SelectorSet');
  if (set) {
    selectors = {};
    for (const s of elementsOf(set)) {
      if (s.ns !== NS.wsman || s.local !== 'Selector') continue;
      const epr = elementsOf(s)[0];
      selectors[attrOf(s, '', 'Name') ?? ''] = epr ? serializeCanonical(epr) : textOfCanonical(s).trim();
    }
  }
  let optionSet: CassetteOption[] | undefined;
  const options = childOf(header, NS.wsman, 'OptionSet');
  if (options) {
    optionSet = [];
    for (const o of elementsOf(options)) {
      if (o.ns !== NS.wsman || o.local !== 'Option') continue;
      const type = attrOf(o, '', 'Type');
      const mustComply = attrOf(o, '', 'MustComply');
      optionSet.push({
        name: attrOf(o, '', 'Name') ?? '',
        value: textOfCanonical(o),
        ...(type !== undefined ? { type } : {}),
        ...(mustComply !== undefined ? { mustComply: /^(true|1)$/i.test(mustComply.trim()) } : {}),
      });
    }
  }
  return { action: text('Action', NS.addressing), resourceUri: text('ResourceURI'), selectors, optionSet, headers: header, body };
}

/** A short name for an entry's request in messages and reports: `Get MSFT_IPAM_Server`, `Identify`. */
export function describeRequest(r: { readonly action?: string; readonly resourceUri?: string }): string {
  const last = (uri: string | undefined): string => (uri ?? '').replace(/\/+$/, '').split('/').pop() ?? '';
  if (r.action === undefined) return 'Identify';
  const op = last(r.action) || r.action;
  const resource = last(r.resourceUri);
  if (!resource) return op;
  const base = (r.resourceUri ?? '').replace(/\/+$/, '').toLowerCase();
  return r.action.toLowerCase().startsWith(`${base}/`) ? `${resource}.${op}` : `${op} ${resource}`;
}

// ---------------------------------------------------------------------------
// Reading and writing

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkXml(text: string, where: string, entry: number): void {
  try {
    canonicalTree(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new CassetteError(`${where} is not well-formed XML: ${e.message}`, entry);
    throw e;
  }
}

function isXmlType(contentType: string): boolean {
  return /xml/i.test(contentType) || contentType.trim() === '';
}

function checkEntry(raw: unknown, i: number, source: string): CassetteEntry {
  const at = `${source}: entries[${i}]`;
  const fail = (field: string, what: string): never => {
    throw new CassetteError(`${at}.${field} ${what}`, i);
  };
  if (!isObject(raw)) throw new CassetteError(`${at} must be an object with a request and a reply`, i);
  const { request, reply, host, timing } = raw;
  if (!isObject(request)) return fail('request', 'must be an object');
  if (!isObject(reply)) return fail('reply', 'must be an object');
  for (const f of ['action', 'resourceUri', 'userAgent'] as const) {
    if (request[f] !== undefined && typeof request[f] !== 'string') fail(`request.${f}`, 'must be a string');
  }
  if (request.unauthenticated !== undefined && typeof request.unauthenticated !== 'boolean') fail('request.unauthenticated', 'must be true or false');
  if (request.selectors !== undefined) {
    if (!isObject(request.selectors)) fail('request.selectors', 'must be an object of names and values');
    for (const [k, v] of Object.entries(request.selectors as Record<string, unknown>)) if (typeof v !== 'string') fail(`request.selectors.${k}`, 'must be a string');
  }
  if (request.optionSet !== undefined) {
    if (!Array.isArray(request.optionSet)) fail('request.optionSet', 'must be an array');
    (request.optionSet as unknown[]).forEach((o, j) => {
      if (!isObject(o) || typeof o.name !== 'string' || typeof o.value !== 'string') fail(`request.optionSet[${j}]`, 'must be {"name": string, "value": string}');
    });
  }
  for (const f of ['headers', 'body'] as const) {
    if (typeof request[f] !== 'string') fail(`request.${f}`, 'must be a string of XML');
    checkXml(request[f] as string, `${at}.request.${f}`, i);
  }
  if (typeof reply.status !== 'number' || !Number.isInteger(reply.status) || reply.status < 100 || reply.status > 599) fail('reply.status', 'must be an HTTP status (100 to 599)');
  if (typeof reply.contentType !== 'string') fail('reply.contentType', 'must be a string');
  if (typeof reply.body !== 'string') fail('reply.body', 'must be a string');
  if ((reply.body as string).trim() !== '' && isXmlType(reply.contentType as string)) checkXml(reply.body as string, `${at}.reply.body`, i);
  if (host !== undefined && typeof host !== 'string') fail('host', 'must be a string');
  if (timing !== undefined && (!isObject(timing) || typeof timing.ms !== 'number')) fail('timing', 'must be {"ms": number}');
  return raw as unknown as CassetteEntry;
}

/** Checks a cassette's text; throws CassetteError naming the source, the entry and the field. */
export function parseCassette(text: string, source = 'cassette'): Cassette {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CassetteError(`${source}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new CassetteError(`${source}: a cassette is a JSON object`);
  if (raw.format !== CASSETTE_FORMAT) throw new CassetteError(`${source}: "format" must be "${CASSETTE_FORMAT}" (is this a cassette?)`);
  if (raw.version !== CASSETTE_VERSION) {
    throw new CassetteError(
      typeof raw.version === 'number' && raw.version > CASSETTE_VERSION
        ? `${source}: version ${raw.version} was written by a newer ipam-emulator; this one reads version ${CASSETTE_VERSION}`
        : `${source}: "version" must be ${CASSETTE_VERSION}`,
    );
  }
  if (!Array.isArray(raw.entries)) throw new CassetteError(`${source}: "entries" must be an array`);
  const entries = raw.entries.map((e, i) => checkEntry(e, i, source));
  return { ...(raw as unknown as Cassette), entries };
}

export function readCassette(file: string): Cassette {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CassetteError(`cannot read the cassette ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCassette(text, path.basename(file));
}

/** Writes the whole cassette at once (a temporary file renamed over it), readable by its owner only. */
export function writeCassette(file: string, cassette: Cassette): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(cassette, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}
