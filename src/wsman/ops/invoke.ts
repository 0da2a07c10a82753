/**
 * Custom actions: a CIM method call (MS-WSMV 3.1.4.1.32, 4.1.4). The Action is
 * ResourceURI + "/" + method; the body is `<Method>_INPUT`; the reply Action is
 * the request's + "Response" and its body `<Method>_OUTPUT` with the out
 * parameters in declaration order, then ReturnValue.
 *
 * A static method may be called with instance selectors too (WMI allows it,
 * and wsl always addresses the first enumerated instance).
 */
import { decodeValue, ValueEncoder } from '../../cim/valueCodec';
import { CimError, CimStatus } from '../../cim/errors';
import type { CimReference, CimValue, ResolvedClass, ResolvedMethod } from '../../cim/types';
import { CimValueError, cimValue } from '../../cim/values';
import { elements, type XmlElement } from '../../xml/parse';
import { WsmanFault } from '../faults';
import { writeReply } from '../reply';
import { classUri } from '../resource';
import { selectorsToReference } from '../selectors';
import { codecFor, providerContext, resolveFor, type OperationContext } from './context';
import { findInstance } from './get';
import { checkReplySize } from './size';

/** The method an Action names, or undefined when the Action is not ResourceURI/Method. */
export function methodNameOf(action: string, resourceUri: string | undefined): string | undefined {
  if (!resourceUri) return undefined;
  const prefix = resourceUri.trim() + '/';
  if (action.length <= prefix.length || action.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
  const name = action.slice(prefix.length);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : undefined;
}

export async function invoke(ctx: OperationContext, methodName: string): Promise<string> {
  const res = resolveFor(ctx);
  if (!res.cls || res.isClassSchema) {
    throw new WsmanFault('ActionNotSupported', { extra: 'Methods are invoked on the resource URI of a class.' });
  }
  const cls = res.cls;
  const method = cls.method(methodName);
  if (!method) {
    throw new WsmanFault('ActionNotSupported', { detail: 'ActionMismatch', extra: `${methodName} is not a method of ${cls.name}.` });
  }
  const codec = codecFor(ctx, res.form);
  const params = readParameters(ctx, cls, method, codec);

  let target: CimReference | null = null;
  let targetClass = cls;
  if (!method.isStatic) {
    const ref = selectorsToReference(cls, res.keySelectors);
    const inst = await findInstance(ctx, cls, ref);
    if (!inst) {
      throw new WsmanFault('DestinationUnreachable', {
        detail: 'InvalidResourceURI',
        extra: `No ${cls.name} instance has ${ref.keys.map((k) => `${k.name}=${k.value}`).join(', ')}.`,
      });
    }
    targetClass = ctx.services.registry.getClass(inst.namespace, inst.className) ?? cls;
    target = { ...ref, className: inst.className };
  }
  const provider = ctx.services.providers.provider(targetClass) ?? ctx.services.providers.provider(cls);
  if (!provider?.invokeMethod) {
    throw new CimError({ status: CimStatus.NOT_SUPPORTED, message: `The method ${cls.name}.${method.name} is not implemented by this emulator.` });
  }
  const result = await provider.invokeMethod(providerContext(ctx), { cls: targetClass, method, target, params });

  const out: Array<[string, CimValue]> = [];
  for (const p of method.parameters) {
    if (!p.isOut || !result.out || !(p.name in result.out)) continue;
    out.push([p.name, cimValue(p, result.out[p.name], `${method.name}.${p.name}`)]);
  }
  out.push(['ReturnValue', cimValue({ valueType: method.returnType, isArray: false }, result.returnValue, `${method.name} return value`)]);

  const encoder = new ValueEncoder(codec);
  const action = `${ctx.req.action ?? ''}Response`;
  return checkReplySize(
    ctx,
    writeReply(action, ctx.reply, (w) => {
      w.open(`p:${method.name}_OUTPUT`, { 'xmlns:p': classUri(res.form, cls.namespace, cls.name) });
      for (const [name, v] of out) encoder.writeValue(w, `p:${name}`, v);
      w.close();
    }),
  );
}

function readParameters(
  ctx: OperationContext,
  cls: ResolvedClass,
  method: ResolvedMethod,
  codec: ReturnType<typeof codecFor>,
): Map<string, CimValue> {
  const input = ctx.req.bodyElement;
  const params = new Map<string, CimValue>();
  if (!input) return params;
  if (input.local.toLowerCase() !== `${method.name}_INPUT`.toLowerCase()) {
    throw new WsmanFault('SchemaValidationError', { extra: `The body must be ${method.name}_INPUT, not ${input.local}.` });
  }
  if (input.children.some((c) => typeof c === 'string' && c.trim() !== '')) {
    throw new WsmanFault('SchemaValidationError', { extra: `${method.name}_INPUT holds text; each parameter is an element.` });
  }
  const byName = new Map<string, XmlElement[]>();
  for (const el of elements(input)) {
    const p = method.parameters.find((x) => x.name.toLowerCase() === el.local.toLowerCase());
    if (!p || !p.isIn) {
      throw new WsmanFault('InvalidParameter', {
        detail: 'InvalidName',
        extra: p
          ? `${p.name} is an output parameter of ${cls.name}.${method.name}.`
          : `${el.local} is not a parameter of ${cls.name}.${method.name}.`,
      });
    }
    const list = byName.get(p.name) ?? [];
    list.push(el);
    byName.set(p.name, list);
  }
  for (const [name, els] of byName) {
    const p = method.parameters.find((x) => x.name === name);
    if (!p) continue;
    try {
      params.set(name, decodeValue(codec, p, els, cls.namespace));
    } catch (e) {
      if (e instanceof CimValueError) throw new WsmanFault('InvalidParameter', { detail: 'TypeMismatch', extra: `${e.message}.` });
      throw e;
    }
  }
  return params;
}
