/**
 * The IPAM operations on top of WsmanClient: what Invoke-IpamServerProvisioning
 * sends (docs/provisioning.md; powershell-cim-client.md §1, §3), and the
 * emulator's jobs (MSFT_IPAM_ConcreteJob) for asynchronous calls.
 */
import type { EndpointReference, MethodParameterValue, WsmanOption } from './envelope';
import { cimErrorFromProperties, type CimErrorDetail } from './faults';
import type { CimInstanceRecord, WsmanClient } from './wsmanClient';

export const IPAM_WMI_URI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/';
export const IPAM_SERVER_URI = IPAM_WMI_URI + 'MSFT_IPAM_Server';
export const IPAM_JOB_URI = IPAM_WMI_URI + 'MSFT_IPAM_ConcreteJob';
export const PROVISIONING_METHOD = 'InvokeIpamServerProvisioning';
export const CMDLET_NAME = 'Invoke-IpamServerProvisioning';

/** CIM job convention: the method checked its parameters and started a job (wsman-wire.md §6). */
export const JOB_STARTED = 4096;

export const DatabaseAuthType = { Windows: 1, Sql: 2 } as const;
export type DatabaseAuthType = (typeof DatabaseAuthType)[keyof typeof DatabaseAuthType];
export const ProvisioningMethod = { Automatic: 0, Manual: 1 } as const;
export type ProvisioningMethod = (typeof ProvisioningMethod)[keyof typeof ProvisioningMethod];

export interface DatabaseCredential {
  readonly userName: string;
  readonly password: string;
}

/** The method's parameters by their CIM names; omitted ones are not sent. */
export interface ProvisioningParameters {
  readonly DatabaseServer?: string;
  readonly DatabaseName?: string;
  readonly DatabasePort?: number;
  readonly DatabaseAuthType?: DatabaseAuthType;
  readonly DatabaseCredential?: DatabaseCredential;
  readonly ProvisioningMethod?: ProvisioningMethod;
  readonly GpoPrefix?: string;
  readonly WidSchemaPath?: string;
  readonly UseExistingSchema?: boolean;
  readonly Force?: boolean;
}

export interface ProvisionOptions {
  /** Ask the emulator for a job (option IpamEmulator_AsJob); a Windows host ignores it and answers when done. */
  readonly asJob?: boolean;
  /** PowerShell -WhatIf: PROMPTUSERMODE Report with the ack value false. */
  readonly whatIf?: boolean;
  /** PowerShell -Confirm: PROMPTUSERMODE Inquire. -WhatIf wins when both are given, as in PowerShell. */
  readonly confirm?: boolean;
  readonly operationTimeoutMs?: number;
}

/** A job as the server referred to it: its key, and the EPR to Get it by (CIM_ConcreteJob or MSFT_IPAM_ConcreteJob, maybe with __cimnamespace). */
export interface JobReference {
  readonly instanceId: string;
  readonly resourceUri: string;
  readonly selectors: Readonly<Record<string, string>>;
}

export interface ProvisioningResult {
  /** 0: done (provisioned, already provisioned, or WhatIf); 4096: accepted as a job. */
  readonly returnValue: number;
  readonly accepted: boolean;
  /** The job that ran or runs the call; null from a server that returns none (Windows). */
  readonly job: JobReference | null;
}

/** A ReturnValue that is neither 0 nor 4096; PowerShell reports it in these words (powershell-cim-client.md §1). */
export class IpamMethodError extends Error {
  override readonly name = 'IpamMethodError';
  constructor(readonly returnValue: number, detail?: string) {
    super(
      `Failed to run CIM method ${PROVISIONING_METHOD} on the MSFT_IPAM_Server CIM object.  ` +
        (detail ?? `The CIM method returned the following error code: ${returnValue}`),
    );
  }
}

/** A user name escaped as PowerShell passes a PSCredential in DatabaseCredential: `\` → `\\`, `:` → `\:`. */
export function escapeCredentialUser(userName: string): string {
  return userName.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

/** `user:password`, the user escaped; the server splits on the first unescaped colon, so the password is sent as is. */
export function formatDatabaseCredential(credential: DatabaseCredential): string {
  return `${escapeCredentialUser(credential.userName)}:${credential.password}`;
}

function uint16(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${name} must be a uint16 (0–65535), not ${v}`);
  return v;
}

/**
 * The Method_INPUT arguments in the MOF's declaration order. Values outside the
 * CIM type are refused here; the server checks the rules between parameters.
 */
export function provisioningArguments(p: ProvisioningParameters): Record<string, MethodParameterValue> {
  const out: Record<string, MethodParameterValue> = {};
  if (p.DatabaseServer !== undefined) out.DatabaseServer = p.DatabaseServer;
  if (p.DatabaseName !== undefined) out.DatabaseName = p.DatabaseName;
  if (p.DatabasePort !== undefined) out.DatabasePort = uint16('DatabasePort', p.DatabasePort);
  if (p.DatabaseAuthType !== undefined) out.DatabaseAuthType = uint16('DatabaseAuthType', p.DatabaseAuthType);
  if (p.DatabaseCredential !== undefined) out.DatabaseCredential = formatDatabaseCredential(p.DatabaseCredential);
  if (p.ProvisioningMethod !== undefined) out.ProvisioningMethod = uint16('ProvisioningMethod', p.ProvisioningMethod);
  if (p.GpoPrefix !== undefined) out.GpoPrefix = p.GpoPrefix;
  if (p.WidSchemaPath !== undefined) out.WidSchemaPath = p.WidSchemaPath;
  if (p.UseExistingSchema !== undefined) out.UseExistingSchema = p.UseExistingSchema;
  if (p.Force !== undefined) out.Force = p.Force;
  return out;
}

/**
 * The OptionSet of a CDXML cmdlet call, as cimChildJobBase.CreateOperationOptions
 * builds it with default preferences (powershell-cim-client.md §3):
 *  - callbacks WriteMessage, WriteError, WriteProgress and PromptUser (0x1|0x2|0x8|0x10 = 27).
 *    Not 0x4 (streamed method results): this client reads only the final _OUTPUT;
 *  - the Warning channel (0) on, Verbose and Debug off, WRITEERRORMODE Report (ErrorAction Continue);
 *  - ShouldProcess: -WhatIf → Report/false, -Confirm → Inquire, otherwise auto-confirm → Ignore/true;
 *  - IMPROVEDPERF_STREAMING, CMDLETNAME, COMPUTERNAME. PROVIDERVERSION and MODULEVERSION are
 *    left out: they come from the IpamServer module's CDXML, which is not public, and a
 *    provider may refuse a version it does not expect.
 */
export function provisioningOptions(opts: ProvisionOptions & { computerName?: string }): WsmanOption[] {
  const options: WsmanOption[] = [
    { name: '__MI_CallbackRegistration', type: 'xs:int', value: 27 },
    { name: 'wmiarray:__MI_OPERATIONOPTIONS_CHANNELVALUE', type: 'xs:unsignedInt', value: 0 },
    { name: 'wmi:__MI_OPERATIONOPTIONS_WRITEERRORMODE', type: 'xs:unsignedInt', value: 0 },
  ];
  const mode = 'wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE';
  const ack = 'wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODEREGULAR_ACKVALUE';
  if (opts.whatIf) {
    options.push({ name: mode, type: 'xs:unsignedInt', value: 0 }, { name: ack, type: 'xs:boolean', value: false });
  } else if (opts.confirm) {
    options.push({ name: mode, type: 'xs:unsignedInt', value: 1 });
  } else {
    options.push({ name: mode, type: 'xs:unsignedInt', value: 2 }, { name: ack, type: 'xs:boolean', value: true });
  }
  options.push(
    { name: 'wmi:__MI_OPERATIONOPTIONS_IMPROVEDPERF_STREAMING', type: 'xs:unsignedInt', value: 1 },
    { name: 'wmi:MI_OPERATIONOPTIONS_POWERSHELL_CMDLETNAME', type: 'xs:string', value: CMDLET_NAME },
  );
  if (opts.computerName) options.push({ name: 'wmi:MI_OPERATIONOPTIONS_POWERSHELL_COMPUTERNAME', type: 'xs:string', value: opts.computerName });
  options.push({ name: 'msftwinrm:UsePreciseArrays', type: 'xs:boolean', value: true });
  if (opts.asJob) options.push({ name: 'IpamEmulator_AsJob', type: 'xs:boolean', value: true });
  return options;
}

/** The job an EPR names: its InstanceID selector, matched case-insensitively as WinRM does. */
export function jobReferenceOf(ref: EndpointReference): JobReference | null {
  const key = Object.keys(ref.selectors).find((k) => k.toLowerCase() === 'instanceid');
  return key ? { instanceId: ref.selectors[key] as string, resourceUri: ref.resourceUri, selectors: ref.selectors } : null;
}

/**
 * Calls MSFT_IPAM_Server.InvokeIpamServerProvisioning (static). A failure is
 * the SOAP fault (WsmanFaultError with the MSFT_WmiError); a ReturnValue other
 * than 0 or 4096 is an IpamMethodError.
 */
export async function provisionHost(client: WsmanClient, params: ProvisioningParameters, opts: ProvisionOptions = {}): Promise<ProvisioningResult> {
  const computerName = client.transport.authority.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const result = await client.invoke(IPAM_SERVER_URI, PROVISIONING_METHOD, provisioningArguments(params), {
    options: provisioningOptions({ ...opts, computerName }),
    operationTimeoutMs: opts.operationTimeoutMs,
  });
  const ref = result.references.Job;
  const job = ref ? jobReferenceOf(ref) : null;
  if (result.returnValue === 0) return { returnValue: 0, accepted: false, job };
  if (result.returnValue === JOB_STARTED) {
    if (!job) throw new IpamMethodError(JOB_STARTED, 'The method started a job (4096) but returned no Job reference to follow.');
    return { returnValue: JOB_STARTED, accepted: true, job };
  }
  throw new IpamMethodError(result.returnValue);
}

// ---------------------------------------------------------------------------
// Jobs

/** CIM_ConcreteJob.JobState (wsman-wire.md §6). */
export const JobState = {
  New: 2,
  Starting: 3,
  Running: 4,
  Suspended: 5,
  ShuttingDown: 6,
  Completed: 7,
  Terminated: 8,
  Killed: 9,
  Exception: 10,
  Service: 11,
  QueryPending: 12,
} as const;

export function jobStateName(state: number | null): string {
  const entry = Object.entries(JobState).find(([, v]) => v === state);
  return entry ? entry[0] : state === null ? 'Unknown' : `JobState ${state}`;
}

/** Completed, Terminated, Killed and Exception end a job. */
export function isFinished(state: number | null): boolean {
  return state === JobState.Completed || state === JobState.Terminated || state === JobState.Killed || state === JobState.Exception;
}

export interface IpamJob {
  readonly instanceId: string;
  readonly name: string | null;
  readonly jobState: number | null;
  readonly jobStateName: string;
  readonly percentComplete: number | null;
  /** The server's summary, e.g. "Completed: IPAM was provisioned". */
  readonly jobStatus: string | null;
  /** For a failed job: the Win32 code and message of its CIM error. */
  readonly errorCode: number | null;
  readonly errorDescription: string | null;
  readonly targetHost: string | null;
  readonly operationName: string | null;
  readonly startTime: string | null;
  readonly elapsedTime: string | null;
  /** Every property as read. */
  readonly properties: CimInstanceRecord;
}

export function readJob(record: CimInstanceRecord): IpamJob {
  const str = (k: string): string | null => {
    const v = record[k];
    return v === undefined || v === null ? null : Array.isArray(v) ? v.join(',') : v;
  };
  const num = (k: string): number | null => {
    const v = str(k);
    return v === null || v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v);
  };
  const jobState = num('JobState');
  return {
    instanceId: str('InstanceID') ?? '',
    name: str('Name'),
    jobState,
    jobStateName: jobStateName(jobState),
    percentComplete: num('PercentComplete'),
    jobStatus: str('JobStatus'),
    errorCode: num('ErrorCode'),
    errorDescription: str('ErrorDescription'),
    targetHost: str('TargetHost'),
    operationName: str('OperationName'),
    startTime: str('StartTime'),
    elapsedTime: str('ElapsedTime'),
    properties: record,
  };
}

/** Reads a job by its InstanceID (as MSFT_IPAM_ConcreteJob), or through the reference a call returned. */
export async function getJob(client: WsmanClient, job: string | JobReference): Promise<IpamJob> {
  const record = typeof job === 'string' ? await client.get(IPAM_JOB_URI, { InstanceID: job }) : await client.get(job.resourceUri, job.selectors);
  return readJob(record);
}

export async function listJobs(client: WsmanClient): Promise<IpamJob[]> {
  return (await client.enumerate(IPAM_JOB_URI)).map(readJob);
}

/**
 * The CIM error of a failed job (CIM_ConcreteJob.GetError), or null when the
 * job has none: the same fields a synchronous call's fault carries.
 */
export async function getJobError(client: WsmanClient, job: JobReference): Promise<CimErrorDetail | null> {
  const r = await client.invoke(job.resourceUri, 'GetError', {}, { selectors: job.selectors });
  const error = r.out.Error;
  if (error === null || error === undefined || typeof error !== 'object' || Array.isArray(error)) return null;
  return cimErrorFromProperties('CIM_Error', error as CimInstanceRecord);
}

export class JobWaitTimeoutError extends Error {
  override readonly name = 'JobWaitTimeoutError';
  constructor(readonly lastSeen: IpamJob) {
    super(`The job ${lastSeen.instanceId} had not finished when the wait ended (last state ${lastSeen.jobStateName}, ${lastSeen.percentComplete ?? '?'}%).`);
  }
}

export interface WaitOptions {
  /** Between polls, default 500 ms. */
  readonly pollMs?: number;
  /** Overall, default 10 minutes. */
  readonly timeoutMs?: number;
  readonly onProgress?: (job: IpamJob) => void;
}

/** Polls the job until it finishes and returns its last state; whether it succeeded is the caller's to judge (jobState 7). */
export async function waitForJob(client: WsmanClient, job: string | JobReference, opts: WaitOptions = {}): Promise<IpamJob> {
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const pollMs = opts.pollMs ?? 500;
  for (;;) {
    const seen = await getJob(client, job);
    opts.onProgress?.(seen);
    if (isFinished(seen.jobState)) return seen;
    if (Date.now() + pollMs > deadline) throw new JobWaitTimeoutError(seen);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
