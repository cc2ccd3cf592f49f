/**
 * Fuzzes the safetensors reader, which reads files users download. Cases are
 * valid files made by the writer (and F16/BF16 files built here, which the
 * writer does not write), then mutated (byte flips, truncations, trailing
 * bytes, header edits: dtypes, shapes, offsets, duplicate keys, metadata, the
 * length field), plus wholly random bytes, all drawn by fast-check from a fixed
 * seed so a run is reproducible. Every case must either load or throw one of
 * the library's errors; anything else (a TypeError from inside, a RangeError
 * from an allocation) is a crash and fails the run. The report counts every
 * outcome class (error messages with names and numbers blanked), the slowest
 * case and the peak memory.
 *
 *     npm run fuzz                 # 100,000 cases
 *     npm run fuzz -- --cases 5000 --seed 7
 */
import fc from 'fast-check';
import { NormgradError, Tensor } from '../core/index.ts';
import { deserialize, serialize, type WritableDType } from '../nn/safetensors.ts';

/** What one fuzz run found. */
export interface FuzzReport {
  cases: number;
  seed: number;
  /** Outcome class (`ok`, or the error class and blanked message) to count. */
  outcomes: Map<string, number>;
  /** Cases that failed with something other than a library error, or loaded inconsistent tensors. */
  crashes: string[];
  /** Largest resident set size and V8 heap seen, sampled every 1,000 cases, in bytes. */
  peakRss: number;
  peakHeap: number;
  /** The slowest single case, in milliseconds (informational: a hang would show here). */
  slowestMs: number;
  seconds: number;
}

const enc = new TextEncoder();

// ---------------------------------------------------------------- valid files

const nameArb = fc.oneof(
  fc.constantFrom(
    'weight',
    'bias',
    '0.weight',
    'running_mean',
    'num_batches_tracked',
    '__proto__',
    'a"b',
    '',
  ),
  fc.string({ maxLength: 6 }),
);
const tensorArb = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    dtype: fc.constantFrom<WritableDType>('F64', 'F32', 'I64'),
    seed: fc.integer(),
  })
  .map(({ shape, dtype, seed }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float64Array.from({ length: n }, (_, i) =>
      dtype === 'I64' ? ((seed + i * 7919) % 1000) - 500 : Math.fround(Math.sin(seed + i) * 10),
    );
    return { t: new Tensor(data, shape), dtype };
  });
const validFileArb = fc
  .record({
    entries: fc.array(fc.tuple(nameArb, tensorArb), { maxLength: 4 }),
    metadata: fc.option(
      fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
      {
        nil: undefined,
      },
    ),
  })
  .map(({ entries, metadata }) => {
    const tensors: Record<string, Tensor> = Object.create(null);
    const dtypes: Record<string, WritableDType> = Object.create(null);
    for (const [name, { t, dtype }] of entries) {
      if (name === '__metadata__') continue;
      tensors[name] = t;
      dtypes[name] = dtype;
    }
    return serialize(tensors, metadata === undefined ? { dtypes } : { dtypes, metadata });
  });

// ---------------------------------------------------------------- mutations

type Mutation = (b: Uint8Array) => Uint8Array;

const headerOf = (b: Uint8Array): { n: number; text: string } | null => {
  if (b.length < 8) return null;
  const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  if (8 + n > b.length) return null;
  return { n, text: new TextDecoder().decode(b.subarray(8, 8 + n)) };
};

/** The header as a JSON object, or null when an earlier mutation already broke it. */
const jsonOf = (b: Uint8Array): Record<string, unknown> | null => {
  const h = headerOf(b);
  if (h === null) return null;
  try {
    const json: unknown = JSON.parse(h.text);
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
};

/** A new file from a header text and the old file's data block (or `data` if given). */
const withHeader = (b: Uint8Array, text: string, data?: Uint8Array): Uint8Array => {
  const old = headerOf(b);
  const body = data ?? (old === null ? new Uint8Array(0) : b.subarray(8 + old.n));
  const h = enc.encode(text);
  const out = new Uint8Array(8 + h.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(body, 8 + h.length);
  return out;
};

/** Edits the parsed header's first tensor entry (or the header itself). */
const editEntry =
  (edit: (entry: Record<string, unknown>) => void): Mutation =>
  (b) => {
    const json = jsonOf(b);
    if (json === null) return b;
    const name = Object.keys(json).find((k) => k !== '__metadata__');
    const entry = name === undefined ? null : json[name];
    if (typeof entry !== 'object' || entry === null) return b;
    edit(entry as Record<string, unknown>);
    return withHeader(b, JSON.stringify(json));
  };

/**
 * A valid file of F16 and BF16 tensors, which the writer does not write: the
 * header is built here and the data are random 16-bit patterns (NaNs,
 * infinities and subnormals included).
 */
const halfFileArb = fc
  .array(
    fc.record({
      dtype: fc.constantFrom('F16', 'BF16'),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .chain((specs) => {
    const bytes = specs.reduce((n, { shape }) => n + 2 * shape.reduce((a, b) => a * b, 1), 0);
    return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((data) => {
      let at = 0;
      const header: Record<string, unknown> = {};
      specs.forEach(({ dtype, shape }, i) => {
        const end = at + 2 * shape.reduce((a, b) => a * b, 1);
        header[`h${i}`] = { dtype, shape, data_offsets: [at, end] };
        at = end;
      });
      return withHeader(new Uint8Array(0), JSON.stringify(header), data);
    });
  });

const weird = fc.constantFrom<unknown>(
  -1,
  1.5,
  2 ** 53,
  1e20,
  -0,
  '2',
  null,
  true,
  [],
  {},
  [1, 2, 3],
  [-8, 0],
  [0, 2 ** 60],
  Number.MAX_SAFE_INTEGER,
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // byte flips anywhere, most often in the length field and header
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
    ([at, v]): Mutation =>
      (b) => {
        if (b.length === 0) return b;
        const out = b.slice();
        out[at % Math.min(b.length, at % 3 === 0 ? b.length : 64)] = v;
        return out;
      },
  ),
  // truncation
  fc.nat().map(
    (k): Mutation =>
      (b) =>
        b.subarray(0, k % (b.length + 1)),
  ),
  // trailing bytes
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map(
    (extra): Mutation =>
      (b) => {
        const out = new Uint8Array(b.length + extra.length);
        out.set(b);
        out.set(extra, b.length);
        return out;
      },
  ),
  // the length field: past the end, above the bound, u64 max, zero
  fc.constantFrom(0n, 1n, 7n, 101_000_000n, 2n ** 53n + 1n, 2n ** 64n - 1n, 99_999_999n).map(
    (n): Mutation =>
      (b) => {
        if (b.length < 8) return b;
        const out = b.slice();
        new DataView(out.buffer).setBigUint64(0, n, true);
        return out;
      },
  ),
  // dtype, shape and offsets replaced by odd values
  fc
    .tuple(
      fc.constantFrom('dtype', 'shape', 'data_offsets'),
      fc.oneof(weird, fc.constantFrom('BF16', 'F16', 'I32', 'f64', 'BOOL')),
    )
    .map(([key, v]) =>
      editEntry((e) => {
        e[key] = v;
      }),
    ),
  // a shape with one odd dimension
  fc.tuple(fc.nat(3), weird).map(([i, d]) =>
    editEntry((e) => {
      if (Array.isArray(e.shape)) e.shape[i] = d;
    }),
  ),
  // offsets shifted, swapped or extended
  fc.tuple(fc.integer({ min: -16, max: 16 }), fc.integer({ min: -16, max: 16 })).map(([db, de]) =>
    editEntry((e) => {
      const o = e.data_offsets;
      if (Array.isArray(o)) e.data_offsets = [Number(o[0]) + db, Number(o[1]) + de];
    }),
  ),
  fc.constant(
    editEntry((e) => {
      const o = e.data_offsets;
      if (Array.isArray(o)) e.data_offsets = [o[1], o[0]];
    }),
  ),
  // a duplicated entry (JSON.parse would keep one silently)
  fc.constant<Mutation>((b) => {
    const h = headerOf(b);
    const m = h?.text.match(/"((?:[^"\\]|\\.)*)":\{"dtype"[^}]*\}/);
    if (h === null || h === undefined || m === null || m === undefined) return b;
    return withHeader(b, h.text.replace(m[0], `${m[0]},${m[0]}`));
  }),
  // an extra entry overlapping the first, or one past the data
  fc.tuple(fc.nat(64), fc.nat(64)).map(
    ([begin, len]): Mutation =>
      (b) => {
        const json = jsonOf(b);
        if (json === null) return b;
        json.extra = { dtype: 'F64', shape: [Math.floor(len / 8)], data_offsets: [begin, begin + len] };
        return withHeader(b, JSON.stringify(json));
      },
  ),
  // metadata of the wrong kind
  fc.oneof(weird, fc.constant({ format: 1 })).map(
    (v): Mutation =>
      (b) => {
        const json = jsonOf(b);
        if (json === null) return b;
        json.__metadata__ = v;
        return withHeader(b, JSON.stringify(json));
      },
  ),
  // headers that are not JSON objects, or not JSON, or not UTF-8
  fc.constantFrom('[]', '1', '"x"', 'null', '', '{', '{"a":}', '{"x":1}', '{"x":[1]}', ' {} ', '{}{}').map(
    (text): Mutation =>
      (b) =>
        withHeader(b, text),
  ),
  fc.constant<Mutation>((b) => {
    const h = headerOf(b);
    if (h === null || h.n < 2) return b;
    const out = b.slice();
    out[9] = 0xff; // never valid in UTF-8
    return out;
  }),
);

const caseArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: validFileArb },
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.oneof(validFileArb, halfFileArb), fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
      .map(([bytes, ms]) => ms.reduce((b, m) => m(b), bytes)),
  },
  { weight: 1, arbitrary: halfFileArb },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);

// ---------------------------------------------------------------- running

/** An error message with names, values and numbers blanked, so messages of one kind count as one class. */
function outcomeClass(e: Error): string {
  const blank = e.message
    .replace(/^(safetensors\.deserialize: )'.*'(?= has | of shape | is | starts at | \(I64\))/s, "$1'<name>'")
    .replace(/has dtype .*?;/s, 'has dtype <dtype>;')
    .replace(/invalid (shape|data_offsets) .*$/s, 'invalid $1 <value>')
    .replace(/of shape \[[^\]]*\]/, 'of shape <shape>')
    .replace(/__metadata__ entry '.*' is/s, "__metadata__ entry '<key>' is")
    .replace(
      / is (an array|an object|a Tensor|string|number|boolean|null)\b.*?, expected/s,
      ' is $1 <value>, expected',
    )
    .replace(/header has the key .* twice/s, 'header has the key <key> twice')
    .replace(/not valid JSON \(.*\)$/s, 'not valid JSON (<parser detail>)')
    .replace(/\[-?\d+, -?\d+\]/g, '[N, N]')
    .replace(/(?<![A-Za-z\d.-])-?\d+(\.\d+)?(e[+-]?\d+)?/g, 'N');
  return `${e.name}: ${blank}`;
}

/** Reads one file; returns its outcome class, or a description of what went wrong. */
export function readCase(bytes: Uint8Array): { outcome: string; crash: string | null } {
  try {
    const { tensors } = deserialize(bytes);
    for (const [name, t] of Object.entries(tensors)) {
      if (!(t instanceof Tensor) || t.numel() !== t.shape.reduce((a, b) => a * b, 1)) {
        return { outcome: 'inconsistent', crash: `loaded '${name}' with data not fitting its shape` };
      }
    }
    return { outcome: 'ok', crash: null };
  } catch (e) {
    if (e instanceof NormgradError) return { outcome: outcomeClass(e), crash: null };
    return { outcome: 'crash', crash: `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  }
}

/** Runs `cases` fuzz cases from `seed`. */
export function runFuzz(cases: number, seed: number): FuzzReport {
  const outcomes = new Map<string, number>();
  const crashes: string[] = [];
  let peakRss = 0;
  let peakHeap = 0;
  let slowestMs = 0;
  let done = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const start = performance.now();
  const details = fc.check(
    fc.property(caseArb, (bytes) => {
      const t0 = performance.now();
      const { outcome, crash } = readCase(bytes);
      slowestMs = Math.max(slowestMs, performance.now() - t0);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (crash !== null) crashes.push(`${crash} (file of ${bytes.length} bytes)`);
      if (++done % 1000 === 0) sample();
      return crash === null;
    }),
    { seed, numRuns: cases, endOnFailure: true },
  );
  if (details.failed && crashes.length === 0) crashes.push(`fast-check: ${String(details.errorInstance)}`);
  sample();
  return {
    cases: done,
    seed,
    outcomes,
    crashes,
    peakRss,
    peakHeap,
    slowestMs,
    seconds: (performance.now() - start) / 1000,
  };
}

/** The report as text, outcome classes by count. */
export function formatReport(r: FuzzReport): string {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const rows = [...r.outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${String(n).padStart(8)}  ${k}`);
  return [
    `safetensors fuzz: ${r.cases} cases from seed ${r.seed} in ${r.seconds.toFixed(1)} s`,
    `outcome classes (${r.outcomes.size}):`,
    ...rows,
    `crashes: ${r.crashes.length}`,
    ...r.crashes.slice(0, 10).map((c) => `  ${c}`),
    `peak memory: rss ${mb(r.peakRss)}, heap ${mb(r.peakHeap)}; slowest case ${r.slowestMs.toFixed(2)} ms`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (flag: string, fallback: number) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const report = runFuzz(arg('--cases', 100_000), arg('--seed', 14));
  console.log(formatReport(report));
  if (report.crashes.length > 0) process.exitCode = 1;
}
