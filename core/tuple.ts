/**
 * A tuple whose items are also named fields, as PyTorch's named tuples
 * (`torch.return_types.max`): `const [values, indices] = x.max(1)` and
 * `x.max(1).values` both work.
 */
export function namedTuple<T extends readonly unknown[], F extends Record<string, unknown>>(
  items: T,
  fields: F,
): T & Readonly<F> {
  return Object.assign([...items], fields) as unknown as T & Readonly<F>;
}
