/**
 * A way to force a full garbage collection, so heap readings mean something:
 * global.gc when jest runs with --expose-gc, else the same function obtained by
 * turning the V8 flag on at run time (a fresh vm context then carries gc).
 * HOSTILE_GC=none pretends neither works (to try that path).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

export function garbageCollector(): (() => void) | undefined {
  if (process.env.HOSTILE_GC === 'none') return undefined;
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return global;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const gc = garbageCollector();

/** The heap in use after two full collections (when one can be forced; else as it stands). */
export function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}
