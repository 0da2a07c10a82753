/**
 * The IPAM database schema: schemas/ipam-db/schema.json, validated once, and
 * the SQL it stands for in each dialect (DDL, idempotent seed INSERTs, the
 * SchemaVersion stamp). Every identifier is checked and quoted here; every
 * value travels as a bound `?` parameter (the T-SQL connection rewrites `?`
 * into @pN).
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../config/paths';
import { IPAM_SCHEMA_VERSIONS, type IpamSchemaVersion, type SqlDialect, type SqlValue } from './types';

export type ColumnType =
  | { readonly kind: 'int' | 'bigint' | 'bool' | 'datetime' }
  | { readonly kind: 'text'; readonly length: number };

export interface IpamColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** Allowed values (text columns only), enforced by a CHECK constraint. */
  readonly values?: readonly string[];
}

export interface IpamTable {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly IpamColumn[];
  readonly primaryKey: string;
  readonly unique: ReadonlyArray<readonly string[]>;
  /** A foreign key always references the primary key of `references`. */
  readonly foreignKeys: ReadonlyArray<{ readonly column: string; readonly references: string }>;
}

export type SeedRow = Readonly<Record<string, SqlValue>>;

export interface IpamVersionDefinition {
  readonly version: IpamSchemaVersion;
  readonly description: string;
  readonly createTables: readonly IpamTable[];
  readonly seed: ReadonlyArray<{ readonly table: string; readonly rows: readonly SeedRow[] }>;
}

export interface IpamSchemaDefinition {
  readonly description: string;
  readonly versions: readonly IpamVersionDefinition[];
}

/** One statement with its bound parameters. */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export class IpamSchemaError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid IPAM schema ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'IpamSchemaError';
  }
}

// ---------------------------------------------------------------- identifiers

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Values allowed in CHECK (… IN (…)): DDL cannot bind parameters, so only plain words become literals. */
const CHECK_LITERAL = /^[A-Za-z0-9_]{1,64}$/;

export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid SQL identifier ${JSON.stringify(name.slice(0, 140))}`);
  return name;
}

/** Validates and quotes one identifier: "x" for SQLite, [x] for T-SQL (with ] doubled, should the rule ever widen). */
export function quoteIdentifier(name: string, dialect: SqlDialect): string {
  assertIdentifier(name);
  return dialect === 'sqlite' ? `"${name.replace(/"/g, '""')}"` : `[${name.replace(/]/g, ']]')}]`;
}

/** A table reference: IPAM tables live in [dbo] on SQL Server. */
export function tableRef(table: string, dialect: SqlDialect): string {
  return dialect === 'sqlite' ? quoteIdentifier(table, dialect) : `[dbo].${quoteIdentifier(table, dialect)}`;
}

// ---------------------------------------------------------------- validation

let cached: IpamSchemaDefinition | undefined;

/** The schema in schemas/ipam-db/schema.json, read and validated on first use. */
export function loadIpamSchema(): IpamSchemaDefinition {
  if (!cached) {
    const file = path.join(projectRoot(), 'schemas', 'ipam-db', 'schema.json');
    cached = validateIpamSchema(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, file);
  }
  return cached;
}

/** Tables and columns the code in this folder queries by name; the data file must keep them. */
const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  SchemaInfo: ['Name', 'Value'],
  Roles: ['RoleId', 'Name'],
  AccessScopes: ['ScopeId', 'Path'],
  AccessPolicies: ['UserOrGroup', 'RoleId', 'ScopeId'],
  Capabilities: ['Name', 'State'],
  Configuration: ['Name', 'Value'],
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks `data` and returns it typed; an IpamSchemaError lists every problem with its JSON path. */
export function validateIpamSchema(data: unknown, source: string): IpamSchemaDefinition {
  const problems: string[] = [];
  const tables = new Map<string, IpamTable>(); // case-insensitive, as SQL Server's IPAM collation is
  const versions: IpamVersionDefinition[] = [];
  const seededKeys = new Set<string>(); // a seed row colliding with another on a key would be skipped silently
  const strictKeys = (o: Json, at: string, allowed: readonly string[]): void => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) problems.push(`${at}: unknown property "${k}"`);
  };
  const text = (o: Json, key: string, at: string): string => {
    const v = o[key];
    if (typeof v === 'string' && v.length > 0) return v;
    problems.push(`${at}.${key}: must be a non-empty string`);
    return '';
  };
  const ident = (v: unknown, at: string): string => {
    if (typeof v === 'string' && IDENTIFIER.test(v)) return v;
    problems.push(`${at}: ${JSON.stringify(v)} is not a valid identifier`);
    return '';
  };
  const fail = (problem: string): undefined => {
    problems.push(problem);
    return undefined;
  };
  const list = (v: unknown, at: string): unknown[] => {
    if (v === undefined) return [];
    if (Array.isArray(v)) return v;
    problems.push(`${at}: must be an array`);
    return [];
  };

  if (!isObject(data)) throw new IpamSchemaError(source, ['(root): must be an object']);
  strictKeys(data, '(root)', ['$schema', 'description', 'versions']);
  const description = text(data, 'description', '(root)');
  const rawVersions = list(data.versions, 'versions');
  if (rawVersions.map((v) => (isObject(v) ? v.version : undefined)).join() !== IPAM_SCHEMA_VERSIONS.join()) {
    problems.push(`versions: must be exactly ${IPAM_SCHEMA_VERSIONS.join(', ')} in that order (src/storage/ipamDb/types.ts)`);
  }
  rawVersions.forEach((rv, vi) => {
    const at = `versions[${vi}]`;
    if (!isObject(rv)) return fail(`${at}: must be an object`);
    strictKeys(rv, at, ['version', 'description', 'createTables', 'seed']);
    const createTables = list(rv.createTables, `${at}.createTables`).map((rt, ti) => parseTable(rt, `${at}.createTables[${ti}]`));
    for (const t of createTables) {
      if (!t) continue;
      if (tables.has(t.name.toLowerCase())) problems.push(`${at}: table ${t.name} is defined twice`);
      tables.set(t.name.toLowerCase(), t);
    }
    for (const t of createTables) if (t) checkForeignKeys(t, at);
    const seed = list(rv.seed, `${at}.seed`).map((rs, si) => parseSeed(rs, `${at}.seed[${si}]`));
    versions.push({
      version: rv.version as IpamSchemaVersion,
      description: text(rv, 'description', at),
      createTables: createTables.filter((t): t is IpamTable => t !== undefined),
      seed: seed.filter((s): s is IpamVersionDefinition['seed'][number] => s !== undefined),
    });
  });
  for (const [name, columns] of Object.entries(REQUIRED_COLUMNS)) {
    const t = versions[0]?.createTables.find((x) => x.name === name);
    const missing = columns.filter((c) => !t?.columns.some((x) => x.name === c));
    if (missing.length) problems.push(`versions[0]: table ${name} must have columns ${missing.join(', ')}`);
  }
  if (problems.length) throw new IpamSchemaError(source, problems);
  return { description, versions };

  function parseTable(rt: unknown, at: string): IpamTable | undefined {
    if (!isObject(rt)) return fail(`${at}: must be an object`);
    strictKeys(rt, at, ['name', 'description', 'columns', 'primaryKey', 'unique', 'foreignKeys']);
    const columns = list(rt.columns, `${at}.columns`).map((rc, ci) => parseColumn(rc, `${at}.columns[${ci}]`));
    if (columns.length === 0) problems.push(`${at}.columns: a table needs at least one column`);
    const names = columns.map((c) => c?.name.toLowerCase());
    const has = (c: unknown, where: string): string => {
      const n = ident(c, where);
      if (n && !names.includes(n.toLowerCase())) problems.push(`${where}: no column ${n}`);
      return n;
    };
    if (new Set(names).size !== names.length) problems.push(`${at}.columns: duplicate column names`);
    const primaryKey = has(rt.primaryKey, `${at}.primaryKey`);
    if (columns.find((c) => c?.name === primaryKey)?.nullable) problems.push(`${at}.primaryKey: ${primaryKey} must not be nullable`);
    const unique = list(rt.unique, `${at}.unique`).map((u, ui) => list(u, `${at}.unique[${ui}]`).map((c, i) => has(c, `${at}.unique[${ui}][${i}]`)));
    const foreignKeys = list(rt.foreignKeys, `${at}.foreignKeys`).map((rf, fi) => {
      const fat = `${at}.foreignKeys[${fi}]`;
      if (!isObject(rf)) return fail(`${fat}: must be an object`);
      strictKeys(rf, fat, ['column', 'references']);
      return { column: has(rf.column, `${fat}.column`), references: ident(rf.references, `${fat}.references`) };
    });
    return {
      name: ident(rt.name, `${at}.name`),
      description: text(rt, 'description', at),
      columns: columns.filter((c): c is IpamColumn => c !== undefined),
      primaryKey,
      unique,
      foreignKeys: foreignKeys.filter((f): f is IpamTable['foreignKeys'][number] => f !== undefined),
    };
  }

  function parseColumn(rc: unknown, at: string): IpamColumn | undefined {
    if (!isObject(rc)) return fail(`${at}: must be an object`);
    strictKeys(rc, at, ['name', 'type', 'nullable', 'values', 'description']);
    const type = parseColumnType(rc.type);
    if (!type) problems.push(`${at}.type: ${JSON.stringify(rc.type)} is not int, bigint, bool, datetime or text(1..4000)`);
    if (rc.nullable !== undefined && typeof rc.nullable !== 'boolean') problems.push(`${at}.nullable: must be a boolean`);
    let values: string[] | undefined;
    if (rc.values !== undefined) {
      values = list(rc.values, `${at}.values`).filter((v): v is string => typeof v === 'string' && CHECK_LITERAL.test(v));
      if (type?.kind !== 'text' || values.length === 0 || values.length !== (rc.values as unknown[]).length) {
        problems.push(`${at}.values: only a text column may list values, each a plain word (${CHECK_LITERAL.source})`);
      }
    }
    const column: IpamColumn = { name: ident(rc.name, `${at}.name`), type: type ?? { kind: 'int' }, nullable: rc.nullable === true };
    return values ? { ...column, values } : column;
  }

  function checkForeignKeys(t: IpamTable, at: string): void {
    for (const fk of t.foreignKeys) {
      const target = tables.get(fk.references.toLowerCase());
      const from = t.columns.find((c) => c.name === fk.column);
      const to = target?.columns.find((c) => c.name === target.primaryKey);
      if (!target) problems.push(`${at}: ${t.name}.${fk.column} references ${fk.references}, which is not defined by this or an earlier version`);
      else if (from && to && typeName(from.type) !== typeName(to.type)) problems.push(`${at}: ${t.name}.${fk.column} and ${target.name}.${to.name} differ in type`);
    }
  }

  function parseSeed(rs: unknown, at: string): IpamVersionDefinition['seed'][number] | undefined {
    if (!isObject(rs)) return fail(`${at}: must be an object`);
    strictKeys(rs, at, ['table', 'rows']);
    const table = tables.get(String(rs.table).toLowerCase());
    if (!table) return fail(`${at}.table: ${JSON.stringify(rs.table)} is not defined by this or an earlier version`);
    const rows = list(rs.rows, `${at}.rows`).map((row, ri): SeedRow | undefined => {
      const rat = `${at}.rows[${ri}]`;
      if (!isObject(row)) return fail(`${rat}: must be an object`);
      for (const key of Object.keys(row)) if (!table.columns.some((c) => c.name === key)) problems.push(`${rat}: ${table.name} has no column "${key}"`);
      for (const c of table.columns) {
        const problem = checkValue(c, row[c.name]);
        if (problem) problems.push(`${rat}.${c.name}: ${problem}`);
      }
      for (const key of [[table.primaryKey], ...table.unique]) {
        const id = `${table.name}(${key.join()})=${JSON.stringify(key.map((c) => row[c])).toLowerCase()}`;
        if (seededKeys.has(id)) problems.push(`${rat}: another seed row has the same ${key.join(', ')}`);
        seededKeys.add(id);
      }
      return row as SeedRow;
    });
    return { table: table.name, rows: rows.filter((r): r is SeedRow => r !== undefined) };
  }
}

function parseColumnType(v: unknown): ColumnType | undefined {
  if (v === 'int' || v === 'bigint' || v === 'bool' || v === 'datetime') return { kind: v };
  const m = typeof v === 'string' ? /^text\((\d{1,4})\)$/.exec(v) : null;
  const length = m ? Number(m[1]) : 0;
  return length >= 1 && length <= 4000 ? { kind: 'text', length } : undefined;
}

export function typeName(t: ColumnType): string {
  return t.kind === 'text' ? `text(${t.length})` : t.kind;
}

/** Why `v` cannot go into column `c`, or undefined when it can. */
export function checkValue(c: IpamColumn, v: unknown): string | undefined {
  if (v === undefined || v === null) return c.nullable ? undefined : 'is required';
  switch (c.type.kind) {
    case 'int':
      return Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31 - 1 ? undefined : 'must be a 32-bit integer';
    case 'bigint':
      return Number.isSafeInteger(v) ? undefined : 'must be a safe integer';
    case 'bool':
      return typeof v === 'boolean' ? undefined : 'must be a boolean';
    case 'datetime':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : 'must be an ISO 8601 date-time';
    case 'text':
      if (typeof v !== 'string') return 'must be a string';
      if (v.length > c.type.length) return `is longer than ${c.type.length} characters`;
      return c.values && !c.values.includes(v) ? `must be one of ${c.values.join(', ')}` : undefined;
  }
}

// ---------------------------------------------------------------- SQL

function versionIndex(version: string): number {
  const i = (IPAM_SCHEMA_VERSIONS as readonly string[]).indexOf(version);
  if (i < 0) throw new Error(`unknown IPAM schema version ${JSON.stringify(version)}`);
  return i;
}

/** Every table of `schema`, in creation order. */
export function allTables(schema: IpamSchemaDefinition): IpamTable[] {
  return schema.versions.flatMap((v) => v.createTables);
}

function findTable(schema: IpamSchemaDefinition, name: string): IpamTable {
  const t = allTables(schema).find((x) => x.name === name);
  if (!t) throw new Error(`the IPAM schema has no table ${name}`);
  return t;
}

function columnSql(c: IpamColumn, dialect: SqlDialect): string {
  const q = quoteIdentifier(c.name, dialect);
  if (dialect === 'tsql') {
    // Explicit NULL: T-SQL's default nullability depends on session settings (ANSI_NULL_DFLT_ON).
    const notNull = c.nullable ? ' NULL' : ' NOT NULL';
    const tsql = { int: 'INT', bigint: 'BIGINT', bool: 'BIT', datetime: 'DATETIME2(3)', text: `NVARCHAR(${c.type.kind === 'text' ? c.type.length : 0})` };
    return `${q} ${tsql[c.type.kind]}${notNull}`;
  }
  // STRICT tables know only INTEGER/TEXT/…; NOCASE stands in for the case-insensitive collation IPAM requires on SQL Server.
  const sqlite = { int: 'INTEGER', bigint: 'INTEGER', bool: 'INTEGER', datetime: 'TEXT', text: 'TEXT COLLATE NOCASE' };
  return `${q} ${sqlite[c.type.kind]}${c.nullable ? '' : ' NOT NULL'}`;
}

function checkConstraints(t: IpamTable, dialect: SqlDialect): string[] {
  const out: string[] = [];
  for (const c of t.columns) {
    const q = quoteIdentifier(c.name, dialect);
    const name = (suffix: string): string => quoteIdentifier(`CK_${t.name}_${c.name}${suffix}`, dialect);
    if (c.values) {
      const literals = c.values.map((v) => {
        if (!CHECK_LITERAL.test(v)) throw new Error(`value ${JSON.stringify(v)} cannot appear in a CHECK constraint`);
        return dialect === 'tsql' ? `N'${v}'` : `'${v}'`;
      });
      out.push(`CONSTRAINT ${name('')} CHECK (${q} IN (${literals.join(', ')}))`);
    }
    if (dialect !== 'sqlite') continue;
    // SQLite has no sized or boolean types: these checks refuse what SQL Server would refuse.
    if (c.type.kind === 'text') out.push(`CONSTRAINT ${name('_Length')} CHECK (length(${q}) <= ${c.type.length})`);
    if (c.type.kind === 'bool') out.push(`CONSTRAINT ${name('_Bool')} CHECK (${q} IN (0, 1))`);
  }
  return out;
}

/** CREATE TABLE for one table. */
export function createTableSql(schema: IpamSchemaDefinition, t: IpamTable, dialect: SqlDialect): string {
  const q = (n: string): string => quoteIdentifier(n, dialect);
  const parts = t.columns.map((c) => columnSql(c, dialect));
  parts.push(`CONSTRAINT ${q(`PK_${t.name}`)} PRIMARY KEY (${q(t.primaryKey)})`);
  for (const u of t.unique) parts.push(`CONSTRAINT ${q(`UQ_${t.name}_${u.join('_')}`)} UNIQUE (${u.map(q).join(', ')})`);
  for (const fk of t.foreignKeys) {
    const target = findTable(schema, fk.references);
    parts.push(`CONSTRAINT ${q(`FK_${t.name}_${fk.column}`)} FOREIGN KEY (${q(fk.column)}) REFERENCES ${tableRef(target.name, dialect)} (${q(target.primaryKey)})`);
  }
  parts.push(...checkConstraints(t, dialect));
  return `CREATE TABLE ${tableRef(t.name, dialect)} (\n  ${parts.join(',\n  ')}\n)${dialect === 'sqlite' ? ' STRICT' : ''}`;
}

/**
 * INSERT … SELECT … WHERE NOT EXISTS: inserts `row` unless a row with the same
 * primary key or unique key is there, so seeding again after a crash is harmless.
 */
export function insertIfMissing(t: IpamTable, row: SeedRow, dialect: SqlDialect): SqlStatement {
  const q = (n: string): string => quoteIdentifier(n, dialect);
  const columns = t.columns.filter((c) => row[c.name] !== undefined);
  const values = columns.map((c) => row[c.name] as SqlValue);
  const keys = [[t.primaryKey], ...t.unique].filter((k) => k.every((c) => row[c] != null));
  const conditions = keys.map((k) => `(${k.map((c) => `${q(c)} = ?`).join(' AND ')})`);
  return {
    sql:
      `INSERT INTO ${tableRef(t.name, dialect)} (${columns.map((c) => q(c.name)).join(', ')}) ` +
      `SELECT ${columns.map(() => '?').join(', ')} ` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${tableRef(t.name, dialect)} WHERE ${conditions.join(' OR ')})`,
    params: [...values, ...keys.flat().map((c) => row[c] as SqlValue)],
  };
}

/** Sets `valueColumn` of the row whose `keyColumn` is `key`, inserting the row when missing. */
export function upsert(table: string, keyColumn: string, key: string, valueColumn: string, value: SqlValue, dialect: SqlDialect): SqlStatement[] {
  const [t, k, v] = [tableRef(table, dialect), quoteIdentifier(keyColumn, dialect), quoteIdentifier(valueColumn, dialect)];
  return [
    { sql: `UPDATE ${t} SET ${v} = ? WHERE ${k} = ?`, params: [value, key] },
    { sql: `INSERT INTO ${t} (${k}, ${v}) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM ${t} WHERE ${k} = ?)`, params: [key, value, key] },
  ];
}

/** Seed INSERTs of `version`, optionally only those for `tables`. */
export function seedStatements(schema: IpamSchemaDefinition, version: IpamSchemaVersion, dialect: SqlDialect, tables?: readonly string[]): SqlStatement[] {
  const v = schema.versions[versionIndex(version)] as IpamVersionDefinition;
  return v.seed
    .filter((s) => !tables || tables.includes(s.table))
    .flatMap((s) => s.rows.map((row) => insertIfMissing(findTable(schema, s.table), row, dialect)));
}

/** One upgrade step: what `version` adds to the version before it, then the SchemaVersion stamp. */
export function versionStep(schema: IpamSchemaDefinition, version: IpamSchemaVersion, dialect: SqlDialect): SqlStatement[] {
  const v = schema.versions[versionIndex(version)] as IpamVersionDefinition;
  return [
    ...v.createTables.map((t) => ({ sql: createTableSql(schema, t, dialect), params: [] })),
    ...seedStatements(schema, version, dialect),
    ...upsert('SchemaInfo', 'Name', 'SchemaVersion', 'Value', version, dialect),
  ];
}

/** Versions after `from` (undefined: an empty database) up to and including `to`. */
export function versionsBetween(from: IpamSchemaVersion | undefined, to: IpamSchemaVersion): IpamSchemaVersion[] {
  const start = from === undefined ? 0 : versionIndex(from) + 1;
  return IPAM_SCHEMA_VERSIONS.slice(start, versionIndex(to) + 1);
}

/** Everything that turns `from` (undefined: an empty database) into `to`. */
export function migrationPlan(schema: IpamSchemaDefinition, from: IpamSchemaVersion | undefined, to: IpamSchemaVersion, dialect: SqlDialect): SqlStatement[] {
  return versionsBetween(from, to).flatMap((v) => versionStep(schema, v, dialect));
}
