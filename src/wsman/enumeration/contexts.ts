/**
 * Open enumerations. A context holds the items not yet pulled, as references
 * where the provider can fetch an instance by its keys, and as bare key values
 * where they are of one class with one key (so 10,000 jobs cost 10,000 strings,
 * not their instances, until pulled); it belongs to
 * the host and user that opened it, and is dropped after being idle for the
 * host's EnumerationTimeoutms (MS-WSMV 3.1.2: the timer restarts after each
 * Enumerate/Pull response) or when released or exhausted.
 */
import { defaultHarness, type Clock, type Harness, type Ids, type TimerHandle } from '../../harness';
import type { CimInstance, CimReference } from '../../cim/types';
import type { UriForm } from '../resource';
import { WsmanFault } from '../faults';

export type EnumerationMode = 'objects' | 'epr' | 'objectAndEpr';

/** Where a context's items are fetched from when pulled (the provider, bound to the request that opened it). */
export interface ItemSource {
  /** The instance as it is now (with the enumeration's WQL projection), or undefined if it is gone. */
  load(reference: CimReference): Promise<CimInstance | undefined>;
  /** Several at once, in order (one query for a Pull's page where the provider can). */
  loadMany(references: readonly CimReference[]): Promise<ReadonlyArray<CimInstance | undefined>>;
}

export interface EnumerationItem {
  readonly reference: CimReference;
  /** Kept when the provider cannot fetch instances by their keys; else `source` loads it when pulled. */
  readonly instance?: CimInstance;
  readonly source?: ItemSource;
}

/**
 * A context's items, in order. Items of a class fetched by one key (jobs by
 * InstanceID) are held as their key values only and made into items when asked:
 * an open enumeration of 10,000 jobs costs 10,000 strings.
 */
export interface EnumerationItems {
  readonly length: number;
  at(index: number): EnumerationItem;
}

/** Items as they are (instances the provider cannot fetch again, or references of several keys). */
export class ItemArray implements EnumerationItems {
  constructor(private readonly items: readonly EnumerationItem[]) {}

  get length(): number {
    return this.items.length;
  }

  at(index: number): EnumerationItem {
    return this.items[index] as EnumerationItem;
  }
}

/** Items of one class with one key property, loaded from one source: only the key values are kept. */
export class KeyedItems implements EnumerationItems {
  constructor(
    private readonly className: string,
    private readonly namespace: string,
    private readonly keyName: string,
    private readonly values: readonly string[],
    private readonly source: ItemSource,
  ) {}

  get length(): number {
    return this.values.length;
  }

  at(index: number): EnumerationItem {
    const reference: CimReference = {
      kind: 'reference',
      className: this.className,
      namespace: this.namespace,
      keys: [{ name: this.keyName, value: this.values[index] as string }],
    };
    return { reference, source: this.source };
  }

  /**
   * The compact form of `references` when they allow it (one class, one key of one name, as
   * enumerateReferences of a class gives them); undefined otherwise.
   */
  static of(references: readonly CimReference[], source: ItemSource): KeyedItems | undefined {
    const first = references[0];
    if (!first || first.keys.length !== 1) return undefined;
    const keyName = (first.keys[0] as { name: string }).name;
    const values: string[] = new Array<string>(references.length);
    for (let i = 0; i < references.length; i++) {
      const r = references[i] as CimReference;
      const key = r.keys[0];
      if (r.keys.length !== 1 || !key || key.name !== keyName || r.className !== first.className || r.namespace !== first.namespace) return undefined;
      values[i] = key.value;
    }
    return new KeyedItems(first.className, first.namespace, keyName, values, source);
  }
}

/** Several lists one after the other (a class, then its subclasses). */
export class ConcatItems implements EnumerationItems {
  readonly length: number;
  private readonly starts: number[] = [];

  constructor(private readonly parts: readonly EnumerationItems[]) {
    let n = 0;
    for (const p of parts) {
      this.starts.push(n);
      n += p.length;
    }
    this.length = n;
  }

  at(index: number): EnumerationItem {
    for (let k = this.parts.length - 1; k >= 0; k--) {
      const start = this.starts[k] as number;
      if (index >= start) return (this.parts[k] as EnumerationItems).at(index - start);
    }
    throw new RangeError(`no item ${index}`);
  }
}

export interface EnumerationState {
  readonly id: string;
  readonly hostFqdn: string;
  /** The user who opened it: another user's Pull gets InvalidEnumerationContext. */
  readonly owner: string;
  readonly mode: EnumerationMode;
  readonly form: UriForm;
  readonly items: EnumerationItems;
  /** Index of the next item to send. */
  position: number;
  /** A Pull is reading items right now (a second Pull on the context must wait its turn). */
  busy: boolean;
  expiresAt: number;
  readonly timeoutMs: number;
}

export class EnumerationContexts {
  private readonly open = new Map<string, EnumerationState>();
  private readonly perHost = new Map<string, number>();
  private sweeper: TimerHandle | undefined;
  private closed = false;
  private readonly clock: Clock;
  private readonly ids: Ids;

  /** Contexts expire on the harness's clock (a virtual one expires them when moved, without waiting). */
  constructor(harness: Harness = defaultHarness(), private readonly sweepIntervalMs = 5000) {
    this.clock = harness.clock;
    this.ids = harness.ids;
    this.armSweeper();
  }

  private now(): number {
    return this.clock.now();
  }

  private armSweeper(): void {
    // A virtual clock's time jumps: expiry is checked on every create and take instead.
    if (this.closed || this.clock.virtual) return;
    this.sweeper = this.clock
      .setTimeout(() => {
        this.sweep();
        this.armSweeper();
      }, this.sweepIntervalMs)
      .unref();
  }

  /** Opens a context; faults with w:InternalError past the host's limit (MS-WSMV 3.1.4.1.19). */
  create(init: {
    hostFqdn: string;
    owner: string;
    mode: EnumerationMode;
    form: UriForm;
    items: EnumerationItems;
    position: number;
    timeoutMs: number;
    maxPerHost: number;
  }): EnumerationState {
    this.sweep();
    const count = this.perHost.get(init.hostFqdn) ?? 0;
    if (count >= init.maxPerHost) {
      // MS-WSMV 3.1.4.1.19: too many enumerations MUST be wsman:InternalError. The code is WinRM's
      // "busy servicing other requests" quota code (docs/research/wsman-facts.md §5) [inferred].
      throw new WsmanFault('InternalError', {
        winrmCode: 0x8033803f,
        extra: `The host already has ${count} open enumerations (limit ${init.maxPerHost}); release or finish some first.`,
      });
    }
    const state: EnumerationState = {
      id: 'uuid:' + this.ids.uuid('enumeration').toUpperCase(),
      hostFqdn: init.hostFqdn,
      owner: init.owner,
      mode: init.mode,
      form: init.form,
      items: init.items,
      position: init.position,
      busy: false,
      timeoutMs: init.timeoutMs,
      expiresAt: this.now() + init.timeoutMs,
    };
    this.open.set(state.id, state);
    this.perHost.set(init.hostFqdn, count + 1);
    return state;
  }

  /** The context for a Pull or Release, or the InvalidEnumerationContext fault. */
  take(id: string, hostFqdn: string, owner: string): EnumerationState {
    const state = this.open.get(id.trim());
    if (!state || state.hostFqdn !== hostFqdn || state.owner !== owner || state.expiresAt <= this.now()) {
      if (state && state.expiresAt <= this.now()) this.delete(state);
      throw new WsmanFault('InvalidEnumerationContext');
    }
    return state;
  }

  /** Restarts the idle timer after a response (MS-WSMV 3.1.2). */
  touch(state: EnumerationState): void {
    state.expiresAt = this.now() + state.timeoutMs;
  }

  delete(state: EnumerationState): void {
    if (this.open.delete(state.id)) {
      const n = (this.perHost.get(state.hostFqdn) ?? 1) - 1;
      if (n <= 0) this.perHost.delete(state.hostFqdn);
      else this.perHost.set(state.hostFqdn, n);
    }
  }

  /** Drops every context of a host (used when a host is reset). */
  clearHost(hostFqdn: string): void {
    for (const s of [...this.open.values()]) if (s.hostFqdn === hostFqdn) this.delete(s);
  }

  sweep(): void {
    const t = this.now();
    for (const s of this.open.values()) if (s.expiresAt <= t) this.delete(s);
  }

  get size(): number {
    this.sweep();
    return this.open.size;
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.sweeper);
    this.open.clear();
    this.perHost.clear();
  }
}
