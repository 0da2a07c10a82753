import type { OptionSpec } from './options';

/** serve's flags; each is also read from IPAM_EMULATOR_<FLAG> (cli/options.ts, docs/embedding.md). */
export const SERVE_OPTIONS = {
  listen: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  fixture: { type: 'string' },
  hosts: { type: 'string' },
  'hosts-base-port': { type: 'string' },
  'https-port': { type: 'string' },
  'no-https': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  clock: { type: 'string' },
  'journal-size': { type: 'string' },
  restore: { type: 'string' },
  replay: { type: 'string' },
  'on-miss': { type: 'string' },
  'ready-file': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  version: { type: 'boolean', noEnv: true },
  help: { type: 'boolean', short: 'h', noEnv: true },
} as const satisfies Record<string, OptionSpec>;
