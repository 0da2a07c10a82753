/**
 * Windows features a host installed while the emulator ran (Install-WindowsFeature),
 * kept in state.sqlite so they survive restarts; what a host starts with comes from
 * the fixture (fleet/hostFeatures.ts joins the two).
 */
import type Database from 'better-sqlite3';
import { prepared } from './statements';

export class FeatureStore {
  constructor(private readonly db: Database.Database) {}

  installed(fqdn: string): string[] {
    return (prepared(this.db, 'SELECT name FROM host_features WHERE fqdn = ? ORDER BY name').all(fqdn) as Array<{ name: string }>).map((r) => r.name);
  }

  add(fqdn: string, names: readonly string[], at: Date): void {
    const insert = prepared(this.db, 'INSERT OR IGNORE INTO host_features (fqdn, name, installed_at) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const n of names) insert.run(fqdn, n, at.toISOString());
    })();
  }

  /** A reset: the host goes back to what the fixture gives it. */
  forget(fqdn: string): void {
    prepared(this.db, 'DELETE FROM host_features WHERE fqdn = ?').run(fqdn);
  }
}
