/**
 * What the engine reports while it works, and how it asks for a confirmation: its
 * own event sink, which each door supplies (the CIM door drops events and answers
 * "yes" until full duplex; the shell door writes PowerShell's verbose and progress
 * streams and refuses prompts in a non-interactive host).
 */

/** Progress and messages (the shapes of MS-WSMV 2.2.4.47's interactive events, which the CIM door sends). */
export type OperationEvent =
  | { readonly type: 'Progress'; readonly activity: string; readonly currentOperation: string; readonly statusDescription: string; readonly percentComplete: number; readonly secondsRemaining: number }
  | { readonly type: 'Verbose' | 'Warning' | 'Debug'; readonly description: string };

export interface PromptEvent {
  readonly type: 'Confirm';
  readonly description: string;
  readonly promptType: 'Normal' | 'Critical';
}

export type PromptAnswer = 'yes' | 'no' | 'yesToAll' | 'noToAll';

export interface EventSink {
  emit(event: OperationEvent): void;
  /** Asks the client to confirm; resolves with its answer (or the default the door chooses), or rejects to stop the run. */
  prompt(event: PromptEvent): Promise<PromptAnswer>;
}
