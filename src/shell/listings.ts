/**
 * Enumerations of the shells themselves (MS-WSMV 3.1.4.8.2: a wsen:Enumerate on
 * …/windows/shell/cmd lists the caller's active shells). The items are rendered
 * when the Enumerate arrives — the list as it stood then — and handed out by
 * Pull as they fit; a context is its owner's, on its host, and expires like a
 * CIM enumeration context (the host's policy).
 */
import { defaultHarness, type Harness } from '../harness';
import { WsmanFault } from '../wsman/faults';
import type { XmlWriter } from '../xml/write';

export interface ShellListing {
  readonly id: string;
  readonly hostFqdn: string;
  readonly owner: string;
  /** Rendered rsp:Shell elements not yet sent. */
  readonly items: XmlWriter[];
  expiresAt: number;
  readonly timeoutMs: number;
}

export class ShellListings {
  private readonly open = new Map<string, ShellListing>();

  constructor(private readonly harness: Harness = defaultHarness()) {}

  create(hostFqdn: string, owner: string, items: XmlWriter[], timeoutMs: number, maxPerHost: number): ShellListing {
    this.sweep();
    const onHost = [...this.open.values()].filter((l) => l.hostFqdn === hostFqdn).length;
    if (onHost >= maxPerHost) {
      throw new WsmanFault('QuotaLimit', { extra: `The host already holds ${maxPerHost} open enumerations; release some or let them expire.` });
    }
    const id = `uuid:${this.harness.ids.uuid('enumeration').toUpperCase()}`;
    const listing: ShellListing = { id, hostFqdn, owner, items, timeoutMs, expiresAt: this.harness.clock.now() + timeoutMs };
    this.open.set(listing.id, listing);
    return listing;
  }

  /** The caller's context, or wsen:InvalidEnumerationContext (unknown, expired, another host's or another user's: alike). */
  take(id: string, hostFqdn: string, owner: string): ShellListing {
    this.sweep();
    const listing = this.open.get(id.trim());
    if (!listing || listing.hostFqdn !== hostFqdn || listing.owner !== owner) throw new WsmanFault('InvalidEnumerationContext');
    listing.expiresAt = this.harness.clock.now() + listing.timeoutMs;
    return listing;
  }

  delete(listing: ShellListing): void {
    this.open.delete(listing.id);
  }

  clear(): void {
    this.open.clear();
  }

  private sweep(): void {
    const now = this.harness.clock.now();
    for (const [id, l] of this.open) if (l.expiresAt <= now) this.open.delete(id);
  }
}
