/**
 * What the handler asks a recording before routing (serve --replay): the contract between
 * wsman/handler.ts and harness/replay.ts, so the handler knows nothing of cassettes.
 */
import type { FleetHost } from '../fleet/fleet';
import type { NearMissSuggestion } from '../harness/nearMisses';
import type { XmlElement } from '../xml/parse';

/** A request as the replay sees it: parsed, with who sent it. */
export interface RecordedRequest {
  readonly envelope: XmlElement;
  readonly host: FleetHost;
  /** False for an unauthenticated Identify. */
  readonly authenticated: boolean;
  /** Told when no recorded request matches, with the nearest one (the request journal's near misses). */
  readonly noteMiss?: (miss: NearMissSuggestion) => void;
}

/** A recorded reply (HTTP 401: the recorded host refused the credentials). */
export interface RecordedAnswer {
  readonly status: number;
  readonly body: string;
  /** Its index in the cassette. */
  readonly entry: number;
}

/**
 * Replies from a recording, asked before routing (serve --replay; harness/replay.ts): a reply,
 * undefined to let the emulator answer, or a WsmanFault for a request it refuses to answer.
 */
export interface RecordedReplies {
  answer(request: RecordedRequest): RecordedAnswer | undefined;
}
