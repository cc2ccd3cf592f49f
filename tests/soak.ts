/**
 * Soak test: trains an MLP with BatchNorm and Dropout on the spirals for many
 * thousands of steps (SGD with momentum, a learning-rate schedule, gradient
 * clipping, a gradient hook on a parameter, an eval pass now and then) and checks
 * that nothing accumulates:
 *
 * - heap use (`heapUsed`) and typed-array storage (`arrayBuffers`, where tensor
 *   data lives) sampled after forced GC stay flat after warm-up: their Theil-Sen
 *   slope, in bytes per step, must stay under the stated tolerance;
 * - tensors of chosen steps (the batch, the logits, an activation inside the
 *   graph, the gradients, what the hook saw) are collected once the step is over,
 *   checked with WeakRefs, even though the loss tensors of those steps are still
 *   held: the graph is released by backward, so the loss does not pin it;
 * - the optimizer's state, the modules' parameters and buffers and the hook list
 *   keep their sizes.
 *
 * Usage: `npm run soak -- --steps 5000` (default 5000; `--tolerance B` sets the
 * allowed slope in bytes per step, `--json` prints a machine report). Needs `global.gc`; without --expose-gc it re-runs itself with it. Exits 1
 * when a check fails.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { data, manualSeed, nn, noGrad, optim, type Tensor } from '../index.ts';

export interface SoakOptions {
  steps: number;
  /** Steps before the first heap sample (JIT compilation and V8's own settling); a quarter of the run, at least 1500, by default. */
  warmup?: number;
  /** Number of heap samples after warm-up (32 by default). */
  samples?: number;
  seed?: number;
  /** Largest allowed slope of either memory trend, bytes per step (TOLERANCE by default). */
  tolerance?: number;
}

export interface Trend {
  /** Theil-Sen slope of the samples, bytes per step. */
  slope: number;
  /** Largest minus smallest sample, bytes. */
  range: number;
  first: number;
  last: number;
}

export interface SoakReport {
  steps: number;
  warmup: number;
  msPerStep: number;
  loss: { first: number; last: number };
  heapUsed: Trend;
  arrayBuffers: Trend;
  /** Tolerance on either slope, bytes per step. */
  tolerance: number;
  /** Per-step tensors watched with WeakRefs, and how many were still alive after GC. */
  watched: number;
  alive: string[];
  /** What must not grow: optimizer state entries, parameters and buffers, hooks called per step. */
  sizes: { stateEntries: number[]; parameters: number[]; buffers: number[]; hookCalls: number };
  problems: string[];
  ok: boolean;
}

/**
 * Bytes per step. Measured: one leaked scalar loss tensor per step (its graph
 * released) grows heapUsed by about 440 bytes/step; a leaked graph by far more;
 * with nothing leaked, V8's own code and feedback metadata drift by 0-50.
 */
export const TOLERANCE = 128;

const gc = (): void => {
  if (typeof globalThis.gc !== 'function') throw new Error('soak: run node with --expose-gc');
  globalThis.gc();
  globalThis.gc();
};
/** Lets the current job end, so WeakRef targets read during it may be collected. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The Theil-Sen slope (the median of the slopes between every pair of samples):
 * one sample taken while V8 still holds memory it is about to release does not tilt it.
 */
function trend(xs: readonly number[], ys: readonly number[]): Trend {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) slopes.push((ys[j]! - ys[i]!) / (xs[j]! - xs[i]!));
  }
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  const slope =
    slopes.length === 0 ? 0 : slopes.length % 2 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
  return { slope, range: Math.max(...ys) - Math.min(...ys), first: ys[0]!, last: ys[ys.length - 1]! };
}

/**
 * Adds WeakRefs to the tensors of one step. A separate synchronous function, so
 * no reference outlives it in the async loop's saved frame.
 */
function watch(
  list: [string, WeakRef<Tensor>][],
  step: number,
  tensors: Record<string, Tensor | null | undefined>,
): void {
  for (const [what, t] of Object.entries(tensors)) if (t) list.push([`step ${step} ${what}`, new WeakRef(t)]);
}

/** An input of the last op that made t that was itself computed (not a parameter): an activation inside the graph. */
function innerInput(t: Tensor): Tensor | undefined {
  return t.gradFn?.inputs.find((x) => !x.isLeaf);
}

export async function soak({
  steps,
  warmup,
  samples = 32,
  seed = 0,
  tolerance = TOLERANCE,
}: SoakOptions): Promise<SoakReport> {
  const warm = warmup ?? Math.min(Math.max(1500, Math.floor(steps / 4)), Math.floor(steps / 2));
  const every = Math.max(1, Math.floor((steps - warm) / samples));
  manualSeed(seed);
  const { x, y } = data.spirals({ n: 480, classes: 3, seed });
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true, seed });
  const model = new nn.Sequential(
    new nn.Linear(2, 48),
    new nn.BatchNorm1d(48),
    new nn.ReLU(),
    new nn.Linear(48, 48),
    new nn.BatchNorm1d(48),
    new nn.Tanh(),
    new nn.Dropout(0.1),
    new nn.Linear(48, 3),
  );
  const params = [...model.parameters()];
  const opt = new optim.SGD(params, { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
  const sched = new optim.StepLR(opt, { stepSize: 10, gamma: 0.9 });
  let hookCalls = 0;
  params[0]!.registerHook(() => {
    hookCalls++;
    return undefined;
  });
  const lossFn = new nn.CrossEntropyLoss();
  const evalX = x.narrow(0, 0, 64);

  const losses = new Float64Array(steps);
  const at: number[] = [];
  const heap: number[] = [];
  const buffers: number[] = [];
  const sizes = {
    stateEntries: [] as number[],
    parameters: [] as number[],
    buffers: [] as number[],
    hookCalls: 0,
  };
  const watched: [string, WeakRef<Tensor>][] = [];
  // Losses of watched steps, held on purpose: a loss must not keep its graph alive.
  const heldLosses: Tensor[] = [];
  const probeEvery = Math.max(1, Math.floor(steps / 8));

  const start = performance.now();
  let step = 0;
  while (step < steps) {
    for (const [xb, yb] of loader) {
      if (step >= steps) break;
      opt.zeroGrad();
      const logits = model.forward(xb);
      const loss = lossFn.forward(logits, yb);
      // mid-interval, so no probe is the last step (whose gradients the parameters still hold)
      const probe = step % probeEvery === probeEvery >> 1;
      if (probe) {
        watch(watched, step, { batch: xb, logits, activation: innerInput(logits) });
        heldLosses.push(loss);
      }
      loss.backward();
      if (probe) {
        watch(watched, step, Object.fromEntries(params.map((p, i) => [`grad ${i}`, p.grad])));
      }
      optim.clipGradNorm_(params, 5);
      opt.step();
      losses[step] = loss.item();
      step++;
      if (step % 100 === 0) {
        // an evaluation pass, as a training loop does, then back to training
        model.eval();
        noGrad(() => model.forward(evalX));
        model.train();
      }
      if (step >= warm && (step - warm) % every === 0) {
        await tick();
        gc();
        const m = process.memoryUsage();
        at.push(step);
        heap.push(m.heapUsed);
        buffers.push(m.arrayBuffers);
        sizes.stateEntries.push(opt.state.size);
        sizes.parameters.push([...model.parameters()].length);
        sizes.buffers.push([...model.buffers()].length);
      }
    }
    sched.step();
  }
  const msPerStep = (performance.now() - start) / steps;
  sizes.hookCalls = hookCalls;
  await tick();
  gc();
  await tick();
  gc();
  const alive = watched.filter(([, ref]) => ref.deref() !== undefined).map(([what]) => what);

  const problems: string[] = [];
  const heapTrend = trend(at, heap);
  const bufferTrend = trend(at, buffers);
  if (at.length < 3) problems.push(`only ${at.length} heap samples; run more steps`);
  if (heapTrend.slope > tolerance) {
    problems.push(`heapUsed grows by ${heapTrend.slope.toFixed(1)} bytes/step (tolerance ${tolerance})`);
  }
  if (bufferTrend.slope > tolerance) {
    problems.push(`arrayBuffers grow by ${bufferTrend.slope.toFixed(1)} bytes/step (tolerance ${tolerance})`);
  }
  if (alive.length > 0) problems.push(`still alive after GC: ${alive.join(', ')}`);
  const activations = watched.filter(([what]) => what.endsWith('activation')).length;
  if (activations !== heldLosses.length) {
    problems.push(`found an activation to watch in ${activations} of ${heldLosses.length} probed steps`);
  }
  for (const [name, list] of Object.entries(sizes)) {
    if (Array.isArray(list) && new Set(list).size > 1) problems.push(`${name} changed: ${list.join(', ')}`);
  }
  if (hookCalls !== steps) problems.push(`the hook ran ${hookCalls} times in ${steps} steps`);
  if (heldLosses.some((l) => l.gradFn !== null && !l.gradFn.released)) {
    problems.push('a loss kept its graph after backward');
  }
  if (!(losses[steps - 1]! < losses[0]!)) {
    problems.push(`the loss did not go down (${losses[0]} -> ${losses[steps - 1]})`);
  }
  return {
    steps,
    warmup: warm,
    msPerStep,
    loss: { first: losses[0]!, last: losses[steps - 1]! },
    heapUsed: heapTrend,
    arrayBuffers: bufferTrend,
    tolerance,
    watched: watched.length,
    alive,
    sizes,
    problems,
    ok: problems.length === 0,
  };
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

function describe(r: SoakReport): string {
  const line = (name: string, t: Trend) =>
    `${name.padEnd(13)} ${kb(t.first)} -> ${kb(t.last)}, slope ${t.slope.toFixed(2)} bytes/step ` +
    `(${kb(t.slope * (r.steps - r.warmup))} over the measured steps), range ${kb(t.range)}`;
  return [
    `soak: ${r.steps} steps (${r.warmup} warm-up), ${r.msPerStep.toFixed(2)} ms/step, loss ${r.loss.first.toFixed(4)} -> ${r.loss.last.toFixed(4)}`,
    line('heapUsed', r.heapUsed),
    line('arrayBuffers', r.arrayBuffers),
    `tolerance     ${r.tolerance} bytes/step on either slope`,
    `WeakRefs      ${r.watched - r.alive.length} of ${r.watched} per-step tensors collected`,
    `sizes         optimizer state ${r.sizes.stateEntries[0]}, parameters ${r.sizes.parameters[0]}, buffers ${r.sizes.buffers[0]}, hook calls ${r.sizes.hookCalls}`,
    r.ok ? 'ok' : `FAILED:\n  ${r.problems.join('\n  ')}`,
  ].join('\n');
}

function parseArgs(argv: readonly string[]): { steps: number; tolerance: number; json: boolean } {
  const out = { steps: 5000, tolerance: TOLERANCE, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=')[0]!;
    if (a === '--json') out.json = true;
    else if (name === '--steps' || name === '--tolerance') {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const n = Number(v);
      if (name === '--steps' && !(Number.isInteger(n) && n >= 50)) {
        throw new Error(`soak: --steps must be an integer >= 50, got ${v}`);
      }
      if (name === '--tolerance' && !(n > 0))
        throw new Error(`soak: --tolerance must be a positive number, got ${v}`);
      out[name === '--steps' ? 'steps' : 'tolerance'] = n;
    } else
      throw new Error(`soak: unknown argument ${a} (expected --steps N, --tolerance BYTES_PER_STEP, --json)`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof globalThis.gc !== 'function') {
    const self = fileURLToPath(import.meta.url);
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', self, ...process.argv.slice(2)],
      { stdio: 'inherit' },
    );
    process.exit(child.status ?? 1);
  }
  const report = await soak({ steps: args.steps, tolerance: args.tolerance });
  console.log(args.json ? JSON.stringify(report) : describe(report));
  process.exit(report.ok ? 0 : 1);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
