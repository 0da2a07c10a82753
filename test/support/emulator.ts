/**
 * Starts a real emulator for a test: a real HTTP listener on an ephemeral
 * loopback port, real SQLite state in a fresh temporary data directory, and the
 * log captured in memory so tests can search it.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Emulator } from '../../src/app';
import type { Fixture } from '../../src/config/fixture';
import type { HttpTimeouts } from '../../src/http/server';
import type { Clock } from '../../src/harness';

export interface TestEmulator {
  readonly emulator: Emulator;
  readonly url: string;
  readonly port: number;
  /** The HTTPS listener's URL (a self-signed certificate in dataDir/tls). */
  readonly httpsUrl: string;
  readonly dataDir: string;
  /** Every log line written so far, as raw JSON text. */
  logs(): string[];
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (for a fixture host's own port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function tempDir(prefix = 'ipam-emu-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startEmulator(
  opts: { fixture?: Fixture | string; dataDir?: string; stepDelayMs?: number; concurrency?: number; httpTimeouts?: HttpTimeouts; seed?: number; clock?: Clock; journalSize?: number } = {},
): Promise<TestEmulator> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(l);
      cb();
    },
  });
  const logger = pino({ level: 'debug', base: { name: 'ipam-emulator' } }, sink);
  const dataDir = opts.dataDir ?? tempDir();
  const emulator = Emulator.create({
    fixture: opts.fixture,
    dataDir,
    logger,
    stepDelayMs: opts.stepDelayMs,
    concurrency: opts.concurrency,
    httpTimeouts: opts.httpTimeouts,
    seed: opts.seed,
    clock: opts.clock,
    journalSize: opts.journalSize,
  });
  const listener = await emulator.start('127.0.0.1', 0, { httpsPort: 0 });
  return {
    emulator,
    url: listener.url,
    port: listener.port,
    httpsUrl: emulator.httpsListener?.url ?? '',
    dataDir,
    logs: () => [...lines],
    stop: () => emulator.stop(),
  };
}
