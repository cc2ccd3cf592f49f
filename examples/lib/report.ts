/**
 * out/report.html: one self-contained page (inline SVG and CSS, no scripts, no
 * network) that tells a reader who has not seen the code, claim by claim, what
 * the article says, what was run, what was seen and whether the claim held.
 */
import { ARTICLE, CLAIMS, type Claim } from './claims.ts';
import type { RunResult, Table } from './experiment.ts';
import { prefixSvgIds } from './render.ts';
import { keyNumbers } from './table.ts';
import { fmt, type Verdict, type VerdictValue } from './verdict.ts';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escapes text, then turns `code` spans into <code>. */
const inline = (s: string): string => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

const paragraphs = (s: string): string =>
  s
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${inline(p.replace(/\s*\n\s*/g, ' '))}</p>`)
    .join('\n');

const badge = (v: VerdictValue): string => `<span class="v v-${v.replace(/ /g, '-')}">${esc(v)}</span>`;

function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(fmt(c))}</td>`).join('')}</tr>`).join('\n');
  return `<figure class="table"><figcaption>${inline(t.title)}</figcaption><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></figure>`;
}

function numbersHtml(v: Verdict): string {
  const rows = Object.entries(v.numbers)
    .map(([k, x]) => `<tr><th>${inline(k)}</th><td>${esc(fmt(x))}</td></tr>`)
    .join('\n');
  return `<table class="numbers"><tbody>${rows}</tbody></table>`;
}

function statementHtml(c: Claim): string {
  if (c.beyond !== undefined) {
    return `<p class="source"><b>Not from the article.</b> ${esc(c.beyond)}.</p>
<blockquote class="en"><p>${esc(c.en)}</p></blockquote>`;
  }
  return `<blockquote lang="zh"><p>${esc(c.zh)}</p></blockquote>
<blockquote class="en"><p>${esc(c.en)}</p></blockquote>
<p class="source">From the article's section “${esc(c.section)}”${
    c.transcribed ? '; its LaTeX formulas are transcribed into plain notation' : ''
  }.</p>`;
}

function figureHtml(r: RunResult, file: string, idPrefix: string): string {
  const f = r.results.figures.find((x) => x.file === file)!;
  const svg = r.svgs.get(file);
  const body = svg === undefined ? '<p>(figure missing)</p>' : prefixSvgIds(svg, idPrefix);
  return `<figure class="plot"><div class="svg">${body}</div><figcaption><b>${inline(f.title)}.</b> ${inline(
    f.caption,
  )} <span class="file">(${esc(r.results.experiment)}/${esc(file)})</span></figcaption></figure>`;
}

function experimentHtml(r: RunResult, index: number): string {
  const res = r.results;
  const setupRows = Object.entries(res.setup)
    .map(
      ([k, v]) =>
        `<tr><th>${inline(k)}</th><td>${esc(typeof v === 'boolean' ? String(v) : fmt(v))}</td></tr>`,
    )
    .join('\n');
  const placed = new Set<string>();
  const placedTables = new Set<Table>();
  const claimBlocks = res.claims.map((id) => {
    const c = CLAIMS.find((x) => x.id === id);
    const verdicts = res.verdicts.filter((v) => v.claim === id);
    const figs = res.figures.filter((f) => f.claims[0] === id && !placed.has(f.file));
    for (const f of figs) placed.add(f.file);
    const tables = res.tables.filter((t) => t.claims?.[0] === id && !placedTables.has(t));
    for (const t of tables) placedTables.add(t);
    const vHtml = verdicts
      .map(
        (v) => `<div class="verdict"><p>${badge(v.verdict)} <b>${esc(v.statement)}</b></p>
<p class="criterion"><b>Criterion (fixed in code before the run):</b> ${inline(v.criterion)}</p>
${numbersHtml(v)}
${v.notes ? `<p class="notes"><b>Notes:</b> ${inline(v.notes)}</p>` : ''}</div>`,
      )
      .join('\n');
    return `<section class="claim" id="${esc(id)}"><h3>${esc(id)}: ${esc(c?.summary ?? '')}</h3>
${c ? statementHtml(c) : ''}
${vHtml}
${tables.map(tableHtml).join('\n')}
${figs.map((f, k) => figureHtml(r, f.file, `e${index}${id}f${k}-`)).join('\n')}
</section>`;
  });
  const restFigs = res.figures.filter((f) => !placed.has(f.file));
  const restTables = res.tables.filter((t) => !placedTables.has(t));
  return `<section class="experiment" id="${esc(res.experiment)}">
<h2>${esc(res.title)} <small>(${esc(res.claims.join(', '))})</small></h2>
${paragraphs(res.description)}
<details open><summary>Set-up used in this run</summary><table class="numbers"><tbody>${setupRows}</tbody></table></details>
<p class="rerun">Rerun: <code>${esc(res.command)}</code> (this run: ${esc(res.mode)} mode, seed ${res.seed}, ${fmt(
    res.wallTimeSeconds,
  )} s). Faithful size: <code>${esc(res.command.replace(/--(tiny|quick)/, '--full'))}</code>, which takes ${esc(
    res.fullModeTime,
  )}.</p>
${claimBlocks.join('\n')}
${restTables.map(tableHtml).join('\n')}
${restFigs.map((f, k) => figureHtml(r, f.file, `e${index}rest${k}-`)).join('\n')}
</section>`;
}

const CSS = `
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2.5em; }
h2 small { color: #777; font-weight: normal; } h3 { margin-top: 1.8em; }
blockquote { margin: 0.6em 0; padding: 0.4em 1em; border-left: 4px solid #c9d6e8; background: #f6f8fb; }
blockquote.en { border-left-color: #ddd; background: #fafafa; font-style: italic; }
.source, .file { color: #777; font-size: 0.85em; }
code { background: #f1f1f1; padding: 0.1em 0.3em; border-radius: 3px; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; } table.numbers th { font-weight: normal; color: #444; background: #fafafa; }
.v { display: inline-block; padding: 0.05em 0.55em; border-radius: 1em; font-weight: bold; font-size: 0.9em; color: white; }
.v-held { background: #2e7d32; } .v-did-not-hold { background: #c62828; } .v-held-partly { background: #ef8f00; }
.v-not-tested { background: #777; }
.verdict { border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.3em 1em; margin: 0.8em 0; }
figure { margin: 1.2em 0; } figure.plot .svg { overflow-x: auto; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #333; max-width: 900px; }
.rerun { background: #fbfbf3; border: 1px solid #eee5b5; padding: 0.4em 0.8em; border-radius: 4px; }
`;

/** Builds the report page from the runs of one `run-all`. */
export function reportHtml(
  runs: readonly RunResult[],
  info: { mode: string; seed: number; wallTimeSeconds: number },
): string {
  const byClaim = new Map<string, { v: Verdict; r: RunResult }[]>();
  for (const r of runs) {
    for (const v of r.results.verdicts) byClaim.set(v.claim, [...(byClaim.get(v.claim) ?? []), { v, r }]);
  }
  const summaryRows = CLAIMS.map((c) => {
    const entries = byClaim.get(c.id) ?? [];
    if (entries.length === 0) {
      return `<tr><td>${esc(c.id)}</td><td>${esc(c.summary)}</td><td>${badge('not tested')}</td><td>no experiment in this run</td><td></td></tr>`;
    }
    return entries
      .map(
        ({ v, r }) =>
          `<tr><td><a href="#${esc(c.id)}">${esc(c.id)}</a></td><td>${esc(c.summary)}</td><td>${badge(
            v.verdict,
          )}</td><td>${esc(keyNumbers(v, 3))}</td><td><a href="#${esc(r.results.experiment)}">${esc(
            r.results.experiment,
          )}</a></td></tr>`,
      )
      .join('\n');
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>normgrad: the article's claims about normalization, run and checked</title>
<style>${CSS}</style></head>
<body>
<h1>Normalization in deep learning: the article's claims, run and checked</h1>
<p>This page tests, one by one, the statements of the Chinese article “${esc(ARTICLE.title)}” (${esc(
    ARTICLE.date,
  )}) about input normalization, Batch Normalization and Layer Normalization. Each claim was turned into an
experiment that runs on <b>normgrad</b>, a small automatic-differentiation library written for this purpose.
For every claim you find the article's own words (Chinese, then an English rendering), what was run,
the pictures, the measured numbers, the rule that decides the verdict (written down in code before the run),
and the verdict: <b>held</b>, <b>held partly</b>, <b>did not hold</b> or <b>not tested</b>. A claim that did not
hold is reported as such: no run was tuned until it agreed with the article.</p>
<p>This run: ${esc(info.mode)} mode (smaller than the faithful size, to finish in minutes), seed ${info.seed},
${fmt(info.wallTimeSeconds)} s in total. Everything is reproducible: the same command and seed give the same numbers.
Rerun all of it with <code>npm start</code> (quick mode) or <code>npx tsx examples/run-all.ts --full</code>.</p>
<p class="lab">To see normalization move instead of reading fixed pictures, open the <b>normalization lab</b>: run
<code>npm run lab</code> and open the address it prints (<a href="http://localhost:8017/">http://localhost:8017/</a>), or after it
has built, open <a href="lab/index.html">out/lab/index.html</a> directly. Two networks train side by side in the browser, one with
BatchNorm and one without (or whatever you choose), with the BN paper's Figure 1, activation histograms and gradient norms live.</p>
<h2>Summary</h2>
<table><thead><tr><th>claim</th><th>the article says</th><th>verdict</th><th>key numbers</th><th>experiment</th></tr></thead>
<tbody>${summaryRows}</tbody></table>
${runs.map((r, i) => experimentHtml(r, i)).join('\n')}
</body></html>
`;
}
