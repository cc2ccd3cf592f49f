/**
 * TensorFlow.js peers (float32, its only precision): the pure-JS CPU backend and
 * the WASM backend (XNNPACK, SIMD, one thread under Node). Both come from the
 * `@tensorflow/tfjs` package (which registers the gradients under Node, unlike
 * `tfjs-core` alone) plus `@tensorflow/tfjs-backend-wasm`; each workload is
 * written the way a tfjs user would write it (Dense weights are [in, out]).
 * Running statistics of BatchNorm are not kept here (tfjs' batchNorm takes the
 * moments as inputs); that costs a few ops on [256] vectors and is left out.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Rank, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { Cell } from './cells.ts';
import { type Budget, timeReps } from './measure.ts';
import type { Found, Runner } from './runner.ts';

type TF = typeof import('@tensorflow/tfjs');
type Step = () => void;

function builders(tf: TF): Record<string, (p: Record<string, number>) => Step> {
  const variable = (shape: number[], scale: number) =>
    tf.variable(tf.randomNormal(shape, 0, scale, 'float32', 0));
  const ones = (n: number) => tf.variable(tf.ones([n]));
  const zeros = (n: number) => tf.variable(tf.zeros([n]));
  /** Training-mode batch norm over dim 0 with batch statistics. */
  const batchNorm = (h: Tensor, gamma: Variable, beta: Variable) => {
    const { mean, variance } = tf.moments(h, 0);
    return tf.batchNorm(h, mean, variance, beta, gamma, 1e-5);
  };
  return {
    W1: ({ n }) => {
      const a = tf.randomNormal([n!, n!], 0, 1, 'float32', 1);
      const b = tf.randomNormal([n!, n!], 0, 1, 'float32', 2);
      return () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      };
    },
    W2: ({ batch, input, hidden, classes }) => {
      const w1 = variable([input!, hidden!], 1 / Math.sqrt(input!));
      const b1 = zeros(hidden!);
      const g1 = ones(hidden!);
      const be1 = zeros(hidden!);
      const w2 = variable([hidden!, hidden!], 1 / Math.sqrt(hidden!));
      const b2 = zeros(hidden!);
      const g2 = ones(hidden!);
      const be2 = zeros(hidden!);
      const w3 = variable([hidden!, classes!], 1 / Math.sqrt(hidden!));
      const b3 = zeros(classes!);
      const x = tf.randomNormal([batch!, input!], 0, 1, 'float32', 3);
      const labels = tf.oneHot(tf.randomUniform([batch!], 0, classes!, 'int32', 4), classes!);
      const opt = tf.train.momentum(0.1, 0.9);
      const loss = () => {
        let h = batchNorm(x.matMul(w1).add(b1), g1, be1).relu();
        h = batchNorm(h.matMul(w2).add(b2), g2, be2).relu();
        return tf.losses.softmaxCrossEntropy(labels, h.matMul(w3).add(b3)) as Scalar;
      };
      return () =>
        tf.tidy(() => {
          opt.minimize(loss, true)?.dataSync();
        });
    },
    W3: ({ input, hidden, batch, steps }) => {
      const s = 1 / Math.sqrt(hidden!);
      const wih = variable([input!, hidden!], s);
      const whh = variable([hidden!, hidden!], s);
      const bih = variable([hidden!], s);
      const bhh = variable([hidden!], s);
      const gamma = ones(hidden!);
      const beta = zeros(hidden!);
      const xs = tf.unstack(tf.randomNormal([steps!, batch!, input!], 0, 1, 'float32', 5));
      const h0 = tf.zeros([batch!, hidden!]);
      const loss = () => {
        let h = h0;
        for (const x of xs) {
          const pre = x.matMul(wih).add(bih).add(h.matMul(whh)).add(bhh);
          const { mean, variance } = tf.moments(pre, -1, true);
          h = pre.sub(mean).mul(variance.add(1e-5).rsqrt()).mul(gamma).add(beta).tanh();
        }
        return h.square().mean() as Scalar;
      };
      return () =>
        tf.tidy(() => {
          tf.variableGrads(loss).value.dataSync();
        });
    },
    W4: ({ iters }) => {
      const x = variable([1, 8], 1);
      const loss = () => {
        let y: Tensor = x;
        for (let i = 0; i < iters!; i++) y = y.mul(1.0001).add(0.0001);
        return y.sum() as Scalar;
      };
      return () =>
        tf.tidy(() => {
          tf.variableGrads(loss, [x]).value.dataSync();
        });
    },
    W5: ({ batch, features }) => {
      const x = variable([batch!, features!], 1);
      const gamma = ones(features!);
      const beta = zeros(features!);
      const g = tf.randomNormal([batch!, features!], 0, 1, 'float32', 6);
      const loss = () => batchNorm(x, gamma, beta).mul(g).sum() as Scalar;
      return () =>
        tf.tidy(() => {
          tf.variableGrads(loss, [x, gamma, beta]).value.dataSync();
        });
    },
    W6: ({ batch, c1, c2, classes }) => {
      // NHWC, tfjs' layout; filters [kh, kw, in, out]. BN over N, H, W per channel (moments over [0, 1, 2]).
      const k1 = variable([3, 3, 1, c1!], 1 / 3) as Variable<Rank.R4>;
      const bc1 = zeros(c1!);
      const g1 = ones(c1!);
      const be1 = zeros(c1!);
      const k2 = variable([3, 3, c1!, c2!], 1 / Math.sqrt(9 * c1!)) as Variable<Rank.R4>;
      const bc2 = zeros(c2!);
      const g2 = ones(c2!);
      const be2 = zeros(c2!);
      const wl = variable([5 * 5 * c2!, classes!], 1 / Math.sqrt(25 * c2!));
      const bl = zeros(classes!);
      const x = tf.randomNormal([batch!, 28, 28, 1], 0, 1, 'float32', 7);
      const labels = tf.oneHot(tf.randomUniform([batch!], 0, classes!, 'int32', 8), classes!);
      const opt = tf.train.momentum(0.1, 0.9);
      const bn2d = (h: Tensor, gamma: Variable, beta: Variable) => {
        const { mean, variance } = tf.moments(h, [0, 1, 2]);
        return tf.batchNorm(h, mean, variance, beta, gamma, 1e-5);
      };
      const loss = () => {
        let h: Tensor = bn2d(tf.conv2d(x as Tensor<Rank.R4>, k1, 1, 'valid').add(bc1), g1, be1).relu();
        h = tf.maxPool(h as Tensor<Rank.R4>, 2, 2, 'valid');
        h = bn2d(tf.conv2d(h as Tensor<Rank.R4>, k2, 1, 'valid').add(bc2), g2, be2).relu();
        h = tf.maxPool(h as Tensor<Rank.R4>, 2, 2, 'valid');
        return tf.losses.softmaxCrossEntropy(labels, h.reshape([batch!, -1]).matMul(wl).add(bl)) as Scalar;
      };
      return () =>
        tf.tidy(() => {
          opt.minimize(loss, true)?.dataSync();
        });
    },
  };
}

async function load(): Promise<TF | string> {
  try {
    const tf = await import('@tensorflow/tfjs');
    tf.env().set('PROD', true); // no debug checks, no "install tfjs-node" banner
    return tf;
  } catch (e) {
    return `@tensorflow/tfjs not installed (${(e as Error).message.split('\n')[0]})`;
  }
}

function runner(tf: TF, backend: string, name: string, detail: string): Runner {
  const build = builders(tf);
  return {
    name,
    detail,
    async measure(cell: Cell, budget: Budget) {
      const make = build[cell.workload];
      if (make === undefined) return null;
      // tfjs-cpu's convolution gradients are plain loops: one W6 step took 94 s (load ~20), so a
      // full run of that cell alone would take about 20 minutes. Left out; bench/README.md says so.
      if (backend === 'cpu' && cell.workload === 'W6') return null;
      await tf.setBackend(backend);
      tf.engine().startScope();
      try {
        return timeReps(make(cell.params), budget);
      } finally {
        tf.engine().endScope();
        tf.disposeVariables();
      }
    },
    async close() {},
  };
}

/** TensorFlow.js with its WASM backend set (and whether SIMD is on), or why it cannot be. */
export async function loadTfjsWasm(tf?: TF): Promise<{ tf: TF; simd: boolean } | string> {
  const t = tf ?? (await load());
  if (typeof t === 'string') return t;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    if (!(await t.setBackend('wasm'))) throw new Error('setBackend(wasm) returned false');
    return { tf: t, simd: Boolean(await t.env().getAsync('WASM_HAS_SIMD_SUPPORT')) };
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

export async function findTfjs(): Promise<Found[]> {
  const tf = await load();
  if (typeof tf === 'string') return [{ skipped: `tfjs-wasm, tfjs-cpu: ${tf}` }];
  const found: Found[] = [];
  const wasm = await loadTfjsWasm(tf);
  if (typeof wasm === 'string') found.push({ skipped: `tfjs-wasm: ${wasm}` });
  else {
    const simd = wasm.simd;
    found.push(
      runner(
        tf,
        'wasm',
        'tfjs-wasm',
        `TensorFlow.js ${tf.version.tfjs} WASM backend, float32, SIMD ${simd ? 'on' : 'off'}, 1 thread`,
      ),
    );
  }
  found.push(
    runner(tf, 'cpu', 'tfjs-cpu', `TensorFlow.js ${tf.version.tfjs} CPU backend (pure JS), float32`),
  );
  return found;
}
