/**
 * A CIM error as the MSFT_WmiError instance Windows puts in a fault's detail
 * (Ruby WinRM wmi_error_v2 fixture; wsman-wire.md §5): typed values, the DMTF
 * class URI, and b:IsCIM_Error="true".
 */
import type { CimError } from '../cim/errors';
import type { ClassRegistry } from '../cim/registry';
import { ValueEncoder, type CodecContext } from '../cim/valueCodec';
import { instanceOf } from '../cim/values';
import type { XmlWriter } from '../xml/write';
import { IPAM_NAMESPACE } from '../providers/namespace';

export function writeWmiError(w: XmlWriter, err: CimError, registry: ClassRegistry, codec: CodecContext): void {
  const cls = registry.getClass(IPAM_NAMESPACE, 'MSFT_WmiError');
  if (!cls) throw new Error('schema: MSFT_WmiError is not loaded');
  const inst = instanceOf(cls, {
    CIMStatusCode: err.status,
    ErrorSource: err.errorSource ?? null,
    ErrorSourceFormat: 0,
    ErrorType: 0,
    Message: err.message,
    MessageID: err.messageId,
    PerceivedSeverity: err.perceivedSeverity,
    ProbableCause: 0,
    error_Category: err.category,
    error_Code: err.errorCode >>> 0,
    error_Type: err.errorType,
    error_WindowsErrorMessage: err.windowsErrorMessage ?? err.message,
  });
  new ValueEncoder({ ...codec, typedValues: true }).writeInstance(w, inst, 'p', { 'b:IsCIM_Error': 'true' });
}
