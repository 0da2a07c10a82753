/**
 * Turns exchanges into cassette entries (issue 12): canonical XML, secrets redacted and
 * scrubbed, volatile values replaced by placeholders, kept in the order requests arrived, and
 * the cassette file rewritten after each entry (so a recorder that is killed loses nothing
 * already answered). No sockets here: the proxy (cli/record.ts) hands exchanges in.
 */
import { XmlSyntaxError } from '../xml/parse';
import {
  CASSETTE_FORMAT,
  CASSETTE_VERSION,
  requestFields,
  writeCassette,
  type Cassette,
  type CassetteEntry,
  type CassetteRequest,
} from './cassette';
import { canonicalTree, serializeCanonical, type CanonicalElement } from './canonical';
import { Normaliser } from './placeholders';
import { SecretSet, redactRequest, scrubTree } from './secrets';
import { NS } from '../wsman/namespaces';

export interface RecordedExchange {
  /** The request envelope as the client sent it (unsealed). */
  readonly requestXml: string;
  readonly userAgent?: string;
  readonly unauthenticated: boolean;
  readonly status: number;
  readonly contentType: string;
  /** The reply body as text (unsealed and decoded); '' for none. */
  readonly replyText: string;
  readonly host?: string;
  readonly ms?: number;
}

export interface CassetteRecorderOptions {
  /** Written after every entry; none: kept in memory only. */
  readonly file?: string;
  readonly target?: Cassette['target'];
  /** Passwords to scrub from everything recorded (the target's, the fixture's). */
  readonly secrets?: Iterable<string | undefined>;
  readonly recordedAt?: Date;
}

const EMPTY_HEADER: CanonicalElement = { ns: NS.soap, local: 'Header', attrs: [], children: [] };
const EMPTY_BODY: CanonicalElement = { ns: NS.soap, local: 'Body', attrs: [], children: [] };

/** Every string under a key named "password" in a parsed fixture (accounts, SQL logins), at any depth. */
export function passwordsIn(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (/password/i.test(k) && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(value);
  return out;
}

export class CassetteRecorder {
  private readonly normaliser = new Normaliser();
  private readonly secrets: SecretSet;
  /** Slots in arrival order; a slot stays empty until its exchange completes (or is dropped). */
  private readonly slots: (CassetteEntry | null | undefined)[] = [];
  private readonly recordedAt: string;

  constructor(private readonly options: CassetteRecorderOptions = {}) {
    this.secrets = new SecretSet(options.secrets ?? []);
    this.recordedAt = (options.recordedAt ?? new Date()).toISOString();
  }

  /** Keeps a place for a request that has just arrived, so entries are in arrival order. */
  reserve(): number {
    this.slots.push(undefined);
    return this.slots.length - 1;
  }

  /** A reserved request that will not be recorded (the target could not be reached). */
  drop(slot: number): void {
    this.slots[slot] = null;
  }

  /**
   * Records one exchange in its slot; returns the entry, or undefined when the request is not
   * an XML envelope (forwarded, but nothing could be matched on it).
   */
  record(slot: number, x: RecordedExchange): CassetteEntry | undefined {
    let request: CanonicalElement;
    try {
      request = redactRequest(canonicalTree(x.requestXml), this.secrets);
    } catch (e) {
      if (!(e instanceof XmlSyntaxError)) throw e;
      this.drop(slot);
      return undefined;
    }
    let reply: CanonicalElement | undefined;
    if (x.replyText.trim() !== '') {
      try {
        reply = scrubTree(canonicalTree(x.replyText), this.secrets);
      } catch (e) {
        if (!(e instanceof XmlSyntaxError)) throw e;
      }
    }
    const normalised = this.normaliser.normaliseExchange(request, reply);
    const fields = requestFields(normalised.request);
    const entryRequest: CassetteRequest = {
      ...(fields.action !== undefined ? { action: fields.action } : {}),
      ...(fields.resourceUri !== undefined ? { resourceUri: fields.resourceUri } : {}),
      ...(fields.selectors !== undefined ? { selectors: fields.selectors } : {}),
      ...(fields.optionSet !== undefined ? { optionSet: fields.optionSet } : {}),
      headers: serializeCanonical(fields.headers ?? EMPTY_HEADER),
      body: serializeCanonical(fields.body ?? EMPTY_BODY),
      ...(x.userAgent !== undefined ? { userAgent: x.userAgent } : {}),
      ...(x.unauthenticated ? { unauthenticated: true } : {}),
    };
    const entry: CassetteEntry = {
      request: entryRequest,
      reply: {
        status: x.status,
        contentType: x.contentType,
        body: normalised.reply ? serializeCanonical(normalised.reply) : this.secrets.scrub(this.normaliser.normaliseText(x.replyText)),
      },
      ...(x.host !== undefined ? { host: x.host } : {}),
      ...(x.ms !== undefined ? { timing: { ms: Math.round(x.ms) } } : {}),
    };
    this.slots[slot] = entry;
    this.flush();
    return entry;
  }

  /** The cassette so far: completed entries in arrival order. */
  cassette(): Cassette {
    return {
      format: CASSETTE_FORMAT,
      version: CASSETTE_VERSION,
      recordedAt: this.recordedAt,
      ...(this.options.target ? { target: this.options.target } : {}),
      entries: this.slots.filter((e): e is CassetteEntry => e !== undefined && e !== null),
    };
  }

  flush(): void {
    if (this.options.file) writeCassette(this.options.file, this.cassette());
  }
}
