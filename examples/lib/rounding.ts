/**
 * Bounds that mean "exact up to rounding", in the dtype a run uses.
 *
 * Some claims are identities (C3's scaler formulas, C5's normalization, C6's
 * cancelled bias, C12's per-sample statistics); their criteria check them to a
 * bound written for float64, such as 1e-12. A float32 run rounds every result
 * to about 6e-8 relative, so those bounds would turn the identities into
 * "did not hold" for a reason that is not the claim's. In a float32 run a
 * rounding bound therefore becomes the tolerance PyTorch itself uses to call
 * two float32 results equal, `torch.testing.assert_close`'s defaults for
 * float32: atol = 1e-5 for an absolute bound, rtol = 1.3e-6 for a relative
 * one. The standard is PyTorch's, chosen without looking at our numbers, and
 * float64 runs keep their bounds (and criterion texts) unchanged.
 *
 * Only bounds that stand for rounding change: a learned value's accuracy, a
 * contrast's minimum effect and every other bound keep their value in both
 * dtypes.
 *
 * This rule was added after the quick suite was first run in float32, where
 * C3, C5, C6 and C12 came out "did not hold" against float64's bounds.
 */
import type { DType } from '../../core/index.ts';

/** torch.testing.assert_close's default tolerances for float32. */
export const FLOAT32_CLOSE = { atol: 1e-5, rtol: 1.3e-6 } as const;

/**
 * The bound to apply in a run of `dtype`: `float64Bound` itself in float64;
 * in float32, `atol` for an absolute bound and `rtol` for a relative one.
 */
export function roundingBound(float64Bound: number, dtype: DType, kind: 'absolute' | 'relative'): number {
  if (dtype === 'float64') return float64Bound;
  return kind === 'absolute' ? FLOAT32_CLOSE.atol : FLOAT32_CLOSE.rtol;
}

/**
 * The sentence a criterion ends with in a float32 run, saying where its
 * rounding bounds come from; empty in float64, so float64 criteria read (and
 * hash) as they always have.
 */
export function roundingNote(dtype: DType): string {
  return dtype === 'float64'
    ? ''
    : ` (A ${dtype} run: its rounding bounds are torch.testing's float32 tolerances, ` +
        `${FLOAT32_CLOSE.atol.toExponential()} absolute and ${FLOAT32_CLOSE.rtol.toExponential()} relative, ` +
        'in place of the float64 bounds.)';
}
