import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret held in memory (decrypted gateway credentials, an access token): it prints as
 * `[redacted]` through JSON (pino), string conversion and `util.inspect`, so logging the object
 * that carries it by accident leaks nothing (STYLE §10; Hyperswitch `Secret<String>`). Only
 * `reveal()` gives the value, at the one place that needs it.
 */
export class Redacted<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Redacted(${REDACTED})`;
  }
}
