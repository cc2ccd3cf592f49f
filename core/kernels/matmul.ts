/**
 * Batched matrix product: out[b] = a[b] (m x k) @ b[b] (k x n), all row-major.
 * The i-k-j loop order walks both b's rows and out's rows with unit stride, so
 * the inner loop is a contiguous axpy that V8 compiles to a tight loop.
 * (The performance issue will add packed, register-blocked kernels here.)
 */
export function bmm(
  a: Float64Array,
  b: Float64Array,
  batch: number,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = p * m * k;
    const bo = p * k * n;
    const oo = p * m * n;
    for (let i = 0; i < m; i++) {
      const orow = oo + i * n;
      for (let t = 0; t < k; t++) {
        const av = a[ao + i * k + t]!;
        const brow = bo + t * n;
        for (let j = 0; j < n; j++) out[orow + j] = out[orow + j]! + av * b[brow + j]!;
      }
    }
  }
  return out;
}
