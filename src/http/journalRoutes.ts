/**
 * The journal's part of the admin API: `GET /_emulator/requests` and `GET /_emulator/near-misses`
 * (docs/journal.md). Filters are read by harness/journalQuery.ts; a bad one is a 400 naming it.
 */
import type { Request, Response } from 'express';
import type { Fleet } from '../fleet/fleet';
import type { RequestJournal } from '../harness/journal';
import { NEAR_MISS_FILTERS, parseJournalQuery, REQUEST_FILTERS } from '../harness/journalQuery';
import { FAULTS } from '../wsman/faults';

const KNOWN_FAULTS: readonly string[] = [...new Set(Object.values(FAULTS).map((f) => `${f.subcode.prefix}:${f.subcode.local}`))];

/** A handler for one of the journal's lists; 404 when the journal is off (`--journal-size 0`). */
export function journalRoute(fleet: Fleet, journal: () => RequestJournal | undefined, list: 'requests' | 'near-misses') {
  return (req: Request, res: Response): void => {
    const j = journal();
    if (!j) {
      res.status(404).json({ error: 'the request journal is off (serve --journal-size 0, or EmulatorOptions.journalSize 0)' });
      return;
    }
    const parsed = parseJournalQuery(
      req.query as Record<string, unknown>,
      { capacity: j.capacity, resolveHost: (name) => fleet.host(name)?.fqdn, knownFaults: KNOWN_FAULTS },
      list === 'requests' ? REQUEST_FILTERS : NEAR_MISS_FILTERS,
    );
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error });
      return;
    }
    res.json(list === 'requests' ? j.requests(parsed.filter) : j.nearMisses(parsed.filter));
  };
}
