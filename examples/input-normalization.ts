/**
 * Input normalization (C1, C2, C3): linear regression on two features whose
 * ranges differ by two orders of magnitude, trained by full-batch gradient
 * descent on raw, min-max and z-score inputs, each with its own best learning
 * rate from one fixed grid; then the same with a few extreme samples; and the
 * scalers checked against the article's formulas on this data.
 *
 *     npx tsx examples/input-normalization.ts --quick
 */
import { type DType, Generator, type Tensor } from '../core/index.ts';
import { badlyScaledRegression } from '../data/index.ts';
import { figures as inputFigures } from './input-normalization/figures.ts';
import { ARMS, type ArmResult, autogradAgreement, correlation, study } from './input-normalization/study.ts';
import type { Mode } from './lib/args.ts';
import { claim } from './lib/claims.ts';
import { type Experiment, type ExperimentOutput, runMain, type Table } from './lib/experiment.ts';
import { gradientDescent } from './lib/least-squares.ts';
import { roundingBound, roundingNote } from './lib/rounding.ts';
import { checkScalers } from './lib/scaler-check.ts';
import { combine, fmt, type Verdict } from './lib/verdict.ts';

// ---------------------------------------------------------------- fixed before the run

/** Feature j is uniform on [0, SCALES[j]]: ranges two orders of magnitude apart. */
const SCALES = [1, 100];
/** Share of samples made extreme (features 25 to 50 times their normal range). */
const OUTLIER_SHARE = 0.015;
/** Gradient descent has reached the optimum when L - L* <= TOLERANCE · Var(y). */
const TOLERANCE = 1e-4;

const SIZES: Record<Mode, { n: number; maxSteps: number; lrsPerDecade: number; autogradSteps: number }> = {
  tiny: { n: 100, maxSteps: 20_000, lrsPerDecade: 1, autogradSteps: 5 },
  quick: { n: 200, maxSteps: 1_000_000, lrsPerDecade: 2, autogradSteps: 30 },
  full: { n: 2000, maxSteps: 10_000_000, lrsPerDecade: 4, autogradSteps: 100 },
};

/** Learning rates 1e-8 ... 10, evenly spaced on a log scale. */
function lrGrid(perDecade: number): number[] {
  const out: number[] = [];
  for (let k = -8 * perDecade; k <= perDecade; k++) out.push(Number((10 ** (k / perDecade)).toPrecision(6)));
  return out;
}

/** C1 thresholds: normalized inputs need FEWER_ITERS x fewer iterations, SMALLER_KAPPA x smaller κ, median cosine ≥ COSINE. */
const FEWER_ITERS = 10;
const SMALLER_KAPPA = 100;
const COSINE = 0.9;
/** C2 thresholds: outliers lengthen raw training LONGER x; z-score then needs FEWER_ITERS x fewer iterations than raw. */
const LONGER = 2;

const C1_CRITERION =
  'For each normalization (min-max and z-score), three conditions against raw inputs: gradient descent with its ' +
  `best learning rate reaches the tolerance in at least ${FEWER_ITERS}x fewer iterations (a raw run that never reaches it ` +
  `counts with the cap as a lower bound); the Hessian's condition number is at least ${SMALLER_KAPPA}x smaller; and the ` +
  `median cosine between the negative gradient and the direction to the optimum is at least ${COSINE}. ` +
  'Held if all six conditions hold, did not hold if none does, held partly otherwise.';

const C2_CRITERION =
  '(a) On raw inputs the outliers lengthen training: with its own best learning rate, gradient descent needs at ' +
  `least ${LONGER}x more iterations than without outliers, or does not reach the tolerance within the cap; (b) they can ` +
  'stop convergence: the learning rate that was best without outliers diverges or does not reach the tolerance ' +
  'on the data with outliers; (c) normalizing helps: with z-score inputs the data with outliers reach the ' +
  `tolerance in at least ${FEWER_ITERS}x fewer iterations than raw inputs. Held if (a), (b) and (c) hold, did not hold if ` +
  'none does, held partly otherwise.';

/** C3's bounds: a scaler output's absolute deviation, and the relative gaps of sigma and the inverse transforms. */
const C3_ABSOLUTE = 1e-12;
const C3_RELATIVE = 1e-12;

export function c3Bounds(dtype: DType): Record<'formula' | 'inverse' | 'sigma', number> {
  const relative = roundingBound(C3_RELATIVE, dtype, 'relative');
  return { formula: roundingBound(C3_ABSOLUTE, dtype, 'absolute'), sigma: relative, inverse: relative };
}

export function c3Criterion(dtype: DType): string {
  const b = c3Bounds(dtype);
  return (
    "On this experiment's data (with and without outliers), every scaler output differs from the article's formula " +
    `computed independently by at most ${b.formula.toExponential()}, the z-score scale equals the population sigma (divide by n) to a ` +
    `relative ${b.sigma.toExponential()}, and every inverse transform restores the data to ${b.inverse.toExponential()} relative to the largest magnitude.` +
    roundingNote(dtype)
  );
}

// ---------------------------------------------------------------- arms

/** Iterations to tolerance, or the cap as a lower bound when the tolerance was never reached. */
const itersOf = (r: ArmResult, cap: number): number => r.best?.steps ?? cap;
const itersText = (r: ArmResult, cap: number): string => (r.best ? String(r.best.steps) : `> ${cap}`);

// ---------------------------------------------------------------- the experiment

export const inputNormalization: Experiment = {
  name: 'input-normalization',
  title: 'Input normalization: badly scaled features, outliers, and the scalers',
  claims: ['C1', 'C2', 'C3'],
  description: `A linear regression y = w1·x1 + w2·x2 + b + noise with two input features on very different scales: x1 is uniform on [0, ${SCALES[0]}] and x2 on [0, ${SCALES[1]}] (data from \`data.badlyScaledRegression\`; both features matter about equally to y). The model (two weights and a bias) is trained by plain full-batch gradient descent on the mean squared error, starting from zero, three times: on the raw inputs, on min-max scaled inputs ([0, 1]) and on z-scored inputs (mean 0, population standard deviation 1). Each input scaling gets its own best learning rate from the same fixed grid (the one that reaches the tolerance in the fewest iterations without diverging), so no arm is handicapped by a poorly chosen step size.

"Reaching the tolerance" means the training loss is within ${TOLERANCE} · Var(y) of the least-squares optimum L* (solved exactly). Besides the iteration count we report the condition number κ of the loss's Hessian (2 XᵀX/n, with the bias column of ones as the model has it; κ is the largest over the smallest eigenvalue, and the iterations gradient descent needs grow in proportion to κ) and the typical angle between the gradient and the straight line to the optimum.

The outlier variant makes ${OUTLIER_SHARE * 100} % of the samples extreme (both features 25 to 50 times beyond their normal range, with targets from the same linear model, so the best fit is unchanged) and repeats the comparison. Finally the min-max and z-score scalers are checked against the article's formulas on this data.

The gradient-descent iterations are computed from the Gram matrix XᵀX/n (the same iteration as autograd over all samples, but independent of n, so a million steps take a fraction of a second); the first steps of each arm are also run through the framework's own training loop (nn.Linear, F.mseLoss, backward, optim.SGD) and compared with it: the largest difference is listed in the set-up below.`,
  fullModeTime:
    '10 min (618 s) measured on 2026-12-01, 2 cores at load 26.0 when it started, sharing them with other work (an upper bound)',
  async run(ctx): Promise<ExperimentOutput> {
    const size = SIZES[ctx.mode];
    const grid = lrGrid(size.lrsPerDecade);
    const cap = size.maxSteps;
    const nOut = Math.max(1, Math.round(OUTLIER_SHARE * size.n));
    const clean = badlyScaledRegression({ n: size.n, scales: SCALES, seed: ctx.seed });
    const dirty = badlyScaledRegression({ n: size.n, scales: SCALES, outliers: nOut, seed: ctx.seed });
    const g = new Generator(ctx.seed + 1);
    const dirs = Array.from({ length: 2000 }, () => [g.normal(), g.normal(), g.normal()]);

    const bar = ctx.progress('input-normalization', 2 * ARMS.length);
    const cleanRes: ArmResult[] = [];
    const dirtyRes: ArmResult[] = [];
    for (const [k, arm] of ARMS.entries()) {
      cleanRes.push(study(clean.x, clean.y, arm, grid, cap, dirs, TOLERANCE));
      bar.update(2 * k + 1);
      dirtyRes.push(study(dirty.x, dirty.y, arm, grid, cap, dirs, TOLERANCE));
      bar.update(2 * k + 2);
    }
    bar.stop();
    const [raw, mm, zs] = cleanRes as [ArmResult, ArmResult, ArmResult];
    const [rawO, mmO, zsO] = dirtyRes as [ArmResult, ArmResult, ArmResult];
    const agreement = Math.max(
      ...cleanRes.map((r) => autogradAgreement(r, clean.y, size.autogradSteps)),
      ...dirtyRes.map((r) => autogradAgreement(r, dirty.y, size.autogradSteps)),
    );

    // ---- C1
    const c1Parts: boolean[] = [];
    const c1Conditions: string[] = [];
    const c1Numbers: Record<string, number | string> = {};
    for (const r of cleanRes) c1Numbers[`iterations, ${r.arm}`] = itersText(r, cap);
    for (const r of cleanRes) c1Numbers[`κ(Hessian), ${r.arm}`] = r.kappa;
    for (const r of cleanRes)
      c1Numbers[`median cosine(−gradient, direction to optimum), ${r.arm}`] = r.medianCos;
    for (const r of [mm, zs]) {
      const iterRatio = itersOf(raw, cap) / itersOf(r, cap);
      const kappaRatio = raw.kappa / r.kappa;
      const parts = [
        r.best !== null && iterRatio >= FEWER_ITERS,
        kappaRatio >= SMALLER_KAPPA,
        r.medianCos >= COSINE,
      ];
      c1Parts.push(...parts);
      const mark = (ok: boolean) => (ok ? 'held' : 'did not hold');
      c1Conditions.push(
        `${r.arm}: ≥ ${FEWER_ITERS}x fewer iterations ${mark(parts[0]!)}, ≥ ${SMALLER_KAPPA}x smaller κ ${mark(parts[1]!)}, ` +
          `median cosine ≥ ${COSINE} ${mark(parts[2]!)} (${fmt(r.medianCos)})`,
      );
      c1Numbers[`iteration ratio raw / ${r.arm}${raw.best ? '' : ' (lower bound)'}`] = iterRatio;
      c1Numbers[`κ ratio raw / ${r.arm}`] = kappaRatio;
    }
    const c1: Verdict = {
      claim: 'C1',
      statement: claim('C1').summary,
      criterion: C1_CRITERION,
      numbers: c1Numbers,
      verdict: combine(c1Parts),
      finding: `Raw inputs took ${itersText(raw, cap)} iterations, min-max ${itersText(mm, cap)}, z-score ${itersText(
        zs,
        cap,
      )}; κ fell from ${fmt(raw.kappa)} to ${fmt(mm.kappa)} and ${fmt(zs.kappa)}.`,
      notes:
        `Conditions: ${c1Conditions.join('; ')}. ` +
        `At the start (all parameters 0) the first gradient-descent step points ${fmt(
          (Math.acos(raw.startCos) * 180) / Math.PI,
        )}° away from the optimum on raw inputs, ${fmt((Math.acos(mm.startCos) * 180) / Math.PI)}° on min-max ` +
        `inputs and ${fmt((Math.acos(zs.startCos) * 180) / Math.PI)}° on z-scored inputs. ` +
        "Min-max leaves the features' means away from 0 (about 0.5), which couples the weights to the bias; " +
        'z-scoring centres them, which is why its κ is near 1 (exactly 1 for uncorrelated features).',
    };

    // ---- C2
    const cleanLrOnDirty = raw.best
      ? gradientDescent(rawO.q, raw.best.lr, { tol: TOLERANCE * rawO.q.varY, maxSteps: cap })
      : null;
    const partA = rawO.best === null || (raw.best !== null && rawO.best.steps >= LONGER * raw.best.steps);
    const partB = cleanLrOnDirty !== null && cleanLrOnDirty.status !== 'reached';
    const zRatioO = itersOf(rawO, cap) / itersOf(zsO, cap);
    const partC = zsO.best !== null && zRatioO >= FEWER_ITERS;
    const span = (x: Tensor, idx: readonly number[], col: number) => {
      const inl: number[] = [];
      const f = x.shape[1]!;
      for (let i = 0; i < x.shape[0]!; i++) if (!idx.includes(i)) inl.push(x.data[i * f + col]!);
      return Math.max(...inl) - Math.min(...inl);
    };
    const mmSpanClean = span(mm.x, [], 1);
    const mmSpanDirty = span(mmO.x, dirty.outlierIndices, 1);
    const zsSpanClean = span(zs.x, [], 1);
    const zsSpanDirty = span(zsO.x, dirty.outlierIndices, 1);
    const c2: Verdict = {
      claim: 'C2',
      statement: claim('C2').summary,
      criterion: C2_CRITERION,
      numbers: {
        'iterations, raw, no outliers': itersText(raw, cap),
        'iterations, raw, with outliers': itersText(rawO, cap),
        'iterations, z-score, with outliers': itersText(zsO, cap),
        'raw with the no-outlier best lr on outlier data': cleanLrOnDirty
          ? `${cleanLrOnDirty.status} (lr ${fmt(cleanLrOnDirty.lr)})`
          : 'no best lr without outliers',
        'iterations, min-max, no outliers': itersText(mm, cap),
        'iterations, min-max, with outliers': itersText(mmO, cap),
        'iterations, z-score, no outliers': itersText(zs, cap),
        [`iteration ratio raw / z-score with outliers${rawO.best ? '' : ' (lower bound)'}`]: zRatioO,
        'κ(Hessian), raw, with outliers': rawO.kappa,
        'κ(Hessian), min-max, with outliers': mmO.kappa,
        'κ(Hessian), z-score, with outliers': zsO.kappa,
        'correlation of x1 and x2, with outliers': correlation(zsO.x),
        'span of inlier x2 after min-max, no outliers (of [0, 1])': mmSpanClean,
        'span of inlier x2 after min-max, with outliers (of [0, 1])': mmSpanDirty,
        'span of inlier x2 after z-score, no outliers (sd units)': zsSpanClean,
        'span of inlier x2 after z-score, with outliers (sd units)': zsSpanDirty,
      },
      verdict: combine([partA, partB, partC]),
      notes:
        `Conditions: (a) ${partA ? 'held' : 'did not hold'}, (b) ${partB ? 'held' : 'did not hold'}, (c) ${
          partC ? 'held' : 'did not hold'
        }. Min-max is itself distorted by the outliers: the ${nOut} extreme samples set the maximum, so the ` +
        `${size.n - nOut} ordinary values of x2 crowd into ${fmt(100 * mmSpanDirty)} % of [0, 1] ` +
        `(${fmt(100 * mmSpanClean)} % without outliers). Z-score squeezes them too (they span ${fmt(
          zsSpanDirty,
        )} standard deviations instead of ${fmt(zsSpanClean)}), because the outliers inflate sigma; but its ` +
        "Hessian keeps unit diagonal whatever the data, so its condition number depends only on the features' " +
        `correlation, which the outliers raise to ${fmt(correlation(zsO.x))} here (they are extreme in both ` +
        `features at once; ${fmt(correlation(zs.x))} without them). The article also says that without ` +
        'outliers normalization can be skipped; on this data the raw inputs without outliers still needed ' +
        `${itersText(raw, cap)} iterations against ${itersText(zs, cap)} for z-score (C1), so that part does ` +
        'not hold here.',
    };

    // ---- C3
    const check = checkScalers([
      { name: 'no outliers', x: clean.x },
      { name: 'with outliers', x: dirty.x },
    ]);
    const worst = (pick: (r: (typeof check.rows)[number]) => boolean) =>
      Math.max(...check.rows.filter(pick).map((r) => r.deviation));
    const c3: Verdict = {
      claim: 'C3',
      statement: claim('C3').summary,
      criterion: c3Criterion(ctx.dtype),
      numbers: {
        'largest deviation of a scaler from its formula': worst((r) => r.kind === 'formula'),
        'largest relative error of an inverse transform': worst((r) => r.kind === 'inverse'),
        'largest relative gap between the z-score scale and the population sigma': worst(
          (r) => r.kind === 'sigma',
        ),
        'checks run': check.rows.length,
      },
      verdict: check.rows.every((r) => r.deviation <= c3Bounds(ctx.dtype)[r.kind]) ? 'held' : 'did not hold',
      notes:
        `For contrast, the fitted z-score scale differs from the sample standard deviation (divide by n - 1) by ` +
        `a relative ${fmt(check.sampleSigmaGap)}, which is 1 - sqrt((n - 1)/n) for n = ${size.n}: the scaler uses the ` +
        'population sigma, as the article says.',
    };

    // ---- tables
    const table1: Table = {
      title: 'Without outliers: each input scaling with its best learning rate',
      claims: ['C1'],
      columns: [
        'input scaling',
        'best lr',
        'iterations to tolerance',
        'κ(Hessian) with bias',
        'κ(XᵀX/n) weights only',
        'median cosine',
        'first-step angle (°)',
      ],
      rows: cleanRes.map((r) => [
        r.arm,
        r.best ? r.best.lr : '-',
        itersText(r, cap),
        r.kappa,
        r.kappaWeights,
        r.medianCos,
        (Math.acos(r.startCos) * 180) / Math.PI,
      ]),
    };
    const table2: Table = {
      title: `With ${nOut} outliers among ${size.n} samples`,
      claims: ['C2'],
      columns: [
        'input scaling',
        'best lr',
        'iterations (with outliers)',
        'iterations (without)',
        'κ(Hessian)',
      ],
      rows: dirtyRes.map((r, k) => [
        r.arm,
        r.best ? r.best.lr : '-',
        itersText(r, cap),
        itersText(cleanRes[k]!, cap),
        r.kappa,
      ]),
    };
    const table3: Table = {
      title: "The scalers against the article's formulas (largest absolute deviation)",
      claims: ['C3'],
      columns: ['check', 'largest deviation'],
      rows: check.rows.map((r) => [r.check, r.deviation]),
    };

    const figures = inputFigures({
      mode: ctx.mode,
      cleanRes,
      dirtyRes,
      cap,
      grid,
      tolerance: TOLERANCE,
      n: size.n,
      nOut,
      outlierIndices: dirty.outlierIndices,
    });

    return {
      setup: {
        'samples (n)': size.n,
        'feature ranges': `x1 in [0, ${SCALES[0]}], x2 in [0, ${SCALES[1]}]`,
        'outliers (with-outlier data)': `${nOut} samples, features 25-50x their normal range`,
        'target noise (sd)': 0.1,
        model: 'y = w1·x1 + w2·x2 + b (nn.Linear(2, 1)), all parameters start at 0',
        loss: 'mean squared error',
        optimizer: 'full-batch gradient descent (SGD without momentum)',
        'learning-rate grid': `${grid.length} values, ${size.lrsPerDecade} per decade, ${fmt(grid[0]!)} to ${fmt(
          grid[grid.length - 1]!,
        )}`,
        tolerance: `L − L* ≤ ${TOLERANCE} · Var(y)`,
        'iteration cap': cap,
        'divergence rule': 'L − L* above 1e8 times its start, or not finite',
        'directions for the median cosine': dirs.length,
        'autograd check: steps through nn.Linear + optim.SGD': size.autogradSteps,
        'autograd check: largest relative parameter difference': fmt(agreement),
      },
      verdicts: [c1, c2, c3],
      figures,
      tables: [table1, table2, table3],
    };
  },
};

runMain(inputNormalization, import.meta.url);
