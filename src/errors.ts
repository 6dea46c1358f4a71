/**
 * An error caused by what the user gave us (a flag, a file, a text), as opposed to a bug.
 * The CLI prints its message as one line and exits with code 2; notebooks show the message.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Throw an InputError unless `cond` holds. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new InputError(typeof message === 'function' ? message() : message);
}
