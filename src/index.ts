/**
 * The package's public face (`require('ipam-wsman-emulator')`): the emulator, to
 * start and stop one inside a Node process, and the WS-Man client library the
 * cmdlet twin is built on, to talk to it (or to any WinRM endpoint). The
 * embedding API of a later issue (startEmulator with free ports, an admin
 * client) builds on these.
 */
export { Emulator, type EmulatorOptions, type StartOptions } from './app';
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
