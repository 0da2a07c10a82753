/**
 * How the IpamServer cmdlets report a provisioning failure: as a CDXML cmdlet
 * reports a CIM error (reference/winrs-shell.md §3: `CategoryInfo : <category>:
 * (MSFT_IPAM_Server:ROOT/microsoft/ipam/MSFT_IPAM_Server) [<cmdlet>], CimException`,
 * `FullyQualifiedErrorId : WIN32 <n>,<cmdlet>`), non-terminating as PowerShell
 * makes a CimJobException whose severity is not fatal (powershell-cim-client.md §1).
 */
import type { ProvisioningError } from '../../../provisioning/errors';
import type { PsCommandContext } from '../../runtime/commands';
import type { PsErrorRecord } from '../../runtime/values';

/** The CIM class behind a cmdlet, as CategoryInfo names it. */
export type IpamClass = 'MSFT_IPAM_Server' | 'MSFT_IPAM_ServerConfiguration' | 'MSFT_IPAM_DBConfig' | 'MSFT_IPAM_ServerCapabilities' | 'MSFT_IPAM_ConfigLogEntry';

export function cimErrorRecord(ctx: PsCommandContext, e: ProvisioningError, cls: IpamClass, computerName?: string): PsErrorRecord {
  return ctx.errorRecord({
    exceptionType: 'Microsoft.Management.Infrastructure.CimException',
    // With a -CimSession that names a computer, PowerShell puts "<computer>: " before the message.
    message: computerName ? `${computerName}: ${e.message}` : e.message,
    errorId: e.messageId,
    category: e.category,
    targetName: cls,
    targetType: `ROOT/microsoft/ipam/${cls}`,
    reason: 'CimException',
    nativeErrorCode: e.win32Code,
  });
}
