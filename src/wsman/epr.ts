/**
 * Endpoint references (WS-Addressing EPRs) for CIM references: what a reference
 * property, an out parameter, or an EnumerateEPR item looks like on the wire.
 *
 * Selectors inside ReferenceParameters are written with the `wsman:` prefix:
 * wsl pastes these lines verbatim into its Invoke, whose envelope declares only
 * s, wsa, wsman and wsen (reference/clients.md).
 */
import type { ClassRegistry } from '../cim/registry';
import type { CimReference } from '../cim/types';
import { child, childrenNamed, textOf, attr, type XmlElement } from '../xml/parse';
import type { XmlWriter } from '../xml/write';
import { WsmanFault } from './faults';
import { ANONYMOUS, NS } from './namespaces';
import { CIM_NAMESPACE_SELECTOR, classUri, resolveResource, type UriForm } from './resource';
import type { Selector } from './request';

/**
 * Writes `<a:Address>` and `<a:ReferenceParameters>` (the EPR's children). With the DMTF
 * form the selectors also carry __cimnamespace, as Windows does (MS-WSMV <45>).
 */
export function writeEprContent(w: XmlWriter, ref: CimReference, form: UriForm): void {
  w.leaf('a:Address', undefined, ANONYMOUS);
  w.open('a:ReferenceParameters');
  w.leaf('wsman:ResourceURI', undefined, classUri(form, ref.namespace, ref.className));
  w.open('wsman:SelectorSet');
  for (const k of ref.keys) w.leaf('wsman:Selector', { Name: k.name }, k.value);
  if (form === 'dmtf') w.leaf('wsman:Selector', { Name: CIM_NAMESPACE_SELECTOR }, ref.namespace);
  w.close();
  w.close();
}

export function writeEpr(w: XmlWriter, ref: CimReference, form: UriForm): void {
  w.open('a:EndpointReference');
  writeEprContent(w, ref, form);
  w.close();
}

/**
 * Reads a reference from an element that holds an EPR's children, or an
 * EndpointReference child. The class must exist; its keys must be complete.
 */
export function readEpr(registry: ClassRegistry, el: XmlElement): CimReference {
  const epr = child(el, NS.addressing, 'EndpointReference') ?? el;
  const params = child(epr, NS.addressing, 'ReferenceParameters');
  const uriEl = params ? child(params, NS.wsman, 'ResourceURI') : undefined;
  if (!params || !uriEl) {
    throw new WsmanFault('SchemaValidationError', { extra: `The reference in ${el.local} has no ReferenceParameters/ResourceURI.` });
  }
  const set = child(params, NS.wsman, 'SelectorSet');
  const selectors: Selector[] = set
    ? childrenNamed(set, NS.wsman, 'Selector').map((s) => ({ name: attr(s, '', 'Name') ?? '', value: textOf(s) }))
    : [];
  const res = resolveResource(registry, textOf(uriEl).trim(), selectors);
  if (!res.cls) throw new WsmanFault('SchemaValidationError', { extra: `The reference in ${el.local} names no class.` });
  const cls = res.cls;
  const keys = cls.keys.map((k) => {
    const sel = res.keySelectors.find((s) => s.name.toLowerCase() === k.name.toLowerCase());
    if (!sel) {
      throw new WsmanFault('InvalidSelectors', { detail: 'InsufficientSelectors', extra: `The reference in ${el.local} lacks the key ${k.name}.` });
    }
    return { name: k.name, value: sel.value };
  });
  return { kind: 'reference', className: cls.name, namespace: cls.namespace, keys };
}
