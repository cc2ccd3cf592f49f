/** The experiment harness: arguments, verdicts, tables, progress output, charts and SVG rendering. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../../examples/lib/args.ts';
import { bandRows, contourPanels, heatmap, lineChart, stripChart } from '../../examples/lib/charts.ts';
import { CLAIMS, claim } from '../../examples/lib/claims.ts';
import { commandFor } from '../../examples/lib/experiment.ts';
import { progress } from '../../examples/lib/progress.ts';
import { compactSvg, prefixSvgIds, renderSvg } from '../../examples/lib/render.ts';
import { formatTable, keyNumbers } from '../../examples/lib/table.ts';
import { combine, fmt, type Verdict } from '../../examples/lib/verdict.ts';

test('parseArgs: quick by default, modes, seed, out, only', () => {
  assert.equal(parseArgs([]), {
    mode: 'quick',
    seed: 0,
    dtype: 'float64',
    out: 'out',
    only: [],
    systemAllocator: false,
    help: false,
  });
  assert.equal(
    parseArgs(['--full', '--seed', '7', '--dtype', 'float32', '--out', '/tmp/x', '--only', 'a,b']),
    {
      mode: 'full',
      seed: 7,
      dtype: 'float32',
      out: '/tmp/x',
      only: ['a', 'b'],
      systemAllocator: false,
      help: false,
    },
  );
  assert.ok(parseArgs(['--system-allocator']).systemAllocator);
  assert.is(parseArgs(['--tiny']).mode, 'tiny');
  assert.is(parseArgs(['--full', '--quick']).mode, 'quick');
  assert.ok(parseArgs(['--help']).help);
});

test('parseArgs: unknown options, missing values and bad seeds throw naming the option', () => {
  assert.throws(() => parseArgs(['--fast']), /parseArgs: unknown option --fast/);
  assert.throws(() => parseArgs(['--seed']), /parseArgs: option --seed needs a value/);
  assert.throws(() => parseArgs(['--out', '--full']), /parseArgs: option --out needs a value/);
  assert.throws(
    () => parseArgs(['--seed', '1.5']),
    /parseArgs: --seed expects a non-negative integer, got 1.5/,
  );
  assert.throws(() => parseArgs(['--seed', '-1']), /option --seed needs a value|non-negative integer/);
});

test('parseArgs: --dtype takes float32 or float64 and names both when given anything else', () => {
  assert.is(parseArgs(['--dtype', 'float64']).dtype, 'float64');
  assert.is(parseArgs(['--dtype', 'float32', '--dtype', 'float64']).dtype, 'float64');
  for (const bad of ['float16', 'Float32', 'f32', 'double']) {
    assert.throws(
      () => parseArgs(['--dtype', bad]),
      new RegExp(`^parseArgs: --dtype expects one of float32, float64, got ${bad}$`),
    );
  }
  assert.throws(() => parseArgs(['--dtype']), /parseArgs: option --dtype needs a value/);
  assert.throws(() => parseArgs(['--dtype', '--quick']), /parseArgs: option --dtype needs a value/);
});

test('combine: all, none or some sub-conditions', () => {
  assert.is(combine([true, true]), 'held');
  assert.is(combine([false, false]), 'did not hold');
  assert.is(combine([true, false, true]), 'held partly');
  assert.is(combine([]), 'not tested');
});

test('fmt: integers as is, 4 significant digits, exponents for extremes', () => {
  assert.is(fmt(379997), '379997');
  assert.is(fmt(0.123456), '0.1235');
  assert.is(fmt(1.052349), '1.052');
  assert.is(fmt(7.229e-17), '7.229e-17');
  assert.is(fmt(1e-4), '1e-4');
  assert.is(fmt(0), '0');
  assert.is(fmt(2.5e9), '2.5e+9');
  assert.is(fmt(Number.POSITIVE_INFINITY), 'inf');
  assert.is(fmt(Number.NaN), 'NaN');
  assert.is(fmt('> 20000'), '> 20000');
});

test('formatTable pads columns; keyNumbers takes the first entries', () => {
  const t = formatTable(
    ['a', 'long name'],
    [
      ['x', 1.23456],
      ['yy', 2],
    ],
  );
  assert.is(t, 'a   long name\n--  ---------\nx   1.235\nyy  2');
  const v: Verdict = {
    claim: 'C1',
    statement: 's',
    criterion: 'c',
    numbers: { a: 1, b: 'two', c: 3 },
    verdict: 'held',
  };
  assert.is(keyNumbers(v, 2), 'a = 1; b = two');
});

test('claims: C1 to C14 with the article text and an English rendering, then C15 beyond the article', () => {
  assert.equal(
    CLAIMS.map((c) => c.id),
    Array.from({ length: 15 }, (_, k) => `C${k + 1}`),
  );
  for (const c of CLAIMS.filter((c) => c.beyond === undefined)) {
    assert.ok(c.zh.length > 10 && c.en.length > 10 && c.summary.length > 10, c.id);
  }
  const beyond = CLAIMS.filter((c) => c.beyond !== undefined);
  assert.equal(
    beyond.map((c) => c.id),
    ['C15'],
  );
  assert.ok(beyond[0]!.zh === '' && beyond[0]!.en.length > 10 && /Wu and He 2018/.test(beyond[0]!.beyond!));
  assert.match(claim('C6').zh, /偏置b将不起作用/);
  assert.throws(() => claim('C99'), /claim: unknown claim id C99/);
});

test('commandFor names the script, the mode and a non-default seed', () => {
  assert.is(commandFor('input-normalization', 'quick', 0), 'npx tsx examples/input-normalization.ts --quick');
  assert.is(commandFor('x', 'full', 3), 'npx tsx examples/x.ts --full --seed 3');
  assert.is(commandFor('x', 'quick', 0, 'float64'), 'npx tsx examples/x.ts --quick');
  assert.is(commandFor('x', 'full', 2, 'float32'), 'npx tsx examples/x.ts --full --seed 2 --dtype float32');
});

class Sink {
  text = '';
  isTTY = false;
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

test('progress without a terminal prints one line per 10 % with step and loss', () => {
  const sink = new Sink();
  const p = progress('train', 50, { stream: sink as unknown as NodeJS.WriteStream });
  for (let s = 1; s <= 50; s++) p.update(s, 1 / s);
  p.stop();
  const lines = sink.text.trim().split('\n');
  assert.is(lines.length, 10);
  assert.match(lines[0]!, /^train: step 5\/50 \(10 %\) loss 0\.2000 elapsed/);
  assert.match(lines[9]!, /^train: step 50\/50 \(100 %\) loss 0\.0200 /);
});

test('progress quiet prints nothing; the TTY form draws a bar', () => {
  const sink = new Sink();
  const q = progress('x', 10, { quiet: true, stream: sink as unknown as NodeJS.WriteStream });
  q.update(10, 1);
  q.stop();
  assert.is(sink.text, '');
  const tty = new Sink();
  tty.isTTY = true;
  Object.assign(tty, { columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const bar = progress('bar', 4, { stream: tty as unknown as NodeJS.WriteStream, tty: true });
  bar.update(2, 0.5);
  bar.stop();
  assert.match(tty.text, /bar \[/);
});

test('bandRows: mean with min/max or ±sd over seeds, per x', () => {
  const rows = bandRows(
    [
      {
        arm: 'a',
        runs: [
          [
            { x: 1, y: 1 },
            { x: 2, y: 4 },
          ],
          [
            { x: 1, y: 3 },
            { x: 2, y: 4 },
          ],
        ],
      },
    ],
    'minmax',
  );
  assert.equal(rows, [
    { arm: 'a', x: 1, mean: 2, lo: 1, hi: 3, n: 2 },
    { arm: 'a', x: 2, mean: 4, lo: 4, hi: 4, n: 2 },
  ]);
  const sd = bandRows([{ arm: 'a', runs: [[{ x: 0, y: 1 }], [{ x: 0, y: 3 }]] }], 'sd');
  assert.equal(sd, [{ arm: 'a', x: 0, mean: 2, lo: 1, hi: 3, n: 2 }]);
});

test('prefixSvgIds renames ids and their references; compactSvg rounds path coordinates', () => {
  const svg = '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"><use href="#clip1"/></g></svg>';
  assert.is(
    prefixSvgIds(svg, 'p-'),
    '<svg><clipPath id="p-clip1"/><g clip-path="url(#p-clip1)"><use href="#p-clip1"/></g></svg>',
  );
  assert.is(
    compactSvg('<path d="M0.123456,1.5h2.999999" transform="translate(10.3333,2)" x="1.23456"/>'),
    '<path d="M0.12,1.5h3" transform="translate(10.33,2)" x="1.23456"/>',
  );
});

test('every chart builder renders to SVG with its title and axis titles', async () => {
  const specs = [
    lineChart({
      title: 'Line title',
      x: { title: 'step (count)', log: true },
      y: { title: 'loss (nats)', log: true },
      series: [
        {
          arm: 'a',
          points: [
            { x: 1, y: 1 },
            { x: 10, y: 0.1 },
          ],
        },
        {
          arm: 'b',
          group: 'a',
          dash: 'other',
          points: [
            { x: 1, y: 2 },
            { x: 10, y: 0.2 },
          ],
        },
      ],
      rules: [
        { y: 0.5, label: 'target' },
        { x: 3, label: 'switch' },
      ],
    }),
    heatmap({
      title: 'Heat title',
      cells: [
        { x: 0.1, y: 1, value: 1, panel: 'no BN' },
        { x: 0.1, y: 1, value: 2, panel: 'BN' },
      ],
      x: { title: 'learning rate' },
      y: { title: 'init scale' },
      color: { title: 'final loss', log: true },
      textFormat: '.2f',
    }),
    heatmap({
      title: 'Single heat',
      cells: [{ x: 'a', y: 'b', value: 3 }],
      x: { title: 'xx' },
      y: { title: 'yy' },
      color: { title: 'v' },
    }),
    contourPanels({
      title: 'Contour title',
      panels: [
        {
          title: 'panel',
          xs: [0, 1, 2],
          ys: [0, 1, 2],
          z: [0, 1, 2, 1, 2, 3, 2, 3, 4],
          path: [
            { x: 0, y: 0, step: 0 },
            { x: 1, y: 1, step: 1 },
          ],
          marks: [{ x: 1, y: 1, label: 'w*' }],
        },
      ],
      x: 'w1',
      y: 'w2',
      color: { title: 'log loss' },
    }),
    stripChart({
      title: 'Strip title',
      points: [{ category: 'c', value: 0.5, kind: 'k' }],
      x: { title: 'value (unitless)' },
      categoryTitle: 'data',
      colors: { k: '#000000' },
    }),
  ];
  const titles = ['Line title', 'Heat title', 'Single heat', 'Contour title', 'Strip title'];
  for (const [i, spec] of specs.entries()) {
    const svg = await renderSvg(spec);
    assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'), titles[i]);
    assert.ok(svg.includes(titles[i]!), `${titles[i]} is not in its SVG`);
  }
});

test.run();
