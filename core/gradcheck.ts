/**
 * Gradient checking in float64 by central differences, as
 * `torch.autograd.gradcheck`: the analytic Jacobian (one backward per output
 * element) is compared with the numeric one,
 *
 *     J_num[o, i] = (f(x + eps e_i)[o] - f(x - eps e_i)[o]) / (2 eps),
 *
 * element by element with |J - J_num| <= atol + rtol |J_num|. A random upstream
 * gradient v is also pushed through backward once and v^T J compared, so the
 * engine's accumulation over a whole output is exercised too.
 */
import type { FloatArray } from './dtype.ts';
import { enableGrad, grad, noGrad } from './engine.ts';
import { DTypeError, fmtShape, GradcheckError, ValueError } from './errors.ts';
import { Generator } from './random.ts';
import { Tensor } from './tensor.ts';

export type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

/** Options of `gradcheck` / `gradgradcheck`, with `torch.autograd.gradcheck`'s defaults. */
export interface GradcheckOptions {
  /** Step of the central difference (f(x + eps) - f(x - eps)) / 2eps; 1e-6 by default. */
  eps?: number;
  /**
   * Absolute tolerance: an element passes when abs(analytic - numeric) <= atol + rtol * abs(numeric); 1e-5 by
   * default.
   */
  atol?: number;
  /** Relative tolerance (see `atol`); 1e-3 by default. */
  rtol?: number;
  /** Throw a GradcheckError naming the worst element instead of returning a failed report. */
  raiseException?: boolean;
  /** Seed of the random upstream gradient (a private generator: the global stream is not touched). */
  seed?: number;
}

export interface WorstElement {
  /** Which checked input (index into `inputs`) and which flat element of it. */
  input: number;
  index: number;
  /** Which output and which flat element of it; -1 for the random-projection check. */
  output: number;
  outputIndex: number;
  analytic: number;
  numeric: number;
}

/**
 * What a gradient check found: pass or fail, and the worst disagreement between the analytic and the numeric
 * Jacobian.
 */
export interface GradcheckReport {
  /** True when every element is within atol + rtol * abs(numeric). */
  ok: boolean;
  /** Largest abs(analytic - numeric) over all checked elements. */
  maxAbsError: number;
  /** Largest abs(analytic - numeric) / abs(numeric) over elements whose numeric value is not 0. */
  maxRelError: number;
  /** The element with the largest error relative to its tolerance, or null when nothing was compared. */
  worst: WorstElement | null;
  /** How many Jacobian entries were compared. */
  checked: number;
}

const asList = (o: Tensor | readonly Tensor[]): readonly Tensor[] => (o instanceof Tensor ? [o] : o);

/**
 * Checks the gradients of `fn` at `inputs` against float64 central differences, as
 * `torch.autograd.gradcheck`: every input's analytic Jacobian (by backward with a random upstream gradient,
 * seeded) against (f(x + eps) - f(x - eps)) / 2eps. Returns a report; throws a GradcheckError instead with
 * `raiseException`.
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const wrt = inputs.map((x, i) => [x, i] as const).filter(([x]) => x.requiresGrad);
  if (wrt.length === 0)
    throw new ValueError('gradcheck: no input requires grad, so there is nothing to check');
  for (const [x, i] of wrt) {
    if (!x.isLeaf)
      throw new ValueError(`gradcheck: input ${i} (shape ${fmtShape(x.shape)}) must be a leaf tensor`);
    // PyTorch warns here; a float32 check fails or passes by luck (eps = 1e-6 is below float32's resolution).
    if (x.dtype !== 'float64') {
      throw new DTypeError(
        `gradcheck: input ${i} (shape ${fmtShape(x.shape)}) requires grad and is ${x.dtype}; central differences ` +
          `need float64 (a step of ${eps} is below float32's resolution), so pass x.double()`,
      );
    }
  }

  // Numeric Jacobian, one column per input element: numeric[w][i] is d(all outputs, flattened)/dx_i.
  const evalFlat = (): Float64Array[] =>
    noGrad(() => asList(fn(...inputs)).map((o) => Float64Array.from(o.data)));
  const numeric = wrt.map(([x]) =>
    Array.from({ length: x.numel() }, (_, i) => {
      const saved = x.data[i]!;
      x.data[i] = saved + eps;
      const plus = evalFlat();
      x.data[i] = saved - eps;
      const minus = evalFlat();
      x.data[i] = saved;
      return plus.map((p, o) => p.map((v, j) => (v - minus[o]![j]!) / (2 * eps)));
    }),
  );

  const outputs = asList(fn(...inputs));
  const wrtTensors = wrt.map(([x]) => x);
  const differentiable = outputs.map((o) => o.requiresGrad);
  const backOf = (vs: Tensor[]): FloatArray[] => {
    const roots = outputs.filter((_, o) => differentiable[o]);
    if (roots.length === 0) return wrtTensors.map((x) => new Float64Array(x.numel()));
    const gs = grad(roots, wrtTensors, {
      gradOutputs: vs.filter((_, o) => differentiable[o]),
      retainGraph: true,
      allowUnused: true,
    });
    return gs.map((g, w) => (g === null ? new Float64Array(wrtTensors[w]!.numel()) : g.data));
  };

  let maxAbs = 0;
  let maxRel = 0;
  let worstScore = -1;
  let worst: WorstElement | null = null;
  let checked = 0;
  let ok = true;
  const compare = (w: number, i: number, o: number, j: number, a: number, n: number) => {
    const err = Math.abs(a - n);
    const tol = atol + rtol * Math.abs(n);
    const score = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / tol;
    checked++;
    maxAbs = Math.max(maxAbs, err);
    maxRel = Math.max(maxRel, err / Math.max(Math.abs(n), 1e-300));
    if (!(err <= tol)) ok = false;
    if (score > worstScore) {
      worstScore = score;
      worst = { input: wrt[w]![1], index: i, output: o, outputIndex: j, analytic: a, numeric: n };
    }
  };

  // Analytic Jacobian row by row: a one-hot upstream gradient per output element.
  outputs.forEach((out, o) => {
    for (let j = 0; j < out.numel(); j++) {
      const vs = outputs.map((x, k) => {
        const v = new Float64Array(x.numel());
        if (k === o) v[j] = 1;
        return new Tensor(v, x.shape);
      });
      const rows = backOf(vs);
      rows.forEach((row, w) => {
        for (let i = 0; i < row.length; i++) compare(w, i, o, j, row[i]!, numeric[w]![i]![o]![j]!);
      });
    }
  });

  // One random upstream gradient v: v^T J analytic against v^T J numeric.
  const gen = new Generator(opts.seed ?? 12345);
  const vs = outputs.map(
    (x) =>
      new Tensor(
        Float64Array.from({ length: x.numel() }, () => gen.normal()),
        x.shape,
      ),
  );
  backOf(vs).forEach((row, w) => {
    for (let i = 0; i < row.length; i++) {
      let n = 0;
      numeric[w]![i]!.forEach((col, o) => {
        for (let j = 0; j < col.length; j++) n += vs[o]!.data[j]! * col[j]!;
      });
      compare(w, i, -1, -1, row[i]!, n);
    }
  });

  const report: GradcheckReport = { ok, maxAbsError: maxAbs, maxRelError: maxRel, worst, checked };
  if (!ok && opts.raiseException) throw new GradcheckError(`gradcheck failed: ${describe(report)}`);
  return report;
}

/**
 * Second derivatives, as `torch.autograd.gradgradcheck`: gradcheck of the map
 * (inputs, v) -> d(v . fn(inputs))/d(inputs), whose backward is the double backward.
 */
export function gradgradcheck(
  fn: Fn,
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): GradcheckReport {
  const gen = new Generator(opts.seed ?? 54321);
  const outs = noGrad(() => asList(fn(...inputs)));
  const vs = outs.map(
    (o) =>
      new Tensor(
        Float64Array.from({ length: o.numel() }, () => gen.normal()),
        o.shape,
        true,
      ),
  );
  const nIn = inputs.length;
  const firstOrder: Fn = (...args) =>
    enableGrad(() => {
      const xs = args.slice(0, nIn);
      const wrt = xs.filter((x) => x.requiresGrad);
      const ys = asList(fn(...xs));
      const gs = grad(
        ys.filter((y) => y.requiresGrad),
        wrt,
        {
          gradOutputs: args.slice(nIn).filter((_, k) => ys[k]!.requiresGrad),
          createGraph: true,
          allowUnused: true,
        },
      );
      return gs.map((g, k) => g ?? new Tensor(new Float64Array(wrt[k]!.numel()), wrt[k]!.shape));
    });
  return gradcheck(firstOrder, [...inputs, ...vs], opts);
}

/** One line for a report: `ok, max abs 1.2e-10, max rel 3.4e-9` or the worst element. */
export function describe(r: GradcheckReport): string {
  const head = `${r.ok ? 'ok' : 'FAILED'}: max abs error ${r.maxAbsError.toExponential(2)}, max rel error ${r.maxRelError.toExponential(2)} over ${r.checked} entries`;
  if (r.ok || r.worst === null) return head;
  const w = r.worst;
  const where = w.output < 0 ? 'random projection' : `output ${w.output}[${w.outputIndex}]`;
  return `${head}; worst at input ${w.input}[${w.index}], ${where}: analytic ${w.analytic}, numeric ${w.numeric}`;
}
