/**
 * Variable and function scopes. PowerShell scoping is dynamic: a function's
 * scope is a child of its caller's, so reads see the caller's variables and
 * writes create locals. `$global:` and `$script:` name the outer scopes.
 */
import type { ScriptFunction } from './functions';
import type { PsType } from './types';
import type { PsValue } from './values';

export interface Variable {
  readonly name: string;
  value: PsValue;
  /** A type constraint ([int]$x = 1): later assignments convert to it. */
  type?: PsType;
  readonly readOnly?: boolean;
}

export class Scope {
  readonly #variables = new Map<string, Variable>();
  readonly #functions = new Map<string, ScriptFunction>();

  constructor(
    readonly parent: Scope | undefined,
    /** The nearest script scope (a run's top scope is both global and script). */
    readonly kind: 'global' | 'script' | 'local',
  ) {}

  get global(): Scope {
    return this.parent ? this.parent.global : this;
  }

  get script(): Scope {
    return this.kind !== 'local' || !this.parent ? this : this.parent.script;
  }

  /** This scope and its ancestors, nearest first. */
  private *chain(): Generator<Scope> {
    yield this;
    if (this.parent) yield* this.parent.chain();
  }

  /** The variable visible from here (this scope, then its ancestors). */
  lookup(name: string): Variable | undefined {
    const key = name.toLowerCase();
    return this.#variables.get(key) ?? this.parent?.lookup(key);
  }

  local(name: string): Variable | undefined {
    return this.#variables.get(name.toLowerCase());
  }

  /** Sets a variable in this scope (creating it here if it is not local). */
  set(name: string, value: PsValue, type?: PsType): Variable {
    const key = name.toLowerCase();
    const existing = this.#variables.get(key);
    if (existing) {
      existing.value = value;
      if (type) existing.type = type;
      return existing;
    }
    const v: Variable = { name, value, type };
    this.#variables.set(key, v);
    return v;
  }

  remove(name: string): boolean {
    return this.#variables.delete(name.toLowerCase());
  }

  variables(): Variable[] {
    return [...this.#variables.values()];
  }

  defineFunction(f: ScriptFunction): void {
    this.#functions.set(f.name.toLowerCase(), f);
  }

  findFunction(name: string): ScriptFunction | undefined {
    const key = name.toLowerCase();
    return this.#functions.get(key) ?? this.parent?.findFunction(key);
  }

  allFunctions(): ScriptFunction[] {
    const seen = new Map<string, ScriptFunction>();
    for (const s of this.chain()) for (const [k, f] of s.#functions) if (!seen.has(k)) seen.set(k, f);
    return [...seen.values()];
  }
}
