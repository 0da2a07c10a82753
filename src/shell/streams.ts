/**
 * A command's output as the shell holds it until Receive takes it: one queue of
 * chunks in the order the process wrote them, each tagged with its stream, so
 * stdout and stderr keep their interleaving across Receives. Input arrives
 * through Send into a pipe the process reads.
 */
import type { ProcessStdin } from './process';

export interface OutputChunk {
  readonly stream: string;
  readonly data: Buffer;
}

export class OutputQueue {
  private readonly chunks: OutputChunk[] = [];
  private bytes = 0;

  push(stream: string, data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push({ stream, data });
    this.bytes += data.length;
  }

  get size(): number {
    return this.bytes;
  }

  has(streams: ReadonlySet<string>): boolean {
    return this.chunks.some((c) => streams.has(c.stream));
  }

  /** Removes and returns up to `max` bytes of the wanted streams, in order (a chunk may be split). */
  take(streams: ReadonlySet<string>, max: number): OutputChunk[] {
    const out: OutputChunk[] = [];
    let room = max;
    for (let i = 0; i < this.chunks.length && room > 0; ) {
      const c = this.chunks[i] as OutputChunk;
      if (!streams.has(c.stream)) {
        i++;
        continue;
      }
      if (c.data.length <= room) {
        out.push(c);
        room -= c.data.length;
        this.bytes -= c.data.length;
        this.chunks.splice(i, 1);
      } else {
        out.push({ stream: c.stream, data: c.data.subarray(0, room) });
        this.chunks[i] = { stream: c.stream, data: c.data.subarray(room) };
        this.bytes -= room;
        room = 0;
      }
    }
    return out;
  }
}

/** What Send delivers, for the process to read. Bounded: a client cannot make it hold more than `limit` bytes. */
export class InputPipe implements ProcessStdin {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private buffered = 0;
  private waiter: (() => void) | undefined;

  constructor(private readonly limit: number) {}

  /** False when the data would pass the limit (the caller refuses the Send). */
  write(data: Buffer, end: boolean): boolean {
    if (this.ended) return true;
    if (this.buffered + data.length > this.limit) return false;
    if (data.length > 0) {
      this.chunks.push(data);
      this.buffered += data.length;
    }
    if (end) this.ended = true;
    this.wake();
    return true;
  }

  /** The reader gives up (its process stopped): pending reads end. */
  close(): void {
    this.ended = true;
    this.wake();
  }

  async read(): Promise<Buffer | null> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) {
        this.buffered -= next.length;
        return next;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let c = await this.read(); c !== null; c = await this.read()) parts.push(c);
    return Buffer.concat(parts);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
