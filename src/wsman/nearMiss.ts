/**
 * Which name of a refused request the emulator did not know, and what it knows that comes
 * closest (harness/nearMisses.ts measures "closest"). Looked at in the order the handler
 * checks a request: the resource URI (namespace and class, both URI forms), the Action (a
 * WS-Transfer/Enumeration one, or a method of the class), the selectors (the class's keys),
 * the method's input parameters. The first part that misses is reported, every unknown name
 * in it. Only requests refused for an unknown name are looked at (the fault subcodes below);
 * a missing instance with the right selector names is not a near miss.
 */
import type { ClassRegistry } from '../cim/registry';
import type { ResolvedClass } from '../cim/types';
import { closest, listNames, type NearMissSuggestion } from '../harness/nearMisses';
import { ACTION } from './namespaces';
import { methodNameOf } from './ops/invoke';
import type { WsmanPlugin } from './plugin';
import type { WsmanRequest } from './request';
import { CIM_ACTIONS } from './requestFacts';
import {
  CIM_NAMESPACE_SELECTOR,
  CIMXML_PREFIX,
  classUri,
  DEFAULT_CIM_NAMESPACE,
  DMTF_CLASS_PREFIX,
  DMTF_WILDCARD,
  normalizeNamespace,
  resolveResource,
  WMI_PREFIX,
  type ResolvedResource,
} from './resource';

/** The faults a request gets for naming something unknown. */
const UNKNOWN_NAME_FAULTS: ReadonlySet<string> = new Set(['a:DestinationUnreachable', 'a:ActionNotSupported', 'w:InvalidSelectors', 'w:InvalidParameter']);

export interface NearMissContext {
  readonly registry: ClassRegistry;
  /** Whether a namespace exists on the host asked. */
  readonly visible: (namespace: string) => boolean;
  readonly plugins: readonly WsmanPlugin[];
}

/** The unknown names of a request refused with `fault`, each with the closest known one; empty when it missed nothing by name. */
export function nearMissesOf(req: WsmanRequest, fault: string | undefined, ctx: NearMissContext): NearMissSuggestion[] {
  if (fault === undefined || !UNKNOWN_NAME_FAULTS.has(fault)) return [];
  const uri = req.resourceUri?.trim();
  if (!uri) return [];
  const plugin = ctx.plugins.find((p) => p.resourceUri.toLowerCase() === uri.toLowerCase());
  if (plugin) return pluginMisses(req, plugin);
  let res: ResolvedResource;
  try {
    res = resolveResource(ctx.registry, uri, req.selectors, ctx.visible);
  } catch {
    return resourceMisses(uri, req, ctx);
  }
  const action = actionMisses(req, res, uri);
  if (action.length > 0) return action;
  const selectors = selectorMisses(req, res, uri);
  if (selectors.length > 0) return selectors;
  return parameterMisses(req, res, uri);
}

// ---------------------------------------------------------------------------
// The resource URI: namespace and class.

interface ClassGuess {
  readonly cls: ResolvedClass;
  readonly distance: number;
}

/** The class closest to `name`: in `preferred` first (a tie goes to it), then in every namespace the host has. */
function guessClass(ctx: NearMissContext, name: string, preferred: string | undefined): ClassGuess | undefined {
  let best: ClassGuess | undefined;
  const spaces = ctx.registry.namespaces().filter(ctx.visible);
  const ordered = preferred === undefined ? spaces : [...spaces.filter((n) => n.toLowerCase() === preferred.toLowerCase()), ...spaces.filter((n) => n.toLowerCase() !== preferred.toLowerCase())];
  for (const ns of ordered) {
    const classes = ctx.registry.classes(ns);
    const hit = closest(name, classes.map((c) => c.name));
    if (hit && (!best || hit.distance < best.distance)) best = { cls: classes.find((c) => c.name === hit.name) as ResolvedClass, distance: hit.distance };
  }
  return best;
}

function resourceMisses(uri: string, req: WsmanRequest, ctx: NearMissContext): NearMissSuggestion[] {
  const lower = uri.toLowerCase();
  const nsSelector = req.selectors.find((s) => s.name.toLowerCase() === CIM_NAMESPACE_SELECTOR);
  const spaces = ctx.registry.namespaces().filter(ctx.visible);
  let form: 'wmi' | 'dmtf';
  let nsPath: string | undefined;
  let className: string;
  if (lower.startsWith(WMI_PREFIX)) {
    form = 'wmi';
    const rest = uri.slice(WMI_PREFIX.length);
    const slash = rest.lastIndexOf('/');
    nsPath = slash > 0 ? normalizeNamespace(rest.slice(0, slash)) : undefined;
    className = rest.slice(slash + 1);
  } else if (lower.startsWith(DMTF_CLASS_PREFIX) || lower.startsWith(CIMXML_PREFIX)) {
    form = 'dmtf';
    className = uri.slice(lower.startsWith(CIMXML_PREFIX) ? CIMXML_PREFIX.length : DMTF_CLASS_PREFIX.length);
    nsPath = nsSelector ? normalizeNamespace(nsSelector.value.trim()) : undefined;
  } else if (lower === DMTF_WILDCARD) {
    form = 'dmtf';
    className = '*';
    nsPath = nsSelector ? normalizeNamespace(nsSelector.value.trim()) : undefined;
  } else {
    return [unknownUri(uri, ctx)];
  }

  const askedNs = nsPath ?? (form === 'dmtf' ? DEFAULT_CIM_NAMESPACE : undefined);
  const canonical = askedNs !== undefined ? ctx.registry.canonicalNamespace(askedNs) : undefined;
  const nsKnown = canonical !== undefined && ctx.visible(canonical);
  if (className === '*') return nsKnown ? [] : [namespaceMiss(askedNs ?? '', spaces, form, className)];

  const guess = guessClass(ctx, className, nsKnown ? canonical : undefined);
  if (!guess) {
    if (canonical !== undefined && !nsKnown) {
      return [{ kind: 'resourceUri', given: askedNs ?? uri, didYouMean: null, hint: `the namespace ${canonical} is not available on this host`, suggested: {} }];
    }
    if (!nsKnown) return [namespaceMiss(askedNs ?? '', spaces, form, className)];
    const names = ctx.registry.classes(canonical).map((c) => c.name);
    return [{ kind: 'resourceUri', given: className, didYouMean: null, hint: `no class like ${className} in ${canonical}; its classes: ${listNames(names)}`, suggested: {} }];
  }
  const cls = guess.cls;
  const sameNs = nsKnown && canonical.toLowerCase() === cls.namespace.toLowerCase();
  const needsNs = !sameNs || (form === 'dmtf' && nsPath === undefined && cls.namespace.toLowerCase() !== DEFAULT_CIM_NAMESPACE);
  const didYouMean = needsNs ? `${cls.name} / ${CIM_NAMESPACE_SELECTOR}=${cls.namespace}` : cls.name;
  const resourceUri = lower.startsWith(CIMXML_PREFIX) ? `${CIMXML_PREFIX}${cls.name}` : classUri(form, cls.namespace, cls.name);
  const why =
    guess.distance === 0 && !sameNs
      ? form === 'dmtf' && nsPath === undefined
        ? ` (${cls.name} is in ${cls.namespace}; a DMTF resource URI without ${CIM_NAMESPACE_SELECTOR} means ${DEFAULT_CIM_NAMESPACE})`
        : ` (${cls.name} is in ${cls.namespace}, not ${askedNs ?? 'the namespace given'})`
      : '';
  return [
    {
      kind: 'resourceUri',
      given: className,
      didYouMean,
      hint: `did you mean ${didYouMean}?${form === 'wmi' ? ` (${resourceUri})` : ''}${why}`,
      suggested: { resourceUri, ...(form === 'dmtf' && needsNs ? { cimNamespace: cls.namespace } : {}) },
    },
  ];
}

function namespaceMiss(given: string, spaces: readonly string[], form: 'wmi' | 'dmtf', className: string): NearMissSuggestion {
  const hit = closest(given, spaces);
  if (!hit) return { kind: 'resourceUri', given, didYouMean: null, hint: `no namespace ${given}; the namespaces: ${listNames(spaces)}`, suggested: {} };
  const didYouMean = `${CIM_NAMESPACE_SELECTOR}=${hit.name}`;
  return {
    kind: 'resourceUri',
    given,
    didYouMean,
    hint: `did you mean ${didYouMean}?`,
    suggested: form === 'wmi' && className !== '*' ? { resourceUri: classUri('wmi', hit.name, className) } : { cimNamespace: hit.name },
  };
}

/** A URI of neither CIM form: a plugin's URI misspelt, or a class name at the end of a mistyped prefix. */
function unknownUri(uri: string, ctx: NearMissContext): NearMissSuggestion {
  const plugin = closest(uri, ctx.plugins.map((p) => p.resourceUri));
  if (plugin) return { kind: 'resourceUri', given: uri, didYouMean: plugin.name, hint: `did you mean ${plugin.name}?`, suggested: { resourceUri: plugin.name } };
  const last = uri.slice(uri.lastIndexOf('/') + 1);
  const guess = /^[A-Za-z_][A-Za-z0-9_]*$/.test(last) ? guessClass(ctx, last, undefined) : undefined;
  if (guess) {
    const resourceUri = classUri('wmi', guess.cls.namespace, guess.cls.name);
    return { kind: 'resourceUri', given: uri, didYouMean: resourceUri, hint: `did you mean ${resourceUri}?`, suggested: { resourceUri } };
  }
  return {
    kind: 'resourceUri',
    given: uri,
    didYouMean: null,
    hint: `a CIM resource URI is ${WMI_PREFIX}<namespace>/<Class>, or ${DMTF_CLASS_PREFIX}<Class> with the selector ${CIM_NAMESPACE_SELECTOR}`,
    suggested: {},
  };
}

// ---------------------------------------------------------------------------
// The Action.

function actionMisses(req: WsmanRequest, res: ResolvedResource, uri: string): NearMissSuggestion[] {
  const action = req.action;
  if (action === undefined || action === '' || CIM_ACTIONS.includes(action)) return [];
  const cls = res.cls && !res.isClassSchema ? res.cls : undefined;
  const method = methodNameOf(action, uri);
  if (method !== undefined && cls) {
    if (cls.method(method)) return [];
    const hit = closest(method, cls.methods.map((m) => m.name));
    if (!hit) {
      const known = cls.methods.map((m) => m.name);
      return [{ kind: 'action', given: method, didYouMean: null, hint: `${cls.name} has no method ${method}${known.length ? `; its methods: ${listNames(known)}` : ' and no methods'}`, suggested: {} }];
    }
    return [{ kind: 'action', given: method, didYouMean: hit.name, hint: `did you mean ${hit.name}? (the Action ${uri}/${hit.name})`, suggested: { action: `${uri}/${hit.name}` } }];
  }
  // A method named right after the wrong prefix (the Action must be the ResourceURI + "/" + method).
  const last = action.slice(action.lastIndexOf('/') + 1);
  const exact = cls?.method(last);
  if (exact) {
    const fixed = `${uri}/${exact.name}`;
    return [{ kind: 'action', given: action, didYouMean: fixed, hint: `did you mean ${fixed}? (a method's Action is the ResourceURI, "/", and the method)`, suggested: { action: fixed } }];
  }
  const candidates = [...CIM_ACTIONS, ...(cls?.methods.map((m) => `${uri}/${m.name}`) ?? [])];
  const hit = closest(action, candidates);
  if (hit) return [{ kind: 'action', given: action, didYouMean: hit.name, hint: `did you mean ${hit.name}?`, suggested: { action: hit.name } }];
  const methods = cls?.methods.map((m) => m.name) ?? [];
  return [
    {
      kind: 'action',
      given: action,
      didYouMean: null,
      hint: `the Actions of this resource are WS-Transfer Get, WS-Enumeration Enumerate/Pull/Release${methods.length ? ` and its methods (${listNames(methods)}) as ${uri}/<Method>` : ''}`,
      suggested: {},
    },
  ];
}

// ---------------------------------------------------------------------------
// Selectors and parameters.

/** Selectors count where they name an instance: Get, Put, Delete, and the Invoke of a method that is not static. */
function usesSelectors(req: WsmanRequest, cls: ResolvedClass, uri: string): boolean {
  const action = req.action ?? '';
  if (action === ACTION.get || action === ACTION.put || action === ACTION.delete) return true;
  const method = methodNameOf(action, uri);
  return method !== undefined && cls.method(method)?.isStatic === false;
}

function selectorMisses(req: WsmanRequest, res: ResolvedResource, uri: string): NearMissSuggestion[] {
  const cls = res.cls;
  if (!cls || res.isClassSchema || !usesSelectors(req, cls, uri)) return [];
  const keys = cls.keys.map((k) => k.name);
  const out: NearMissSuggestion[] = [];
  for (const s of res.keySelectors) {
    if (cls.property(s.name)?.isKey) continue;
    const hit = closest(s.name, keys.filter((k) => !res.keySelectors.some((x) => x.name.toLowerCase() === k.toLowerCase())));
    const keyList = `the keys of ${cls.name}: ${keys.length ? listNames(keys) : 'none'}`;
    const isProperty = cls.property(s.name) !== undefined;
    out.push({
      kind: 'selector',
      given: s.name,
      didYouMean: hit?.name ?? null,
      hint: hit ? `did you mean the selector ${hit.name}? (${keyList})` : `${s.name} is ${isProperty ? 'a property but not a key' : 'not a key'} of ${cls.name} (${keyList})`,
      suggested: {},
    });
  }
  return out;
}

function parameterMisses(req: WsmanRequest, res: ResolvedResource, uri: string): NearMissSuggestion[] {
  const cls = res.cls;
  const name = methodNameOf(req.action ?? '', uri);
  const method = cls && name !== undefined ? cls.method(name) : undefined;
  const input = req.bodyElement;
  if (!cls || !method || !input) return [];
  const inputs = method.parameters.filter((p) => p.isIn).map((p) => p.name);
  const out: NearMissSuggestion[] = [];
  const seen = new Set<string>();
  for (const el of input.children) {
    if (typeof el === 'string') continue;
    const p = method.parameters.find((x) => x.name.toLowerCase() === el.local.toLowerCase());
    if ((p && p.isIn) || seen.has(el.local)) continue;
    seen.add(el.local);
    const hit = p ? undefined : closest(el.local, inputs);
    const list = `the parameters of ${cls.name}.${method.name}: ${inputs.length ? listNames(inputs) : 'none'}`;
    out.push({
      kind: 'parameter',
      given: el.local,
      didYouMean: hit?.name ?? null,
      hint: p ? `${p.name} is an output parameter of ${cls.name}.${method.name} (${list})` : hit ? `did you mean ${hit.name}? (${list})` : `${cls.name}.${method.name} has no parameter ${el.local} (${list})`,
      suggested: {},
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// A plugin's resource (the shell).

function pluginMisses(req: WsmanRequest, plugin: WsmanPlugin): NearMissSuggestion[] {
  const vocabulary = plugin.journal;
  if (!vocabulary) return [];
  const action = req.action ?? '';
  if (action !== '' && !vocabulary.actions.includes(action)) {
    const hit = closest(action, vocabulary.actions);
    return [
      {
        kind: 'action',
        given: action,
        didYouMean: hit?.name ?? null,
        hint: hit ? `did you mean ${hit.name}?` : `the Actions of ${plugin.resourceUri}: ${listNames(vocabulary.actions)}`,
        suggested: hit ? { action: hit.name } : {},
      },
    ];
  }
  const out: NearMissSuggestion[] = [];
  for (const s of req.selectors) {
    if (vocabulary.selectors.some((k) => k.toLowerCase() === s.name.toLowerCase())) continue;
    const hit = closest(s.name, vocabulary.selectors);
    out.push({
      kind: 'selector',
      given: s.name,
      didYouMean: hit?.name ?? null,
      hint: hit ? `did you mean the selector ${hit.name}?` : `the selectors of ${plugin.resourceUri}: ${listNames(vocabulary.selectors)}`,
      suggested: {},
    });
  }
  return out;
}
