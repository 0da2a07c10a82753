/** A CPU profile of a fresh emulator child under a given load (node --cpu-prof). */
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, tempDir, type ChildServer, type EmulatorChildOptions } from './children';
import { newestProfile } from './profile';
import type { BenchConfig, ProfileRun } from './report';

export async function profileUnderLoad(
  cfg: BenchConfig,
  id: string,
  what: string,
  child: Partial<Omit<EmulatorChildOptions, 'dataDir' | 'cpuProfDir' | 'label'>>,
  load: (emu: ChildServer) => Promise<void>,
  /** Fills the fresh data directory before the child starts (e.g. seeds jobs). */
  prepare?: (dataDir: string) => void,
): Promise<ProfileRun> {
  const dir = path.join(cfg.outDir, 'profiles', id);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const dataDir = tempDir(`ipam-bench-prof-${id}-`);
  prepare?.(dataDir);
  const emu = await startEmulator({ ...child, label: `emulator (profiled: ${id})`, dataDir, cpuProfDir: dir });
  // CLOCK_MONOTONIC in µs, the clock V8 stamps profile samples with: the summary counts the load's window only.
  const now = (): number => Number(process.hrtime.bigint() / 1000n);
  let window: { startUs: number; endUs: number } | undefined;
  try {
    const startUs = now();
    await load(emu);
    window = { startUs, endUs: now() };
  } finally {
    await emu.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const file = newestProfile(dir);
  if (!file) throw new Error(`the profiled emulator wrote no .cpuprofile in ${dir}`);
  return { what, profileFile: file, window };
}
