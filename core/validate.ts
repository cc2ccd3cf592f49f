/**
 * Run-time checks for the plain-JavaScript boundary. TypeScript's types guard
 * only TypeScript callers; these guard everyone else, so a JavaScript array where
 * a tensor belongs, a string where a number belongs, or a misspelt option key
 * gets a ValueError naming the function, the argument and what it got, instead
 * of a TypeError from the library's insides or a silent NaN. Each entry point's
 * guard is one call to one of these.
 */
import { DTypeError, fmtShape, ValueError } from './errors.ts';
import { suggest } from './suggest.ts';
import { Tensor } from './tensor.ts';

export { suggest };

/** A short, readable account of any value, for messages: `an array [1, 2]`, `string '2'`, `null`. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) {
    if (v.some((x) => x instanceof Tensor))
      return `an array of ${v.length} item${v.length === 1 ? '' : 's'} holding Tensors`;
    return `an array ${clip(JSON.stringify(v) ?? '[...]')}`;
  }
  if (typeof v === 'string') return `string '${clip(v)}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return `${typeof v} ${String(v)}`;
  if (typeof v === 'function') return `a function${v.name === '' ? '' : ` ${v.name}`}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null)
    return `a ${v.constructor.name}`;
  return `an object { ${clip(Object.keys(v as object).join(', '))} }`.replace('{  }', '{}');
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

const hint = (v: unknown) => (Array.isArray(v) ? '; wrap it with tensor(...)' : '');

/** `v` must be a Tensor. */
export function checkTensor(who: string, arg: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor))
    throw new ValueError(`${who}: ${arg} must be a Tensor, got ${describe(v)}${hint(v)}`);
}

/** `v` must be a Tensor or null/undefined (an optional tensor argument). */
export function checkOptionalTensor(
  who: string,
  arg: string,
  v: unknown,
): asserts v is Tensor | null | undefined {
  if (v !== null && v !== undefined) checkTensor(who, arg, v);
}

/** `v` must be a Tensor or a number (the operand of an elementwise op). */
export function checkTensorLike(who: string, arg: string, v: unknown): asserts v is Tensor | number {
  if (typeof v !== 'number' && !(v instanceof Tensor)) {
    throw new ValueError(`${who}: ${arg} must be a Tensor or a number, got ${describe(v)}${hint(v)}`);
  }
}

/** Bounds and kind of a numeric argument; every number checked must at least be a number. */
export interface NumberRule {
  /** Rejects NaN and +-Infinity (the default: a hyperparameter of NaN poisons every weight a step later). */
  finite?: boolean;
  /** Require a whole number (a size, a dim, a count). */
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
}

/** `v` must be a number meeting the rule (finite by default); the message says which part failed. */
export function checkNumber(who: string, arg: string, v: unknown, rule: NumberRule = {}): number {
  const { finite = true, integer = false, min, above, max } = rule;
  const want = integer ? 'an integer' : finite ? 'a finite number' : 'a number';
  const bounds = [
    min === undefined ? '' : `>= ${min}`,
    above === undefined ? '' : `> ${above}`,
    max === undefined ? '' : `<= ${max}`,
  ].filter((b) => b !== '');
  const fail = () =>
    new ValueError(
      `${who}: ${arg} must be ${want}${bounds.length > 0 ? ` ${bounds.join(' and ')}` : ''}, got ${describe(v)}`,
    );
  if (typeof v !== 'number') throw fail();
  if ((finite || integer) && !Number.isFinite(v)) throw fail();
  if (integer && !Number.isInteger(v)) throw fail();
  if (
    (min !== undefined && !(v >= min)) ||
    (above !== undefined && !(v > above)) ||
    (max !== undefined && !(v <= max))
  ) {
    throw fail();
  }
  return v;
}

/** `v` must be a boolean (`true`/`false`, not a truthy string). */
export function checkBoolean(who: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new ValueError(`${who}: ${arg} must be true or false, got ${describe(v)}`);
  return v;
}

/** `v` must be one of the listed strings. */
export function checkChoice<T extends string>(
  who: string,
  arg: string,
  v: unknown,
  choices: readonly T[],
): T {
  if (typeof v !== 'string' || !choices.includes(v as T)) {
    throw new ValueError(
      `${who}: ${arg} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(v)}${suggest(v, choices)}`,
    );
  }
  return v as T;
}

/**
 * An options argument: undefined, or a plain object whose keys are all known.
 * A misspelt key (`{ lrr: 0.1 }`) is an error with a did-you-mean, not silently
 * ignored; a number or tensor where the options belong says so.
 */
export function checkOptions(who: string, opts: unknown, known: readonly string[]): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts) || opts instanceof Tensor) {
    throw new ValueError(
      `${who}: options must be an object such as { ${known[0] ?? ''}: ... }, got ${describe(opts)}`,
    );
  }
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new ValueError(
        `${who}: unknown option '${key}'${suggest(key, known)} (known options: ${known.join(', ')})`,
      );
    }
  }
}

/**
 * Tensors an op combines without promotion (matmul, linear, convolution, the norm
 * layers, class weights, the recurrent cells) must share one dtype, as PyTorch
 * requires ("expected scalar type Float but found Double"); a DTypeError names
 * the op, both arguments and both dtypes, then `why` when the refusal needs a
 * reason (tests/fixtures/dtype_rules.json holds PyTorch's answer for each op).
 * Each argument present must be a Tensor.
 */
export function checkSameDtype(
  who: string,
  args: Readonly<Record<string, Tensor | null | undefined>>,
  why = '',
): void {
  let first: [string, Tensor] | null = null;
  for (const [arg, t] of Object.entries(args)) {
    if (t === null || t === undefined) continue;
    checkTensor(who, arg, t); // a JS array where a weight belongs gets its own message, not a crash here
    if (first === null) first = [arg, t];
    else if (t.data.constructor !== first[1].data.constructor) {
      throw new DTypeError(
        `${who}: expected ${first[0]} and ${arg} to have the same dtype, got ${first[0]} ${first[1].dtype} and ` +
          `${arg} ${t.dtype}${why}; convert one with .to('${first[1].dtype}') (or .float() / .double())`,
      );
    }
  }
}
