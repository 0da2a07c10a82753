/**
 * The CIM door's edge for the engine's domain errors (issue 10): each provisioning
 * failure leaves as the CIM error the IPAM provider raises — the same status, Win32
 * MessageID, error_Code, category and ErrorSource the CIM door has always sent.
 */
import { CimError, CimStatus, ErrorCategory } from '../../../src/cim/errors';
import { asCim, toCimError } from '../../../src/providers/provisioningErrors';
import { ProvisioningError, ProvisioningErrors } from '../../../src/provisioning/errors';

const cases: Array<[string, ProvisioningError, { status: CimStatus; messageId: string; category: ErrorCategory; errorSource: string | undefined }]> = [
  ['in progress', ProvisioningErrors.inProgress('ipam1.contoso.com'), { status: CimStatus.FAILED, messageId: 'WIN32 170', category: ErrorCategory.ResourceBusy, errorSource: 'ipam1.contoso.com' }],
  ['unreachable', ProvisioningErrors.databaseServerUnreachable('db9', 1433), { status: CimStatus.FAILED, messageId: 'WIN32 1231', category: ErrorCategory.ConnectionError, errorSource: 'DatabaseServer' }],
  ['login', ProvisioningErrors.loginFailed('db1', 'sa'), { status: CimStatus.ACCESS_DENIED, messageId: 'WIN32 1326', category: ErrorCategory.AuthenticationError, errorSource: 'DatabaseCredential' }],
  ['no schema', ProvisioningErrors.noValidSchema('Ipamdb'), { status: CimStatus.NOT_FOUND, messageId: 'WIN32 1168', category: ErrorCategory.ObjectNotFound, errorSource: 'UseExistingSchema' }],
  ['schema exists', ProvisioningErrors.schemaExists('Ipamdb'), { status: CimStatus.ALREADY_EXISTS, messageId: 'WIN32 183', category: ErrorCategory.ResourceExists, errorSource: 'DatabaseName' }],
  ['parameter', ProvisioningErrors.invalidParameter('GpoPrefix', 'GpoPrefix is required'), { status: CimStatus.INVALID_PARAMETER, messageId: 'WIN32 87', category: ErrorCategory.InvalidArgument, errorSource: 'GpoPrefix' }],
  ['cancelled', ProvisioningErrors.cancelled('ipam1.contoso.com'), { status: CimStatus.FAILED, messageId: 'WIN32 995', category: ErrorCategory.OperationStopped, errorSource: 'ipam1.contoso.com' }],
  ['internal', ProvisioningErrors.internal('ipam1.contoso.com', 'step'), { status: CimStatus.FAILED, messageId: 'WIN32 1359', category: ErrorCategory.NotSpecified, errorSource: 'ipam1.contoso.com' }],
];

test.each(cases)('%s: the CIM error keeps status, MessageID, category, ErrorSource and message', (_name, domain, expected) => {
  const cim = toCimError(domain);
  expect({ status: cim.status, messageId: cim.messageId, category: cim.category, errorSource: cim.errorSource }).toEqual(expected);
  expect({ errorType: cim.errorType, errorCode: cim.errorCode, message: cim.message }).toEqual({ errorType: 'Win32', errorCode: domain.win32Code, message: domain.message });
});

test('asCim translates the engine error a provider call throws, and lets anything else through', async () => {
  await expect(asCim(() => Promise.reject(ProvisioningErrors.notProvisioned('ipam1.contoso.com')))).rejects.toBeInstanceOf(CimError);
  const other = new Error('a bug');
  await expect(asCim(() => Promise.reject(other))).rejects.toBe(other);
  await expect(asCim(() => Promise.resolve(7))).resolves.toBe(7);
});
