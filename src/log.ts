/**
 * The emulator's structured log: JSON lines through pino. Authorization headers
 * and bodies are never logged; redaction guards the paths where a secret could
 * slip in by mistake.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.IPAM_EMULATOR_LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { name: 'ipam-emulator' },
      redact: {
        paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization', 'credential', '*.credential'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
