/**
 * The emulator's own modules, loaded from the build in dist/ — the same code
 * the child process under test runs — with their types from src/.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as StateStoreModule from '../../src/storage/stateStore';
import type * as JobStoreModule from '../../src/storage/jobStore';
import type * as WsmanClientModule from '../../src/client/wsmanClient';
import type * as TransportModule from '../../src/client/transport';
import type * as NegotiateModule from '../../src/client/negotiate';
import type * as IpamModule from '../../src/client/ipam';
import type * as FanoutModule from '../../src/client/fanout';
import type * as FixtureModule from '../../src/config/fixture';

/** The project root: bench/lib → .. → .., also from dist-bench/bench/lib. */
export const ROOT = findRoot(__dirname);
export const DIST = path.join(ROOT, 'dist');

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (path.basename(dir) === 'bench') {
      const up = path.dirname(dir);
      return path.basename(up) === 'dist-bench' ? path.dirname(up) : up;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${from}`);
    dir = up;
  }
}

const load = createRequire(__filename);
function fromDist<T>(rel: string): T {
  return load(path.join(DIST, rel)) as T;
}

export interface EmulatorModules {
  readonly stateStore: typeof StateStoreModule;
  readonly jobStore: typeof JobStoreModule;
  readonly wsmanClient: typeof WsmanClientModule;
  readonly transport: typeof TransportModule;
  readonly negotiate: typeof NegotiateModule;
  readonly ipam: typeof IpamModule;
  readonly fanout: typeof FanoutModule;
  readonly fixture: typeof FixtureModule;
}

let cached: EmulatorModules | undefined;

/** Loaded on first use, so `--help` works before a build. */
export function emulatorModules(): EmulatorModules {
  cached ??= {
    stateStore: fromDist('storage/stateStore.js'),
    jobStore: fromDist('storage/jobStore.js'),
    wsmanClient: fromDist('client/wsmanClient.js'),
    transport: fromDist('client/transport.js'),
    negotiate: fromDist('client/negotiate.js'),
    ipam: fromDist('client/ipam.js'),
    fanout: fromDist('client/fanout.js'),
    fixture: fromDist('config/fixture.js'),
  };
  return cached;
}

export type WsmanClient = WsmanClientModule.WsmanClient;
