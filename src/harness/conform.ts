/**
 * Holds an endpoint against a recording (`ipam-emulator conform`, issue 12): sends every recorded
 * request in order and reports where each reply differs from the recorded host's.
 *
 * Placeholders thread through the run: a request's MessageID is fresh, identifiers the recorded
 * host handed out are replaced by the ones this endpoint hands out (bound while its replies are
 * compared), so a ShellId, an enumeration context or a job id flows from one exchange to the
 * next as it did when recording. A `<redacted>` secret is sent as given (`secret`), or as is.
 */
import { escapeAttr } from '../xml/write';
import { NS } from '../wsman/namespaces';
import { WsmanTransportError, type WsmanExchange } from '../client/transport';
import { decode, mediaTypeOf } from '../http/body';
import { describeRequest, type Cassette } from './cassette';
import { compareReplies, type Difference } from './compare';
import { defaultHarness, type Harness } from './index';
import { Bindings } from './placeholders';
import { REDACTED } from './secrets';

export interface ConformSendOptions {
  /** Send with no credentials (the recorded request was an unauthenticated Identify). */
  readonly unauthenticated: boolean;
  readonly userAgent?: string;
}

export interface ConformOptions {
  /** Sends one envelope to the endpoint under test; rejects with WsmanTransportError when it cannot be reached. */
  readonly send: (envelope: string, opts: ConformSendOptions) => Promise<WsmanExchange>;
  /** Sent where the cassette says <redacted> (e.g. the DatabaseCredential user:password the recording used). */
  readonly secret?: string;
  readonly harness?: Harness;
}

export interface ConformEntryResult {
  /** Index in the cassette's entries. */
  readonly entry: number;
  /** `Get MSFT_IPAM_Server`, `MSFT_IPAM_Server.InvokeIpamServerProvisioning`, `Identify`… */
  readonly request: string;
  readonly status: { readonly recorded: number; readonly emulator: number | null };
  readonly differences: readonly Difference[];
  /** The request carried a redacted secret and no `secret` was given: a difference may come from that. */
  readonly redacted?: boolean;
  /** The endpoint could not be reached for this request (the run stops there). */
  readonly error?: string;
}

export interface ConformReport {
  readonly cassette?: string;
  readonly endpoint?: string;
  /** Entries in the cassette. */
  readonly entries: number;
  /** Entries sent (fewer when the run stopped on an unreachable endpoint). */
  readonly sent: number;
  /** Entries whose reply differs. */
  readonly differing: number;
  readonly differences: number;
  readonly results: readonly ConformEntryResult[];
}

const REDACTED_XML = escapeAttr(REDACTED);

function replyText(x: WsmanExchange): string {
  if (x.body.length === 0) return '';
  const r = decode(x.body, mediaTypeOf(x.contentType).charset);
  return r.kind === 'ok' ? r.text : x.body.toString('latin1');
}

export async function conform(cassette: Cassette, options: ConformOptions): Promise<ConformReport> {
  const harness = options.harness ?? defaultHarness();
  const bindings = new Bindings({ uuid: () => harness.ids.uuid('conform'), now: () => harness.clock.date() });
  const results: ConformEntryResult[] = [];
  for (const [i, entry] of cassette.entries.entries()) {
    const r = entry.request;
    let xml = `<s:Envelope xmlns:s="${NS.soap}">${bindings.render(r.headers)}${bindings.render(r.body)}</s:Envelope>`;
    const redacted = xml.includes(REDACTED_XML);
    if (redacted && options.secret !== undefined) xml = xml.split(REDACTED_XML).join(escapeAttr(options.secret));
    const base = { entry: i, request: describeRequest(r), ...(redacted && options.secret === undefined ? { redacted: true } : {}) };
    let live: WsmanExchange;
    try {
      live = await options.send(xml, { unauthenticated: r.unauthenticated === true, ...(r.userAgent !== undefined ? { userAgent: r.userAgent } : {}) });
    } catch (e) {
      // The endpoint did not answer (refused, reset, timed out): reported, and the run stops. Anything else is a bug.
      if (!(e instanceof WsmanTransportError)) throw e;
      const message = e instanceof Error ? e.message : String(e);
      results.push({ ...base, status: { recorded: entry.reply.status, emulator: null }, differences: [], error: message });
      break;
    }
    const differences = compareReplies(entry.reply, { status: live.status, contentType: live.contentType, body: replyText(live) }, bindings);
    results.push({ ...base, status: { recorded: entry.reply.status, emulator: live.status }, differences });
  }
  const differing = results.filter((x) => x.differences.length > 0 || x.error !== undefined);
  return {
    entries: cassette.entries.length,
    sent: results.filter((x) => x.error === undefined).length,
    differing: differing.length,
    differences: results.reduce((n, x) => n + x.differences.length, 0),
    results,
  };
}

/** The report as people read it. */
export function formatReport(report: ConformReport): string {
  const lines: string[] = [];
  const head = [report.cassette ? `cassette ${report.cassette}` : undefined, report.endpoint ? `against ${report.endpoint}` : undefined].filter(Boolean).join(' ');
  if (head) lines.push(head);
  for (const r of report.results) {
    if (r.error !== undefined) {
      lines.push(`entries[${r.entry}] ${r.request}: not sent: ${r.error}`);
      continue;
    }
    if (r.differences.length === 0) continue;
    lines.push(`entries[${r.entry}] ${r.request}: ${r.differences.length} difference${r.differences.length === 1 ? '' : 's'}${r.redacted ? ' (the request carried a redacted secret: give it with --secret-env)' : ''}`);
    for (const d of r.differences) lines.push(`  ${d.field}: recorded ${d.recorded === null ? '(absent)' : JSON.stringify(d.recorded)}, emulator ${d.emulator === null ? '(absent)' : JSON.stringify(d.emulator)}`);
  }
  const stopped = report.sent < report.entries ? ` (stopped after ${report.sent} of ${report.entries})` : '';
  lines.push(
    report.differing === 0
      ? `${report.sent} request${report.sent === 1 ? '' : 's'} sent${stopped}: no differences`
      : `${report.sent} request${report.sent === 1 ? '' : 's'} sent${stopped}: ${report.differing} with differences (${report.differences} in all)`,
  );
  return lines.join('\n') + '\n';
}
