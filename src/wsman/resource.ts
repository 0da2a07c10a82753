/**
 * Resolves a ResourceURI (+ __cimnamespace selector) to a CIM namespace and class,
 * and builds resource URIs for replies. Both forms name the same class
 * (MS-WSMV 3.1.4.1.1, 3.1.4.1.2, 4.11.2):
 *   WMI:  http://schemas.microsoft.com/wbem/wsman/1/wmi/<namespace path>/<Class>
 *   DMTF: http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/<Class> + __cimnamespace
 * Namespaces and class names compare case-insensitively.
 */
import type { ClassRegistry } from '../cim/registry';
import type { ResolvedClass } from '../cim/types';
import { CODE_DIFFERENT_CIM_SELECTOR, CODE_UNKNOWN_RESOURCE_URI, WsmanFault } from './faults';
import type { Selector } from './request';

export const WMI_PREFIX = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/';
export const DMTF_CLASS_PREFIX = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
export const DMTF_WILDCARD = 'http://schemas.dmtf.org/wbem/wscim/1/*';
export const CIMXML_PREFIX = 'http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/';
export const CIM_NAMESPACE_SELECTOR = '__cimnamespace';
/** What Windows assumes when a DMTF URI comes without __cimnamespace. */
export const DEFAULT_CIM_NAMESPACE = 'root/cimv2';

export type UriForm = 'wmi' | 'dmtf';

export interface ResolvedResource {
  readonly form: UriForm;
  /** The namespace as registered (e.g. root/Microsoft/IPAM). */
  readonly namespace: string;
  /** The class, or undefined for a wildcard URI (`…/*`, enumeration by query). */
  readonly cls: ResolvedClass | undefined;
  /** Selectors other than __cimnamespace. */
  readonly keySelectors: readonly Selector[];
  /** True for the CIM-XML URI used by GetClass. */
  readonly isClassSchema: boolean;
}

function startsWithCI(s: string, prefix: string): boolean {
  return s.length >= prefix.length && s.slice(0, prefix.length).toLowerCase() === prefix;
}

export function normalizeNamespace(ns: string): string {
  return ns.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
}

/**
 * Resolves a resource URI. `wantClass` says whether a concrete class is required
 * (Get, Invoke) or a wildcard is acceptable (Enumerate with a filter).
 */
export function resolveResource(
  registry: ClassRegistry,
  resourceUri: string | undefined,
  selectors: readonly Selector[],
  /** Whether a namespace exists on the host asked (root/Microsoft/IPAM only where the IPAM feature is installed). */
  visible?: (namespace: string) => boolean,
): ResolvedResource {
  if (resourceUri === undefined || resourceUri === '') {
    throw new WsmanFault('DestinationUnreachable', {
      detail: 'InvalidResourceURI',
      winrmCode: CODE_UNKNOWN_RESOURCE_URI,
      extra: 'The request has no ResourceURI header.',
    });
  }
  const uri = resourceUri.trim();
  const nsSelector = selectors.find((s) => s.name.toLowerCase() === CIM_NAMESPACE_SELECTOR);
  const keySelectors = selectors.filter((s) => s !== nsSelector);
  const selectorNs = nsSelector ? normalizeNamespace(nsSelector.value.trim()) : undefined;

  let form: UriForm;
  let nsPath: string;
  let className: string;
  let isClassSchema = false;
  if (startsWithCI(uri, WMI_PREFIX)) {
    form = 'wmi';
    const rest = uri.slice(WMI_PREFIX.length);
    const slash = rest.lastIndexOf('/');
    if (slash <= 0) throw unknownResource(uri);
    nsPath = normalizeNamespace(rest.slice(0, slash));
    className = rest.slice(slash + 1);
    if (selectorNs !== undefined && selectorNs.toLowerCase() !== nsPath.toLowerCase()) {
      // MS-WSMV <46>: a WMI URI whose namespace disagrees with __cimnamespace is refused.
      throw new WsmanFault('InternalError', {
        winrmCode: CODE_DIFFERENT_CIM_SELECTOR,
        message:
          'The WS-Management service cannot process the request. The resource URI and __cimnamespace selector attempted to use different namespaces. ' +
          'Try removing the __cimnamespace selector or using a DMTF resource URI. If a non-DMTF resource URI is used with a __cimnamespace selector, the namespaces must match.',
      });
    }
  } else if (startsWithCI(uri, DMTF_CLASS_PREFIX) || startsWithCI(uri, CIMXML_PREFIX)) {
    form = 'dmtf';
    isClassSchema = startsWithCI(uri, CIMXML_PREFIX);
    className = uri.slice(isClassSchema ? CIMXML_PREFIX.length : DMTF_CLASS_PREFIX.length);
    nsPath = selectorNs ?? DEFAULT_CIM_NAMESPACE;
  } else if (uri.toLowerCase() === DMTF_WILDCARD) {
    form = 'dmtf';
    className = '*';
    nsPath = selectorNs ?? DEFAULT_CIM_NAMESPACE;
  } else {
    throw unknownResource(uri);
  }

  if (className === '' || className.includes('/') || !/^(\*|[A-Za-z_][A-Za-z0-9_]*)$/.test(className)) throw unknownResource(uri);
  const namespace = registry.canonicalNamespace(nsPath);
  if (namespace === undefined || (visible !== undefined && !visible(namespace))) {
    throw new WsmanFault('DestinationUnreachable', { detail: 'InvalidResourceURI', extra: `The CIM namespace ${nsPath} does not exist.` });
  }
  if (className === '*') return { form, namespace, cls: undefined, keySelectors, isClassSchema };
  const cls = registry.getClass(namespace, className);
  if (!cls) {
    throw new WsmanFault('DestinationUnreachable', {
      detail: 'InvalidResourceURI',
      extra: `The class ${className} does not exist in the ${nsPath} namespace.`,
    });
  }
  return { form, namespace, cls, keySelectors, isClassSchema };
}

function unknownResource(uri: string): WsmanFault {
  return new WsmanFault('DestinationUnreachable', {
    detail: 'InvalidResourceURI',
    winrmCode: CODE_UNKNOWN_RESOURCE_URI,
    message:
      `The WS-Management service cannot process the request. The resource URI (${uri}) was not found in the WS-Management catalog. ` +
      'The catalog contains the metadata that describes resources, or logical endpoints.',
  });
}

/** The resource URI of a class in the given form. WMI URIs use the lower-case namespace path, as Windows writes them. */
export function classUri(form: UriForm, namespace: string, className: string): string {
  return form === 'wmi' ? `${WMI_PREFIX}${namespace.toLowerCase()}/${className}` : `${DMTF_CLASS_PREFIX}${className}`;
}
