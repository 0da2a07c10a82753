/**
 * Loads the MOF schema files of one namespace into a ClassRegistry.
 * Runs once at startup, so plain synchronous reads are fine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMof } from './mof/parser';
import type { CimClassDecl } from './types';
import { ClassRegistry } from './registry';

/** CIM base classes first, then the Microsoft and IPAM classes that derive from them. */
export const DEFAULT_SCHEMA_FILES: readonly string[] = ['cim.mof', 'msft.mof', 'ipam.mof'];

/**
 * Parses `files` (relative to `dir`, in order) and registers all their classes
 * in `namespace` as one batch, so a class may refer to one in a later file.
 * Syntax errors name the file as listed (e.g. `ipam.mof:12:5: …`).
 * Registers into `registry` when given (for a second namespace), else a new one.
 */
export function loadMofDirectory(
  dir: string,
  namespace: string,
  files: readonly string[] = DEFAULT_SCHEMA_FILES,
  registry: ClassRegistry = new ClassRegistry(),
): ClassRegistry {
  const decls: CimClassDecl[] = [];
  for (const file of files) {
    decls.push(...parseMof(readFileSync(join(dir, file), 'utf8'), file));
  }
  return registry.addNamespace(namespace, decls);
}
