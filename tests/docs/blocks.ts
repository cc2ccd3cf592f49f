/**
 * Fenced code blocks of the README and docs/, and a runner for the TypeScript
 * ones. A block that cannot run here (shell, Python) says why in an HTML
 * comment on the line before its fence: `<!-- not run: shell commands -->`.
 * Every other block must be TypeScript, and runs as an ES module (.mts) in a fresh
 * temporary directory, importing the library as `normgrad` (or a file of the
 * repo as `normgrad/path.ts`). A `console.log(...)` line that ends in
 * `// => text` must print exactly `text` the first time it runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fromRoot = createRequire(join(ROOT, 'package.json'));

/** One fenced block: its language, its text, where it starts, and why it is not run (null: it runs). */
export interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  notRun: string | null;
}

/** The Markdown files whose blocks must run: the README and every page of docs/. */
export function documentedFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/** The fenced blocks of one Markdown file (path relative to the root). */
export function extractBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    let j = start - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    const marker = j >= 0 ? /^<!--\s*not run:\s*(.+?)\s*-->$/.exec(lines[j]!.trim()) : null;
    blocks.push({
      file,
      line: start + 1,
      lang: open[1]!,
      code: body.join('\n'),
      notRun: marker ? marker[1]! : null,
    });
  }
  return blocks;
}

/**
 * Points `from 'normgrad'` at the repo's index.ts, any `'normgrad/path'` string at
 * that file of the repo, and other packages at the repo's node_modules.
 */
function resolveImports(code: string): string {
  return code
    .replace(/from 'normgrad'/g, `from '${pathToFileURL(join(ROOT, 'index.ts')).href}'`)
    .replace(/'normgrad\/([^']+)'/g, (_m, sub: string) => `'${pathToFileURL(join(ROOT, sub)).href}'`)
    .replace(
      /from '([a-z@][^':]*)'/g,
      (_m, pkg: string) => `from '${pathToFileURL(fromRoot.resolve(pkg)).href}'`,
    );
}

/** Expected outputs: 1-based line in the block -> the text after `// =>`. */
export function expectations(code: string): Map<number, string> {
  const out = new Map<number, string>();
  code.split('\n').forEach((l, i) => {
    const m = /^\s*console\.log\(.*\);\s*\/\/ => (.*)$/.exec(l);
    if (m) out.set(i + 1, m[1]!);
  });
  return out;
}

/** What a block printed, by the line of the block that printed it. */
export type Printed = Map<number, string[]>;

let counter = 0;

/**
 * Runs a TypeScript block as a module inside a fresh temporary directory (the
 * working directory while it runs, removed afterwards unless the caller passes
 * its own `keepIn`) and returns what each of its lines printed with console.log.
 */
export async function runBlock(block: Block, keepIn?: string): Promise<Printed> {
  const dir = keepIn ?? mkdtempSync(join(tmpdir(), 'normgrad-doc-'));
  const file = join(dir, `block-${counter++}.mts`);
  writeFileSync(file, resolveImports(block.code));
  const printed: Printed = new Map();
  const log = console.log;
  const cwd = process.cwd();
  console.log = (...args: unknown[]) => {
    const frame = new Error().stack?.split('\n').find((f) => f.includes(file));
    const line = frame ? Number(/:(\d+):\d+\)?$/.exec(frame)?.[1] ?? 0) : 0;
    printed.set(line, [...(printed.get(line) ?? []), format(...args)]);
  };
  try {
    process.chdir(dir);
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    process.chdir(cwd);
    if (keepIn === undefined) rmSync(dir, { recursive: true, force: true });
  }
  return printed;
}
