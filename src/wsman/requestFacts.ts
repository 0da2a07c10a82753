/**
 * What a WS-Man request said, for the request journal (harness/journal.ts): the operation,
 * the selectors, and the method's input parameters as text, with anything that may be a
 * secret replaced by REDACTED. Secrets are told by the parameter's name or its MOF
 * declaration; a parameter the method does not declare is redacted too, since nothing says
 * what it holds (a misspelt `DatabaseCredentail` carries the password all the same).
 */
import type { ClassRegistry } from '../cim/registry';
import { qualifier, type ResolvedMethod, type ResolvedParameter } from '../cim/types';
import type { RequestFacts } from '../harness/journal';
import { attr, elements, textOf, XSI_NS, type XmlElement } from '../xml/parse';
import { ACTION, NS } from './namespaces';
import { methodNameOf } from './ops/invoke';
import type { WsmanPlugin } from './plugin';
import type { WsmanRequest } from './request';
import { CIMXML_PREFIX, resolveResource } from './resource';

/** What a redacted value reads as. */
export const REDACTED = '<redacted>';

/** Names that say "secret": DatabaseCredential, HMACKey, any Password, Credential, Secret, Token… */
const SECRET_NAME = /password|passwd|passphrase|credential|secret|hmac|privatekey|apikey|token/i;

/** The WS-Transfer, WS-Enumeration and WS-Eventing Actions a CIM class answers to, by operation. */
export const CIM_OPERATIONS: ReadonlyMap<string, string> = new Map([
  [ACTION.get, 'Get'],
  [ACTION.put, 'Put'],
  [ACTION.create, 'Create'],
  [ACTION.delete, 'Delete'],
  [ACTION.enumerate, 'Enumerate'],
  [ACTION.pull, 'Pull'],
  [ACTION.release, 'Release'],
  [ACTION.renew, 'Renew'],
  [ACTION.getStatus, 'GetStatus'],
  [ACTION.subscribe, 'Subscribe'],
]);

/** The Actions of a CIM resource other than its methods. */
export const CIM_ACTIONS: readonly string[] = [...CIM_OPERATIONS.keys()];

/**
 * A parameter is secret when its name says so, or its declaration does: an embedded
 * MSFT_Credential (how Windows passes a PSCredential), or a Password/Secret qualifier.
 */
export function isSecretParameter(name: string, declared?: ResolvedParameter): boolean {
  if (SECRET_NAME.test(name)) return true;
  if (!declared) return false;
  const embedded = qualifier(declared.qualifiers, 'embeddedinstance');
  if (typeof embedded === 'string' && /credential/i.test(embedded)) return true;
  return qualifier(declared.qualifiers, 'password') !== undefined || qualifier(declared.qualifiers, 'secret') !== undefined;
}

export interface DescribedRequest {
  readonly facts: RequestFacts;
  /** The redacted values (and the password part of user:password ones), to scrub from fault messages. Never stored. */
  readonly secrets: readonly string[];
}

export function describeRequest(req: WsmanRequest, registry: ClassRegistry, plugin: WsmanPlugin | undefined): DescribedRequest {
  // fromEntries defines each name as an own property, `__proto__` included.
  const selectors: Record<string, string> = Object.fromEntries(req.selectors.map((s) => [s.name, s.epr ? '<EndpointReference>' : s.value]));
  const body = req.bodyElement;
  if (body && body.ns === NS.identity && body.local === 'Identify') return { facts: { operation: 'Identify', door: 'cim', selectors }, secrets: [] };
  if (plugin?.journal) {
    const d = plugin.journal.describe(req);
    return { facts: { operation: d.operation, door: plugin.journal.door, selectors, parameters: d.parameters }, secrets: [] };
  }
  const action = req.action ?? '';
  const standard = CIM_OPERATIONS.get(action);
  if (standard) {
    const getClass = standard === 'Get' && (req.resourceUri ?? '').trim().toLowerCase().startsWith(CIMXML_PREFIX);
    return { facts: { operation: getClass ? 'GetClass' : standard, door: 'cim', selectors }, secrets: [] };
  }
  const methodName = methodNameOf(action, req.resourceUri);
  if (!methodName) return { facts: { door: 'cim', selectors }, secrets: [] };
  const secrets: string[] = [];
  const parameters = body ? parametersOf(body, methodOf(req, registry, methodName), secrets) : {};
  return { facts: { operation: 'Invoke', door: 'cim', methodName, selectors, parameters }, secrets };
}

/** The method the request calls, if its resource and method exist (visibility aside: this only reads declarations). */
function methodOf(req: WsmanRequest, registry: ClassRegistry, name: string): ResolvedMethod | undefined {
  try {
    return resolveResource(registry, req.resourceUri, req.selectors).cls?.method(name);
  } catch {
    return undefined;
  }
}

/** `<M>_INPUT`'s parameters by name; repeated elements (arrays) as a JSON array of their texts. */
function parametersOf(input: XmlElement, method: ResolvedMethod | undefined, secrets: string[]): Record<string, string> {
  const values = new Map<string, string[]>();
  const names = new Map<string, string>();
  for (const el of elements(input)) {
    const declared = method?.parameters.find((p) => p.isIn && p.name.toLowerCase() === el.local.toLowerCase());
    const name = declared?.name ?? el.local;
    const text = valueText(el);
    if (!declared || isSecretParameter(name, declared)) {
      // Only what is known to be a secret is scrubbed from messages; an undeclared value is just not kept.
      if (isSecretParameter(name, declared)) secrets.push(...secretForms(text));
      names.set(name.toLowerCase(), name);
      values.set(name.toLowerCase(), [REDACTED]);
      continue;
    }
    names.set(name.toLowerCase(), name);
    values.set(name.toLowerCase(), [...(values.get(name.toLowerCase()) ?? []), text]);
  }
  return Object.fromEntries([...values].map(([key, list]) => [names.get(key) as string, list.length === 1 ? (list[0] as string) : JSON.stringify(list)]));
}

/** A parameter element's value as text: null, a reference, an embedded instance, or its text. */
function valueText(el: XmlElement): string {
  const nil = attr(el, XSI_NS, 'nil');
  if (nil === 'true' || nil === '1') return '<null>';
  const kids = elements(el);
  if (kids.length === 0) return textOf(el);
  if (kids.some((k) => k.ns === NS.addressing)) return '<EndpointReference>';
  return `<instance ${kids[0]?.local ?? ''}>`;
}

/** A secret as it may turn up in a message: whole, and the password of a `user:password` credential. */
function secretForms(text: string): string[] {
  const forms = text.length >= 4 ? [text] : [];
  // The user part escapes ':' and '\' with a backslash (MOF description of DatabaseCredential).
  const m = /^(?:\\.|[^:\\])*:(.+)$/s.exec(text);
  if (m?.[1] && m[1].length >= 4) forms.push(m[1]);
  return forms;
}

/** Replaces every secret in a message (a fault message that quoted a value) by REDACTED. */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  return out;
}
