/** The machine, the software and the commit a run measured. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { ROOT } from './dist';

export interface MachineInfo {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramGiB: string;
  readonly node: string;
  readonly os: string;
  readonly commit: string;
  readonly loadAtStart: string;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return undefined;
  }
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()}, ${os.arch()})`;
  } catch {
    // not Linux, or no os-release
  }
  return `${os.type()} ${os.release()} (${os.arch()})`;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const head = git(['rev-parse', '--short', 'HEAD']) ?? 'unknown';
  // What the child runs: uncommitted changes there make the figures those of the work tree, not of the commit.
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'src', 'schemas', 'fixtures']);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    os: osName(),
    commit: dirty ? `${head} (with uncommitted changes to ${[...new Set(dirty.split('\n').map((l) => l.replace(/^.. /, '').split('/')[0]))].join(', ')})` : head,
    loadAtStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / '),
  };
}
