/**
 * Prepared statements, prepared once per database connection: better-sqlite3's
 * prepare() compiles the SQL every time, which was the largest single cost of a
 * Get (bench/RESULTS.md). The SQL must be constant text with its values bound,
 * so the cache stays as small as the code's set of queries.
 */
import type Database from 'better-sqlite3';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}
