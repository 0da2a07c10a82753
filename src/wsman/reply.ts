/**
 * Writes reply envelopes: the normal header Windows emits (Action, MessageID,
 * To anonymous, RelatesTo; MS-WSMV 4.1.x), the empty-header Identify reply,
 * and SOAP 1.2 faults with f:WSManFault or MSFT_WmiError detail.
 */
import { v4 as uuidv4 } from 'uuid';
import { XmlWriter } from '../xml/write';
import type { CimError } from '../cim/errors';
import { ANONYMOUS, NS } from './namespaces';
import type { WsmanFault } from './faults';

export interface ReplyContext {
  /** The request's MessageID, echoed in a:RelatesTo. */
  readonly relatesTo: string | undefined;
  /** xml:lang for reason texts: Windows writes en-US when the request had a Locale, else "". */
  readonly lang: string;
  /** f:WSManFault/@Machine: the host's name, as Windows writes it. */
  readonly machine: string;
  /** The reply's a:MessageID (the same for every envelope written for one request); random when absent. */
  readonly messageId?: string;
}

/** Namespace declarations on every reply envelope. Both `w` and `wsman` name WS-Man (see epr.ts). */
const ENVELOPE_ATTRS = {
  'xml:lang': 'en-US',
  'xmlns:s': NS.soap,
  'xmlns:a': NS.addressing,
  'xmlns:n': NS.enumeration,
  'xmlns:w': NS.wsman,
  'xmlns:wsman': NS.wsman,
  'xmlns:p': NS.wsmv,
  'xmlns:x': NS.transfer,
  'xmlns:b': NS.cimbinding,
  'xmlns:cim': NS.cimCommon,
  'xmlns:xsi': NS.xsi,
} as const;

export function newMessageId(): string {
  return 'uuid:' + uuidv4().toUpperCase();
}

function writeStandardHeader(w: XmlWriter, action: string, rc: ReplyContext): void {
  w.leaf('a:Action', undefined, action);
  w.leaf('a:MessageID', undefined, rc.messageId ?? newMessageId());
  w.leaf('a:To', undefined, ANONYMOUS);
  if (rc.relatesTo !== undefined) w.leaf('a:RelatesTo', undefined, rc.relatesTo);
}

/** A normal reply: `body` writes the children of s:Body. */
export function writeReply(action: string, rc: ReplyContext, body: (w: XmlWriter) => void): string {
  const w = new XmlWriter();
  w.open('s:Envelope', ENVELOPE_ATTRS);
  w.open('s:Header');
  writeStandardHeader(w, action, rc);
  w.close();
  w.open('s:Body');
  body(w);
  w.close();
  w.close();
  return w.toString();
}

/** The Identify reply has an empty header (a real Windows Server 2012 R2 reply; DSP0226 §11). */
export function writeIdentifyReply(body: (w: XmlWriter) => void): string {
  const w = new XmlWriter();
  w.open('s:Envelope', { 'xml:lang': 'en-US', 'xmlns:s': NS.soap });
  w.leaf('s:Header');
  w.open('s:Body');
  body(w);
  w.close();
  w.close();
  return w.toString();
}

/** Windows' reason texts end with a space; ours follow suit. */
function reasonText(text: string): string {
  return text.endsWith(' ') ? text : text + ' ';
}

export function writeFault(
  fault: WsmanFault,
  rc: ReplyContext,
  writeCimError: (w: XmlWriter, err: CimError) => void,
): string {
  const spec = fault.spec;
  const w = new XmlWriter();
  w.open('s:Envelope', ENVELOPE_ATTRS);
  w.open('s:Header');
  writeStandardHeader(w, fault.action, rc);
  const nu = fault.options.notUnderstood;
  if (nu) {
    // SOAP 1.2 Part 1 §5.4.8, with the request's own prefix as Windows does.
    if (nu.ns === '') {
      // A header in no namespace: an unprefixed QName (no default namespace is in scope here).
      w.leaf('s:NotUnderstood', { qname: nu.local });
    } else {
      // Any prefix but `s` may be re-bound on the element itself.
      const prefix = nu.prefix !== '' && nu.prefix !== 's' ? nu.prefix : 'nu';
      w.leaf('s:NotUnderstood', { qname: `${prefix}:${nu.local}`, [`xmlns:${prefix}`]: nu.ns });
    }
  }
  if (fault.fault === 'VersionMismatch') {
    // SOAP 1.2 Part 1 §5.4.7: name the envelope version we do support.
    w.open('s:Upgrade').leaf('s:SupportedEnvelope', { qname: 's:Envelope' }).close();
  }
  w.close();
  w.open('s:Body').open('s:Fault');
  w.open('s:Code');
  w.leaf('s:Value', undefined, `s:${spec.code}`);
  if (spec.code === 'Sender' || spec.code === 'Receiver') {
    // A subcode prefix the envelope does not declare (wsse:) is declared where it is used.
    const declared = `xmlns:${spec.subcode.prefix}` in ENVELOPE_ATTRS;
    w.open('s:Subcode')
      .leaf('s:Value', declared ? undefined : { [`xmlns:${spec.subcode.prefix}`]: spec.subcode.ns }, `${spec.subcode.prefix}:${spec.subcode.local}`)
      .close();
  }
  w.close();
  w.open('s:Reason').leaf('s:Text', { 'xml:lang': rc.lang }, reasonText(fault.message)).close();
  if (spec.code === 'Sender' || spec.code === 'Receiver') {
    w.open('s:Detail');
    if (fault.detailUri) w.leaf('w:FaultDetail', undefined, fault.detailUri);
    const cimError = fault.options.cimError;
    if (cimError) {
      writeCimError(w, cimError);
    } else {
      w.open('f:WSManFault', { 'xmlns:f': NS.wsmanFault, Code: fault.winrmCode, Machine: rc.machine });
      w.leaf('f:Message', undefined, reasonText(fault.message));
      w.close();
    }
    w.close();
  }
  w.close().close();
  w.close();
  return w.toString();
}
