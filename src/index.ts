/**
 * The package's public face (`import … from 'ipam-wsman-emulator'`): startEmulator, the
 * one call a Node harness needs (free ports, a temporary data directory, a typed admin
 * client, a WS-Man client per host; docs/embedding.md); the Emulator class under it; and
 * the WS-Man client library the cmdlet twin is built on, to talk to it (or to any WinRM
 * endpoint).
 */
export { startEmulator, readyInfo, type StartEmulatorOptions, type RunningEmulator, type ReadyInfo, type EmulatorHostInfo, type Credentials } from './embed/startEmulator';
export {
  AdminClient,
  AdminApiError,
  type AdminClientOptions,
  type AdminHost,
  type AdminJob,
  type AdminRestoreResult,
  type HealthReport,
  type JournalQuery,
  type ClockSummary,
  type ConcurrencySnapshot,
  type FaultRuleView,
  type ShellSummary,
  type SnapshotInfo,
} from './embed/adminClient';
export type { FixtureFaultRule as FaultRule } from './config/fixture';
export { DataDirLockedError } from './storage/dataDirLock';
export { Emulator, type EmulatorOptions, type StartOptions, type EmulatorPhase } from './app';
export type { Fixture } from './config/fixture';
export type { JournalEntry, JournalPage } from './harness/journal';
export type { NearMiss, NearMissKind } from './harness/nearMisses';
export { WsmanClient, type WsmanClientOptions, type EnumerateOptions, type InvokeOptions, type InvokeResult, type CimInstanceRecord, type EndpointReference, type Selectors } from './client/wsmanClient';
export { BasicAuthenticator, WsmanFaultError, WsmanTransportError, WsmanAuthError, type Authenticator, type CimErrorDetail } from './client/transport';
export { NegotiateAuthenticator, type NegotiateOptions } from './client/negotiate';
export { runAcrossSessions, type FanoutOptions, type FanoutReport, type SessionOutcome } from './client/fanout';
export { VirtualClock, SystemClock, type Clock } from './harness';
export { readCassette, writeCassette, CassetteError, type Cassette, type CassetteEntry } from './harness/cassette';
export { startRecordingProxy, TargetError, type RecordingProxyOptions, type RunningRecorder } from './cli/record';
export {
  provisionHost,
  getJob,
  listJobs,
  waitForJob,
  IpamMethodError,
  JobWaitTimeoutError,
  DatabaseAuthType,
  ProvisioningMethod,
  type ProvisioningParameters,
  type ProvisionOptions,
  type ProvisioningResult,
  type IpamJob,
  type JobReference,
} from './client/ipam';
