/**
 * out/report.html: one self-contained page (inline SVG and CSS, no scripts, no
 * network) that tells a reader who has not seen the code, claim by claim, what
 * the article says, what was run, what was seen and whether the claim held,
 * and which run (quick, or the committed full run) each verdict comes from.
 */
import type { DType } from '../../core/index.ts';
import { ARTICLE, CLAIMS } from './claims.ts';
import type { RunResult } from './experiment.ts';
import {
  decidingVerdict,
  type Evidence,
  fullVerdict,
  pairWithFull,
  verdictSource,
} from './report/evidence.ts';
import { experimentHtml } from './report/experiment.ts';
import { glossaryHtml } from './report/glossary.ts';
import { badge, esc, inline } from './report/html.ts';
import { keyNumbers } from './table.ts';
import { fmt, type Verdict } from './verdict.ts';

/** "C4" alone when the claim has one verdict in the run, else "C4 - <label>". */
export function verdictLabel(v: Verdict, siblings: readonly Verdict[]): string {
  if (siblings.length <= 1) return v.claim;
  return `${v.claim} - ${v.label ?? `verdict ${siblings.indexOf(v) + 1} of ${siblings.length}`}`;
}

function summaryHtml(evidence: readonly Evidence[], mode: string, dtype: DType): string {
  const all = evidence.flatMap((e) => e.run.results.verdicts.map((v) => ({ v, e })));
  const rows = CLAIMS.map((c) => {
    const entries = all.filter((x) => x.v.claim === c.id);
    if (entries.length === 0) {
      return `<tr><td>${esc(c.id)}</td><td>${esc(c.summary)}</td><td>${badge('not tested')}</td><td></td><td>no experiment in this run</td><td></td></tr>`;
    }
    const siblings = entries.map((x) => x.v);
    return entries
      .map(({ v, e }) => {
        const full = fullVerdict(e, v);
        const src = verdictSource(e);
        const shows = decidingVerdict(e, v);
        const finding = shows.finding ? inline(shows.finding) : esc(keyNumbers(shows, 3));
        return `<tr><td><a href="#${esc(c.id)}">${esc(verdictLabel(v, siblings))}</a></td><td>${esc(c.summary)}</td><td>${badge(
          v.verdict,
        )}</td><td>${full ? badge(full.verdict) : e.fullState === 'this run' ? 'this run' : '<span class="none">not run</span>'}</td><td>${finding}<br><span class="trust${
          src.preliminary ? ' prelim' : ''
        }">${esc(src.preliminary ? `Preliminary: ${mode} run only.` : `From the ${src.text}.`)}</span></td><td><a href="#${esc(
          e.run.results.experiment,
        )}">${esc(e.run.results.experiment)}</a></td></tr>`;
      })
      .join('\n');
  }).join('\n');
  return `<section id="summary"><h2>Summary</h2>
<table class="summary"><thead><tr><th>claim</th><th>the article says</th><th>this run (${esc(mode)}, ${esc(dtype)})</th><th>full run</th><th>what the evidence shows, and how far to trust it</th><th>experiment</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

function tocHtml(evidence: readonly Evidence[]): string {
  const items = evidence.map((e) => {
    const r = e.run.results;
    const claims = r.claims.map((c) => `<a href="#${esc(c)}">${esc(c)}</a>`).join(' ');
    return `<li><a href="#${esc(r.experiment)}">${esc(r.experiment)}</a> <span class="toc-claims">${claims}</span></li>`;
  });
  return `<nav class="toc" aria-label="Contents"><b>Contents</b><ul>
<li><a href="#summary">Summary</a></li><li><a href="#glossary">Glossary</a></li>
${items.join('\n')}</ul></nav>`;
}

const CSS = `
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
@media (min-width: 1200px) { body { margin-left: 250px; } nav.toc { position: fixed; top: 0; left: 0; width: 210px; height: 100vh; overflow-y: auto; } }
nav.toc { background: #f7f7f7; border-right: 1px solid #e3e3e3; padding: 1em 0.8em; font-size: 0.85em; box-sizing: border-box; }
nav.toc ul { list-style: none; padding: 0; margin: 0.4em 0; } nav.toc li { margin: 0.25em 0; }
nav.toc a { color: #1a4f8b; text-decoration: none; } .toc-claims { color: #777; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2.5em; }
h2 small { color: #777; font-weight: normal; } h3 { margin-top: 1.8em; }
blockquote { margin: 0.6em 0; padding: 0.4em 1em; border-left: 4px solid #c9d6e8; background: #f6f8fb; }
blockquote.en { border-left-color: #ddd; background: #fafafa; font-style: italic; }
.source, .file, .links, .trust { color: #666; font-size: 0.85em; } .trust.prelim, .tag.prelim { color: #9a5b00; }
.tag { font-size: 0.8em; color: #555; margin-right: 0.6em; } .none { color: #888; }
code { background: #f1f1f1; padding: 0.1em 0.3em; border-radius: 3px; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; } table.numbers th { font-weight: normal; color: #444; background: #fafafa; }
table.numbers thead th { font-weight: bold; background: #f4f4f4; }
.v { display: inline-block; padding: 0.05em 0.55em; border-radius: 1em; font-weight: bold; font-size: 0.9em; color: white; white-space: nowrap; }
.v-held { background: #2e7d32; } .v-did-not-hold { background: #c62828; } .v-held-partly { background: #b36200; }
.v-not-tested { background: #666; }
.verdict { border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.3em 1em; margin: 0.8em 0; }
figure { margin: 1.2em 0; } figure.plot .svg { overflow-x: auto; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #333; max-width: 900px; }
.rerun, .full-note { background: #fbfbf3; border: 1px solid #eee5b5; padding: 0.4em 0.8em; border-radius: 4px; }
.full-note.stale { background: #fdf1f0; border-color: #f0c8c3; }
details { margin: 0.6em 0; } details > summary { cursor: pointer; color: #1a4f8b; }
dl.glossary dt { font-weight: bold; margin-top: 0.6em; } dl.glossary dd { margin-left: 1.2em; }
`;

/** What the header says about the run as a whole: which dtype ran, and what that means. */
function dtypeHtml(dtype: DType): string {
  return dtype === 'float64'
    ? "<b>float64</b> (normgrad's default, for checking things; <code>--dtype float32</code> reruns it in PyTorch's default precision)"
    : "<b>float32</b> (<code>--dtype float32</code>: every tensor made without an explicit dtype, PyTorch's default precision; normgrad's own default is float64)";
}

/** Builds the report page from the runs of one `run-all`, beside the committed full runs. */
export function reportHtml(
  runs: readonly RunResult[],
  info: { mode: string; seed: number; dtype: DType; wallTimeSeconds: number },
  committed: ReadonlyMap<string, RunResult> = new Map(),
): string {
  const evidence = pairWithFull(runs, committed);
  const fulls = evidence.filter((e) => e.fullState === 'fresh' || e.fullState === 'this run').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>normgrad: the article's claims about normalization, run and checked</title>
<style>${CSS}</style></head>
<body>
${tocHtml(evidence)}
<main>
<h1>Normalization in deep learning: the article's claims, run and checked</h1>
<p>This page tests, one by one, the statements of the Chinese article “${esc(ARTICLE.title)}” (${esc(
    ARTICLE.date,
  )}) about input normalization, Batch Normalization and Layer Normalization. Each claim was turned into an
experiment that runs on <b>normgrad</b>, a small automatic-differentiation library written for this purpose.
For every claim you find the article's own words (Chinese, then an English rendering), what was run,
the pictures, the measured numbers, the rule that decides the verdict (written down in code before the run,
with a link to the line that holds it and to the paper behind the experiment),
and the verdict: <b>held</b>, <b>held partly</b>, <b>did not hold</b> or <b>not tested</b>. A claim that did not
hold is reported as such: no run was tuned until it agreed with the article.</p>
<p>This run: ${esc(info.mode)} mode (${
    info.mode === 'full' ? 'the faithful sizes' : 'smaller than the faithful size, to finish in minutes'
  }), ${dtypeHtml(info.dtype)}, seed ${info.seed}, ${fmt(info.wallTimeSeconds)} s in total. ${
    info.mode === 'full'
      ? ''
      : `Full-size runs committed to the repository are shown beside it for ${fulls} of ${evidence.length} experiments; where one exists and was decided by the current criteria, its verdict is the one that counts, and a verdict from the ${esc(info.mode)} run alone is marked <b>preliminary</b>. `
  }Everything is reproducible: the same command and seed give the same numbers.
Rerun all of it with <code>npm start</code> (quick mode) or <code>npx tsx examples/run-all.ts --full</code>.</p>
<p class="lab">To see normalization move instead of reading fixed pictures, open the <b>normalization lab</b>: run
<code>npm run lab</code> and open the address it prints (<a href="http://localhost:8017/">http://localhost:8017/</a>), or after it
has built, open <a href="lab/index.html">out/lab/index.html</a> directly. Two networks train side by side in the browser, one with
BatchNorm and one without (or whatever you choose), with the BN paper's Figure 1, activation histograms and gradient norms live.</p>
${summaryHtml(evidence, info.mode, info.dtype)}
${glossaryHtml()}
${evidence.map((e, i) => experimentHtml(e, i)).join('\n')}
</main>
</body></html>
`;
}
