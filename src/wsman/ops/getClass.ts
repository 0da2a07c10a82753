/**
 * GetClass: a Get on `http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/*` with
 * selectors __cimnamespace and ClassName, answered with the class in CIM-XML as
 * the only child of s:Body (MS-WSMV 3.1.4.1.38; OMI _SendSingleSchemaResponse).
 * Options absent are false, as OMI reads them; CLASSORIGIN is always written.
 */
import { writeClassCimXml } from '../../cim/cimXml';
import { WsmanFault } from '../faults';
import { ACTION } from '../namespaces';
import { writeReply } from '../reply';
import { optionFlag } from '../request';
import type { ResolvedResource } from '../resource';
import { checkReplySize } from './size';
import type { OperationContext } from './context';

export function getClass(ctx: OperationContext, res: ResolvedResource): string {
  let cls = res.cls;
  const nameSel = res.keySelectors.find((s) => s.name.toLowerCase() === 'classname');
  const others = res.keySelectors.filter((s) => s !== nameSel);
  if (others.length > 0) {
    throw new WsmanFault('InvalidSelectors', { detail: 'UnexpectedSelectors', extra: `GetClass takes only ClassName and __cimnamespace, not ${others[0]?.name}.` });
  }
  if (nameSel) {
    cls = ctx.services.registry.getClass(res.namespace, nameSel.value.trim());
    if (!cls) {
      throw new WsmanFault('DestinationUnreachable', {
        detail: 'InvalidResourceURI',
        extra: `The class ${nameSel.value.trim()} does not exist in the ${res.namespace} namespace.`,
      });
    }
  }
  if (!cls) {
    throw new WsmanFault('InvalidSelectors', { detail: 'InsufficientSelectors', extra: 'GetClass needs a ClassName selector.' });
  }
  const found = cls;
  const req = ctx.req;
  const options = {
    includeInheritanceHierarchy: optionFlag(req, 'IncludeInheritanceHierarchy') ?? false,
    includeInheritedElements: optionFlag(req, 'IncludeInheritedElements') ?? false,
    includeQualifiers: optionFlag(req, 'IncludeQualifiers') ?? false,
    includeClassOrigin: optionFlag(req, 'IncludeClassOrigin') ?? true,
  };
  return checkReplySize(ctx, writeReply(ACTION.getResponse, ctx.reply, (w) => writeClassCimXml(w, found, options)));
}
