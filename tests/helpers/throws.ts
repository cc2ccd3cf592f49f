import * as assert from 'uvu/assert';

/** An error class to expect (ShapeError, ValueError, ...). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Asserts that fn throws an instance of `kind` whose message is exactly `message`
 * (the library's messages are part of its interface: tests/reliability/bad-calls).
 */
export function throwsWith(fn: () => unknown, kind: ErrorClass, message: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, kind, `expected a ${kind.name}, got ${String(e)}`);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected a ${kind.name}: ${message}`);
}
