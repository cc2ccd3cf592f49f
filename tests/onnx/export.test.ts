/**
 * ONNX export against a real runtime: every exportable layer is exported,
 * loaded by onnxruntime-node and run on the sample, and its outputs must match
 * normgrad's own eval-mode outputs (float64 where the runtime has the op in
 * double, float32 tolerances otherwise). Also: the model's structure as ONNX
 * readers see it, and the errors for what cannot be exported.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, NormgradError, noGrad, randn, type Tensor, ValueError } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import * as onnx from '../../onnx/index.ts';
import { ModelProto } from '../../onnx/schema.ts';

type Dtype = onnx.FloatType;

/** Runs the exported bytes in onnxruntime on x and returns the output as float64 numbers. */
async function runOrt(
  bytes: Uint8Array,
  x: Tensor,
  dtype: Dtype,
  names = { input: 'input', output: 'output' },
) {
  const session = await ort.InferenceSession.create(bytes);
  const data = dtype === 'float64' ? Float64Array.from(x.data) : Float32Array.from(x.data);
  const result = await session.run({ [names.input]: new ort.Tensor(dtype, data, [...x.shape]) });
  const out = result[names.output]!;
  return { dims: [...out.dims], data: Float64Array.from(out.data as Float64Array | Float32Array) };
}

/** normgrad's eval-mode output: the reference every export must reproduce. */
function evalOutput(model: nn.Module, x: Tensor): Tensor {
  const wasTraining = model.training;
  model.eval();
  const y = noGrad(() => model.forward(x) as Tensor);
  model.train(wasTraining);
  return y;
}

/** Largest |a - b| / (atol + |b|) over the elements: <= 1 passes the tolerance. */
function maxScaledError(got: Float64Array, want: Tensor, tol: number): number {
  let worst = 0;
  for (let i = 0; i < want.numel(); i++) {
    worst = Math.max(worst, Math.abs(got[i]! - want.data[i]!) / (tol * (1 + Math.abs(want.data[i]!))));
  }
  return worst;
}

const TOL: Record<Dtype, number> = { float64: 1e-10, float32: 1e-5 };

interface Case {
  name: string;
  build: () => nn.Module;
  input: number[];
  /**
   * Element types to export and run in: float64 unless the runtime lacks the op in double
   * (onnxruntime's CPU provider has Conv, AveragePool and GlobalAveragePool in float32 only).
   */
  dtypes: Dtype[];
  opsets?: number[];
}

/** Trains the model a few steps' worth of forwards so BatchNorm's running stats are not 0 and 1. */
function warm(model: nn.Module, shape: number[]): void {
  model.train();
  for (let i = 0; i < 3; i++) noGrad(() => model.forward(randn(shape).mul(2).add(0.5)));
}

const CASES: Case[] = [
  {
    name: 'Linear on [N, C] (Gemm)',
    build: () => new nn.Linear(5, 3),
    input: [4, 5],
    dtypes: ['float64', 'float32'],
  },
  {
    name: 'Linear without bias',
    build: () => new nn.Linear(5, 3, { bias: false }),
    input: [4, 5],
    dtypes: ['float64'],
  },
  {
    name: 'Linear on [N, L, C] (MatMul + Add)',
    build: () => new nn.Linear(5, 3),
    input: [2, 4, 5],
    dtypes: ['float64'],
  },
  {
    name: 'Linear on [N, L, C] without bias',
    build: () => new nn.Linear(5, 3, { bias: false }),
    input: [2, 4, 5],
    dtypes: ['float64'],
  },
  { name: 'ReLU', build: () => new nn.ReLU(), input: [3, 6], dtypes: ['float64', 'float32'] },
  { name: 'Sigmoid', build: () => new nn.Sigmoid(), input: [3, 6], dtypes: ['float64', 'float32'] },
  { name: 'Tanh', build: () => new nn.Tanh(), input: [3, 6], dtypes: ['float64', 'float32'] },
  { name: 'LeakyReLU', build: () => new nn.LeakyReLU(0.2), input: [3, 6], dtypes: ['float64', 'float32'] },
  { name: 'Identity', build: () => new nn.Identity(), input: [3, 6], dtypes: ['float64'] },
  {
    name: 'Dropout (identity in eval)',
    build: () => new nn.Dropout(0.5),
    input: [3, 6],
    dtypes: ['float64'],
  },
  { name: 'Softmax(1)', build: () => new nn.Softmax(1), input: [3, 6], dtypes: ['float64', 'float32'] },
  { name: 'Softmax(0) on [N, C]', build: () => new nn.Softmax(0), input: [3, 6], dtypes: ['float64'] },
  {
    name: 'LogSoftmax(-1)',
    build: () => new nn.LogSoftmax(-1),
    input: [2, 3, 6],
    dtypes: ['float64', 'float32'],
  },
  {
    name: 'BatchNorm1d on [N, C]',
    build: () => new nn.BatchNorm1d(6),
    input: [8, 6],
    dtypes: ['float64', 'float32'],
  },
  {
    name: 'BatchNorm1d on [N, C, L]',
    build: () => new nn.BatchNorm1d(3),
    input: [4, 3, 5],
    dtypes: ['float64'],
  },
  {
    name: 'BatchNorm1d without affine',
    build: () => new nn.BatchNorm1d(6, { affine: false }),
    input: [8, 6],
    dtypes: ['float64'],
  },
  {
    name: 'BatchNorm1d without running stats (batch statistics in eval)',
    build: () => new nn.BatchNorm1d(3, { trackRunningStats: false }),
    input: [4, 3, 5],
    dtypes: ['float64'],
    opsets: [17, 18],
  },
  {
    name: 'BatchNorm2d',
    build: () => new nn.BatchNorm2d(3),
    input: [2, 3, 4, 5],
    dtypes: ['float64', 'float32'],
  },
  {
    name: 'BatchNorm2d without running stats',
    build: () => new nn.BatchNorm2d(3, { trackRunningStats: false, affine: false }),
    input: [2, 3, 4, 5],
    dtypes: ['float64'],
    opsets: [17, 18],
  },
  {
    name: 'LayerNorm (LayerNormalization, decomposed before opset 17)',
    build: () => new nn.LayerNorm(6),
    input: [4, 6],
    dtypes: ['float64', 'float32'],
    opsets: [13, 16, 17, 21],
  },
  {
    name: 'LayerNorm over the last two dims',
    build: () => new nn.LayerNorm([3, 4]),
    input: [2, 3, 4],
    dtypes: ['float64'],
    opsets: [13, 17],
  },
  {
    name: 'LayerNorm without affine',
    build: () => new nn.LayerNorm(6, { elementwiseAffine: false }),
    input: [4, 6],
    dtypes: ['float64'],
    opsets: [13, 17],
  },
  {
    name: 'LayerNorm without bias',
    build: () => new nn.LayerNorm(6, { bias: false }),
    input: [4, 6],
    dtypes: ['float64'],
    opsets: [13, 17],
  },
  { name: 'Flatten() (ONNX Flatten)', build: () => new nn.Flatten(), input: [2, 3, 4], dtypes: ['float64'] },
  { name: 'Flatten(0)', build: () => new nn.Flatten(0), input: [2, 3, 4], dtypes: ['float64'] },
  {
    name: 'Flatten(1, 2) of 4-d',
    build: () => new nn.Flatten(1, 2),
    input: [2, 3, 4, 5],
    dtypes: ['float64'],
  },
  { name: 'Flatten(-2) of 4-d', build: () => new nn.Flatten(-2), input: [2, 3, 4, 5], dtypes: ['float64'] },
  {
    name: 'an MLP with BatchNorm, Dropout and LogSoftmax',
    build: () =>
      new nn.Sequential(
        new nn.Linear(4, 8, { bias: false }),
        new nn.BatchNorm1d(8),
        new nn.ReLU(),
        new nn.Dropout(0.3),
        new nn.Linear(8, 3),
        new nn.LogSoftmax(1),
      ),
    input: [5, 4],
    dtypes: ['float64', 'float32'],
    opsets: [13, 17, 21],
  },
  {
    name: 'nested Sequential with named children',
    build: () =>
      new nn.Sequential({
        features: new nn.Sequential(
          new nn.Flatten(),
          new nn.Linear(12, 6),
          new nn.LayerNorm(6),
          new nn.Tanh(),
        ),
        head: new nn.Sequential(new nn.Linear(6, 2), new nn.Softmax(-1)),
      }),
    input: [3, 3, 4],
    dtypes: ['float64'],
  },
  {
    name: 'Conv2d',
    build: () => new nn.Conv2d(3, 4, 3),
    input: [2, 3, 7, 6],
    dtypes: ['float32'],
  },
  {
    name: 'Conv2d with stride, padding, dilation, groups, no bias',
    build: () =>
      new nn.Conv2d(4, 6, [3, 2], {
        stride: [2, 1],
        padding: [1, 2],
        dilation: [1, 2],
        groups: 2,
        bias: false,
      }),
    input: [2, 4, 8, 7],
    dtypes: ['float32'],
  },
  {
    name: "Conv2d padding 'same' (odd total: the extra pad at the end)",
    build: () => new nn.Conv2d(2, 3, [4, 3], { padding: 'same', dilation: [1, 2] }),
    input: [1, 2, 6, 7],
    dtypes: ['float32'],
  },
  {
    name: 'Conv2d reflect and replicate padding (Pad, then Conv)',
    build: () =>
      new nn.Sequential(
        new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' }),
        new nn.Conv2d(3, 2, 3, { padding: [2, 1], paddingMode: 'replicate' }),
      ),
    input: [2, 2, 6, 5],
    dtypes: ['float32'],
  },
  {
    name: 'Conv2d circular padding (Pad wrap, opset 19)',
    build: () => new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'circular' }),
    input: [2, 2, 5, 5],
    dtypes: ['float32'],
    opsets: [19],
  },
  {
    name: 'Conv1d',
    build: () => new nn.Conv1d(3, 5, 3, { padding: 1, stride: 2 }),
    input: [2, 3, 9],
    dtypes: ['float32'],
  },
  {
    name: 'MaxPool2d',
    build: () => new nn.MaxPool2d(2),
    input: [2, 3, 6, 8],
    dtypes: ['float64', 'float32'],
  },
  {
    name: 'MaxPool2d with stride, padding, dilation, ceilMode',
    build: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }),
    input: [2, 2, 9, 10],
    dtypes: ['float64'],
  },
  {
    name: 'AvgPool2d',
    build: () => new nn.AvgPool2d(2),
    input: [2, 3, 6, 8],
    dtypes: ['float32'],
  },
  {
    name: 'AvgPool2d padded, not counting the pad, ceilMode',
    build: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
    input: [2, 2, 8, 9],
    dtypes: ['float32'],
  },
  {
    name: 'AvgPool2d padded, counting the pad',
    build: () => new nn.AvgPool2d([3, 2], { stride: [2, 1], padding: [1, 1] }),
    input: [2, 2, 8, 9],
    dtypes: ['float32'],
  },
  {
    name: 'AvgPool2d with divisorOverride',
    build: () => new nn.AvgPool2d(2, { divisorOverride: 3 }),
    input: [2, 2, 6, 6],
    dtypes: ['float32'],
  },
  {
    name: 'AdaptiveAvgPool2d(1)',
    build: () => new nn.AdaptiveAvgPool2d(1),
    input: [2, 3, 5, 7],
    dtypes: ['float32'],
  },
  {
    name: 'AdaptiveAvgPool2d to a size that divides the input',
    build: () => new nn.AdaptiveAvgPool2d([2, null]),
    input: [2, 3, 6, 5],
    dtypes: ['float32'],
  },
  {
    name: 'a small CNN: Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear',
    build: () =>
      new nn.Sequential(
        new nn.Conv2d(1, 4, 3, { padding: 1, bias: false }),
        new nn.BatchNorm2d(4),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(4, 6, 3),
        new nn.ReLU(),
        new nn.AdaptiveAvgPool2d(1),
        new nn.Flatten(),
        new nn.Linear(6, 3),
        new nn.LogSoftmax(1),
      ),
    input: [3, 1, 10, 10],
    dtypes: ['float32'],
  },
  {
    name: 'empty Sequential (the input passes through)',
    build: () => new nn.Sequential(),
    input: [2, 3],
    dtypes: ['float64'],
  },
];

for (const c of CASES) {
  for (const dtype of c.dtypes) {
    for (const opset of c.opsets ?? [17]) {
      test(`${c.name}: ${dtype}, opset ${opset}, matches normgrad's eval output in onnxruntime`, async () => {
        manualSeed(7);
        const model = c.build();
        warm(model, c.input);
        const x = randn(c.input).mul(1.5).add(0.2);
        const want = evalOutput(model, x);
        const got = await runOrt(onnx.exportToBytes(model, x, { opsetVersion: opset, dtype }), x, dtype);
        assert.equal(got.dims, [...want.shape]);
        const err = maxScaledError(got.data, want, TOL[dtype]);
        assert.ok(err <= 1, `scaled error ${err} (tolerance ${TOL[dtype]})`);
        assert.ok(model.training, 'the training flag is restored after export');
      });
    }
  }
}

test('the file form writes the same bytes as exportToBytes, and a runtime loads it from the path', async () => {
  manualSeed(1);
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Sigmoid());
  const x = randn([4, 3]);
  const dir = mkdtempSync(join(tmpdir(), 'normgrad-onnx-'));
  try {
    const path = join(dir, 'model.onnx');
    onnx.export(model, x, path, { opsetVersion: 17 });
    assert.ok(readFileSync(path).equals(onnx.exportToBytes(model, x, { opsetVersion: 17 })));
    const session = await ort.InferenceSession.create(path);
    assert.equal(session.inputNames, ['input']);
    assert.equal(session.outputNames, ['output']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('where there is no file system (a browser), the file form says to use exportToBytes', () => {
  const original = process.getBuiltinModule;
  try {
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    assert.throws(
      () => onnx.export(new nn.Linear(2, 2), randn([1, 2]), 'unused.onnx'),
      (e: unknown) =>
        e instanceof NormgradError &&
        e.message ===
          "onnx.export: a file path needs Node's file system; in a browser use onnx.exportToBytes",
    );
  } finally {
    process.getBuiltinModule = original;
  }
});

test('the model as an ONNX reader sees it: opset, IR version, state-dict keys as initializer names, node names', () => {
  manualSeed(2);
  const model = new nn.Sequential(
    new nn.Linear(4, 8),
    new nn.BatchNorm1d(8),
    new nn.ReLU(),
    new nn.Linear(8, 2),
  );
  const bytes = onnx.exportToBytes(model, randn([3, 4]), { opsetVersion: 17, docString: 'demo' });
  const m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as {
    ir_version: number;
    opset_import: { version: number }[];
    producer_name: string;
    doc_string: string;
    graph: { node: { op_type: string; name: string }[]; initializer: { name: string; data_type: number }[] };
  };
  assert.is(m.ir_version, 8);
  assert.equal(
    m.opset_import.map((o) => o.version),
    [17],
  );
  assert.is(m.producer_name, 'normgrad');
  assert.is(m.doc_string, 'demo');
  assert.equal(
    m.graph.node.map((n) => `${n.name}:${n.op_type}`),
    ['/0/Gemm:Gemm', '/1/BatchNormalization:BatchNormalization', '/2/Relu:Relu', '/3/Gemm:Gemm'],
  );
  // Every state-dict entry but the step counter is an initializer under its PyTorch key, in float64 (DOUBLE = 11).
  const keys = Object.keys(model.stateDict()).filter((k) => !k.endsWith('num_batches_tracked'));
  assert.equal(
    m.graph.initializer.map((t) => t.name),
    keys,
  );
  assert.ok(m.graph.initializer.every((t) => t.data_type === 11));
});

test('dynamicAxes: a named batch dim runs at any batch size', async () => {
  manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3), new nn.Softmax(1));
  warm(model, [6, 4]);
  const bytes = onnx.exportToBytes(model, randn([2, 4]), {
    inputNames: ['features'],
    outputNames: ['probs'],
    dynamicAxes: { features: { 0: 'batch' }, probs: [0] },
  });
  const x = randn([9, 4]);
  const got = await runOrt(bytes, x, 'float64', { input: 'features', output: 'probs' });
  assert.equal(got.dims, [9, 3]);
  assert.ok(maxScaledError(got.data, evalOutput(model, x), TOL.float64) <= 1);
});

class Residual extends nn.Module {
  readonly inner = this.registerModule('inner', new nn.Linear(3, 3));
  forward(x: Tensor): Tensor {
    return x.add(this.inner.forward(x));
  }
}

const throwsValue = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof ValueError && e.message === message);

const EXPORTABLE =
  'exportable: Sequential of Linear, Identity, Dropout, ReLU, Sigmoid, Tanh, LeakyReLU, Softmax, LogSoftmax, BatchNorm1d, BatchNorm2d, LayerNorm, Flatten, Conv1d, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d';

test('a module tree with a module that has no ONNX form names the first such module by path and class', () => {
  const x = randn([2, 3]);
  const model = new nn.Sequential(
    new nn.Linear(3, 3),
    new nn.Sequential(new nn.ReLU(), new Residual(), new nn.RNNCell(3, 3)),
  );
  throwsValue(
    () => onnx.exportToBytes(model, x),
    `onnx.export: cannot export module '1.1' (Residual): no ONNX converter for Residual; ${EXPORTABLE}`,
  );
  throwsValue(
    () => onnx.exportToBytes(new Residual(), x),
    `onnx.export: cannot export the model itself (Residual): no ONNX converter for Residual; ${EXPORTABLE}`,
  );
  throwsValue(
    () => onnx.exportToBytes(new nn.Sequential({ enc: new nn.Linear(3, 3), rnn: new nn.RNNCell(3, 3) }), x),
    `onnx.export: cannot export module 'rnn' (RNNCell): no ONNX converter for RNNCell; ${EXPORTABLE}`,
  );
  // A subclass may override forward, so it is not taken for its parent class.
  class Scaled extends nn.Linear {
    override forward(x: Tensor): Tensor {
      return super.forward(x).mul(2);
    }
  }
  throwsValue(
    () => onnx.exportToBytes(new nn.Sequential(new Scaled(3, 3)), x),
    `onnx.export: cannot export module '0' (Scaled): no ONNX converter for Scaled; ${EXPORTABLE}`,
  );
  assert.ok(model.training, 'a failed export leaves the training flags as they were');
  assert.ok([...model.modules()].every((m) => m.training));
});

test('layer settings without an ONNX form are refused, naming the module and the setting', () => {
  const cases: [nn.Module, number[], number, string][] = [
    [
      new nn.Sequential(new nn.Conv2d(2, 2, 3, { padding: 1, paddingMode: 'circular' })),
      [1, 2, 5, 5],
      17,
      "module '0' (Conv2d): circular padding needs Pad's 'wrap' mode (opset 19 or later)",
    ],
    [
      new nn.Conv2d(2, 2, 3),
      [2, 5, 5],
      17,
      'the model itself (Conv2d): ONNX Conv needs a batch dim; export with a batched sample of 4 dims, not 3',
    ],
    [
      new nn.AvgPool2d(2, { divisorOverride: 3, ceilMode: true }),
      [1, 1, 5, 5],
      17,
      'the model itself (AvgPool2d): divisorOverride with ceilMode has no ONNX form',
    ],
    [
      new nn.AdaptiveAvgPool2d([2, 3]),
      [1, 1, 5, 6],
      17,
      "the model itself (AdaptiveAvgPool2d): output size [2, 3] does not divide the input's [5, 6], and ONNX has no adaptive pooling",
    ],
    [
      new nn.Sequential(new nn.MaxPool2d(2, { returnIndices: true })),
      [1, 1, 4, 4],
      17,
      "module '0' (MaxPool2d): its forward returned object, not a Tensor",
    ],
  ];
  for (const [model, shape, opset, what] of cases) {
    throwsValue(
      () => onnx.exportToBytes(model, randn(shape), { opsetVersion: opset }),
      `onnx.export: cannot export ${what}; ${EXPORTABLE}`,
    );
  }
});

test('bad arguments are named', () => {
  const model = new nn.Linear(3, 2);
  const x = randn([2, 3]);
  throwsValue(
    () => onnx.exportToBytes(model, x, { opsetVersion: 11 }),
    'onnx.export: opsetVersion must be an integer from 13 to 21, got 11',
  );
  throwsValue(
    () => onnx.exportToBytes(model, x, { dtype: 'float16' as Dtype }),
    "onnx.export: dtype must be 'float64' or 'float32', got float16",
  );
  throwsValue(
    () => onnx.exportToBytes(model, [1, 2, 3] as unknown as Tensor),
    'onnx.export: sampleInput must be a Tensor, got an array [1,2,3]; wrap it with tensor(...)',
  );
  throwsValue(
    () => onnx.exportToBytes({} as nn.Module, x),
    'onnx.export: model must be an nn.Module, got an object {}',
  );
  throwsValue(
    () => onnx.exportToBytes(model, x, { inputNames: ['a', 'b'] }),
    'onnx.export: inputNames must hold exactly one non-empty name (one input, one output), got ["a","b"]',
  );
  throwsValue(
    () => onnx.exportToBytes(model, x, { dynamicAxes: { x: [0] } }),
    "onnx.export: dynamicAxes names 'x', which is neither the input 'input' nor the output 'output'",
  );
  throwsValue(
    () => onnx.exportToBytes(model, x, { dynamicAxes: { input: [2] } }),
    "onnx.export: dynamicAxes['input'] names dim 2, but 'input' has shape [2, 3]",
  );
  // A sample of the wrong shape fails in the op's own check, which names the module it ran in.
  assert.throws(
    () => onnx.exportToBytes(new nn.Sequential(model), randn([2, 4])),
    /linear: input of shape \[2, 4\] must have 3 features in its last dim to match weight of shape \[2, 3\] in module '0 \(Linear\)'/,
  );
});

test("without a dtype option the export takes the model's dtype: a float32 model writes FLOAT, a float64 one DOUBLE", async () => {
  manualSeed(11);
  const cnn = new nn.Sequential(
    new nn.Conv2d(1, 3, 3, { padding: 1 }),
    new nn.BatchNorm2d(3),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
    new nn.Linear(3, 2),
  );
  warm(cnn, [4, 1, 6, 6]);
  cnn.float();
  const x = randn([2, 1, 6, 6]).float();
  const elemTypes = (bytes: Uint8Array) => {
    const m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as {
      graph: {
        initializer: { data_type: number }[];
        input: { type: { tensor_type: { elem_type: number } } }[];
        output: { type: { tensor_type: { elem_type: number } } }[];
      };
    };
    return new Set([
      ...m.graph.initializer.map((i) => i.data_type),
      m.graph.input[0]!.type.tensor_type.elem_type,
      m.graph.output[0]!.type.tensor_type.elem_type,
    ]);
  };
  const bytes = onnx.exportToBytes(cnn, x);
  assert.equal(elemTypes(bytes), new Set([1]), 'FLOAT everywhere');
  const want = evalOutput(cnn, x);
  assert.is(want.dtype, 'float32');
  const got = await runOrt(bytes, x, 'float32');
  const err = maxScaledError(got.data, want, TOL.float32);
  assert.ok(err <= 1, `scaled error ${err}`);
  const mlp = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh());
  assert.equal(elemTypes(onnx.exportToBytes(mlp, randn([2, 3]))), new Set([11]), 'DOUBLE everywhere');
  assert.equal(elemTypes(onnx.exportToBytes(mlp.float(), randn([2, 3]).float())), new Set([1]));
});

test.run();
