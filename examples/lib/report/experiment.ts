/** One experiment's section of the report: description, set-up, then each claim's verdicts, tables and figures. */
import { CLAIMS, type Claim } from '../claims.ts';
import type { RunResult, Table } from '../experiment.ts';
import { PAPERS } from '../papers.ts';
import { prefixSvgIds } from '../render.ts';
import { fmt, type Verdict } from '../verdict.ts';
import { describeFull, type Evidence, fullVerdict, verdictSource } from './evidence.ts';
import { badge, cell, esc, inline, paragraphs } from './html.ts';

function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('\n');
  return `<figure class="table"><figcaption>${inline(t.title)}</figcaption><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></figure>`;
}

/** The verdict's numbers; with a full run, its numbers in a second column. */
function numbersHtml(v: Verdict, full: Verdict | undefined, mode: string): string {
  if (!full) {
    const rows = Object.entries(v.numbers).map(
      ([k, x]) => `<tr><th>${inline(k)}</th><td>${cell(x)}</td></tr>`,
    );
    return `<table class="numbers"><tbody>${rows.join('\n')}</tbody></table>`;
  }
  const keys = [...new Set([...Object.keys(v.numbers), ...Object.keys(full.numbers)])];
  const at = (n: Record<string, number | string>, k: string) => (k in n ? cell(n[k]!) : '');
  const rows = keys.map(
    (k) => `<tr><th>${inline(k)}</th><td>${at(v.numbers, k)}</td><td>${at(full.numbers, k)}</td></tr>`,
  );
  return `<table class="numbers"><thead><tr><th></th><th>this run (${esc(mode)})</th><th>full run</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
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

function figureHtml(r: RunResult, file: string, idPrefix: string, tag = ''): string {
  const f = r.results.figures.find((x) => x.file === file)!;
  const svg = r.svgs.get(file);
  const body = svg === undefined ? '<p>(figure missing)</p>' : prefixSvgIds(svg, idPrefix);
  return `<figure class="plot" id="${esc(idPrefix)}fig"><div class="svg">${body}</div><figcaption><b>${tag}${inline(
    f.title,
  )}.</b> ${inline(f.caption)} <span class="file">(${esc(r.results.experiment)}/${esc(file)})</span></figcaption></figure>`;
}

/** Links to where the criterion is written and to the papers behind the claim. */
function sourcesHtml(v: Verdict): string {
  const links: string[] = [];
  if (v.criterionAt) {
    const shown = v.criterionAt.replace('#L', ':');
    links.push(`code: <a href="../${esc(v.criterionAt)}">${esc(shown)}</a>`);
  }
  for (const p of PAPERS[v.claim] ?? []) {
    links.push(`<a href="${esc(p.url)}" title="${esc(p.title)}">${esc(p.cite)}</a>`);
  }
  return links.length === 0 ? '' : ` <span class="links">(${links.join(', ')})</span>`;
}

function verdictHtml(e: Evidence, v: Verdict): string {
  const full = fullVerdict(e, v);
  const mode = e.run.results.mode;
  const source = verdictSource(e);
  const pills = full
    ? `${badge(full.verdict)} <span class="tag">full run</span> ${badge(v.verdict)} <span class="tag">this ${esc(mode)} run</span>`
    : `${badge(v.verdict)}${source.preliminary ? ' <span class="tag prelim">preliminary</span>' : ''}`;
  return `<div class="verdict"><p>${pills} <b>${esc(v.statement)}</b></p>
<p class="from"><b>Verdict from:</b> ${esc(source.text)}.</p>
${v.finding ? `<p class="finding"><b>What the evidence shows:</b> ${inline(v.finding)}</p>` : ''}
<p class="criterion"><b>Criterion (fixed in code before the run)</b>${sourcesHtml(v)}<b>:</b> ${inline(v.criterion)}</p>
${numbersHtml(v, full, mode)}
${v.notes ? `<p class="notes"><b>Notes${full ? ` (this ${esc(mode)} run)` : ''}:</b> ${inline(v.notes)}</p>` : ''}
${full?.notes ? `<p class="notes"><b>Notes (full run):</b> ${inline(full.notes)}</p>` : ''}</div>`;
}

function setupHtml(title: string, setup: Record<string, string | number | boolean>): string {
  const rows = Object.entries(setup).map(([k, v]) => `<tr><th>${inline(k)}</th><td>${cell(v)}</td></tr>`);
  return `<details class="setup"><summary>${esc(title)}</summary><table class="numbers"><tbody>${rows.join('\n')}</tbody></table></details>`;
}

/** The full run's figures, folded, under the claim they belong to. */
function fullFiguresHtml(e: Evidence, files: readonly string[], prefix: string): string {
  if (e.fullState !== 'fresh' || !e.full || files.length === 0) return '';
  const full = e.full;
  const figs = files.filter((f) => full.results.figures.some((x) => x.file === f));
  if (figs.length === 0) return '';
  return `<details class="full-figures"><summary>The same figures from the ${esc(describeFull(full))}</summary>
${figs.map((f, k) => figureHtml(full, f, `${prefix}full${k}-`, '[full run] ')).join('\n')}</details>`;
}

/** The section of one experiment. */
export function experimentHtml(e: Evidence, index: number): string {
  const r = e.run;
  const res = r.results;
  const placed = new Set<string>();
  const placedTables = new Set<Table>();
  const claimBlocks = res.claims.map((id) => {
    const c = CLAIMS.find((x) => x.id === id);
    const verdicts = res.verdicts.filter((v) => v.claim === id);
    const figs = res.figures.filter((f) => f.claims[0] === id && !placed.has(f.file));
    for (const f of figs) placed.add(f.file);
    const tables = res.tables.filter((t) => t.claims?.[0] === id && !placedTables.has(t));
    for (const t of tables) placedTables.add(t);
    return `<section class="claim" id="${esc(id)}"><h3>${esc(id)}: ${esc(c?.summary ?? '')}</h3>
${c ? statementHtml(c) : ''}
${verdicts.map((v) => verdictHtml(e, v)).join('\n')}
${tables.map(tableHtml).join('\n')}
${figs.map((f, k) => figureHtml(r, f.file, `e${index}${id}f${k}-`)).join('\n')}
${fullFiguresHtml(
  e,
  figs.map((f) => f.file),
  `e${index}${id}`,
)}
</section>`;
  });
  const restFigs = res.figures.filter((f) => !placed.has(f.file));
  const restTables = res.tables.filter((t) => !placedTables.has(t));
  const fullNote =
    e.fullState === 'fresh' && e.full
      ? `<p class="full-note">A ${esc(describeFull(e.full))} is committed in <code>examples/results/full/${esc(
          res.experiment,
        )}/</code>; its verdicts decide and are shown beside this run's.${
          e.full.results.dtype === res.dtype
            ? ''
            : ` It ran in ${esc(e.full.results.dtype)} and this run in ${esc(res.dtype)}, so where the two verdicts differ the precision is one of the differences.`
        }</p>`
      : e.fullState === 'stale' && e.full
        ? `<p class="full-note stale">The committed ${esc(describeFull(e.full))} was decided by criteria that have changed since, so it is not shown; the verdicts below are preliminary.</p>`
        : '';
  return `<section class="experiment" id="${esc(res.experiment)}">
<h2>${esc(res.title)} <small>(${esc(res.claims.length > 0 ? res.claims.join(', ') : 'beyond the article')})</small></h2>
${paragraphs(res.description)}
${setupHtml(`Set-up used in this run (${res.mode} mode, ${res.dtype})`, res.setup)}
${e.fullState === 'fresh' && e.full ? setupHtml('Set-up of the full run', e.full.results.setup) : ''}
<p class="rerun">Rerun: <code>${esc(res.command)}</code> (this run: ${esc(res.mode)} mode, ${esc(res.dtype)}, seed ${res.seed}, ${fmt(
    res.wallTimeSeconds,
  )} s). Faithful size: <code>${esc(res.command.replace(/--(tiny|quick)/, '--full'))}</code>, which takes ${esc(
    res.fullModeTime,
  )}.</p>
${fullNote}
${claimBlocks.join('\n')}
${restTables.map(tableHtml).join('\n')}
${restFigs.map((f, k) => figureHtml(r, f.file, `e${index}rest${k}-`)).join('\n')}
</section>`;
}
