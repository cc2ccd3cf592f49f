/** `npm run gradcheck`: every op and module through gradcheck (and gradgradcheck where marked), as a table. */
import { loadTables, runRow } from './gradcheck/table.ts';

const fmt = (x: number) => x.toExponential(1).padStart(8);
const tables = await loadTables();
let failed = 0;
let total = 0;
console.log(`${'check'.padEnd(52)} ${'max abs'.padStart(8)} ${'max rel'.padStart(8)}  result   2nd order`);
for (const [table, rows] of tables) {
  console.log(`\n-- ${table} (${rows.length} rows)`);
  for (const row of rows) {
    const { first, second } = runRow(row);
    const ok = first.ok && (second?.ok ?? true);
    total++;
    if (!ok) failed++;
    const second2 =
      second === null ? '' : `${second.ok ? 'pass' : 'FAIL'} (${fmt(second.maxAbsError).trim()})`;
    console.log(
      `${row.name.slice(0, 52).padEnd(52)} ${fmt(first.maxAbsError)} ${fmt(first.maxRelError)}  ${first.ok ? 'pass' : 'FAIL'}     ${second2}`,
    );
  }
}
console.log(`\n${total - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
