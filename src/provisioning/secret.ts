import { inspect } from 'node:util';

/**
 * A password held in memory only. It prints as asterisks in logs, JSON,
 * util.inspect and template strings; `reveal()` is the one way to read it,
 * and grep finds every caller.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '********';
  }

  toJSON(): string {
    return '********';
  }

  [inspect.custom](): string {
    return 'Secret(********)';
  }
}
