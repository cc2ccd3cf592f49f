/**
 * The allocator setting the repo's long-running scripts run under: `npm start`, `npm run
 * start:full`, an experiment run on its own, and `npm run bench` (for every peer alike).
 *
 * Tensors live in `Float64Array`s and `Float32Array`s whose memory V8 takes from the C allocator,
 * glibc's `malloc` on Linux. With glibc's defaults, a block past its mmap threshold is a fresh
 * mapping each time, and freed memory past its trim threshold goes back to the system, so a large
 * fresh output (a convolution's, a matrix product's) pays a page fault per 4 KB page, 2-15 us
 * each on this virtual machine. The setting keeps freed memory in the process (trim threshold
 * 256 MB) and serves large blocks from the heap, so a fresh output costs a calloc's memset:
 * - W1 (`bench/README.md`, "Allocator"): the same 256 KB output cost 23 us or 1.3 ms from one
 *   run to the next with the defaults.
 * - W6, the MNIST CNN step the CNN experiments train (2026-12-02, 04:47-04:49 UTC, load 1.0-1.6,
 *   20 steps a run): 177, 221 and 230 ms a step with the defaults; 103-115 ms under the setting.
 *
 * It is what PyTorch's own CPU launcher (`torch.backends.xeon.run_cpu`) does with its
 * `LD_PRELOAD`ed jemalloc: the process's allocator is set by the script that starts it.
 * Tunables are read once, when a process starts, so the script runs itself again under them.
 * A library user's process is left as its owner set it; `README.md` names the setting.
 */
import { spawnSync } from 'node:child_process';

/** The glibc tunables: freed memory kept up to 256 MB, blocks up to 256 MB from the heap. */
export const ALLOCATOR = 'glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456';

/** Set in the re-run child, so it does the work instead of running itself again. */
const UNDER_ALLOCATOR = 'NORMGRAD_ALLOCATOR_SET';

/** The running glibc's version, or undefined off glibc (macOS, musl, a browser bundle). */
export function glibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}

/**
 * Runs this script again under ALLOCATOR (after any tunables the caller set, so ours win where
 * both name one) and exits with its status; returns at once, to do the work here, off glibc,
 * when `keepSystem` is set, or in the re-run child itself.
 */
export function runUnderAllocator(keepSystem: boolean): void {
  if (glibcVersion() === undefined || keepSystem || process.env[UNDER_ALLOCATOR] !== undefined) return;
  const tunables = [process.env.GLIBC_TUNABLES, ALLOCATOR].filter(Boolean).join(':');
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: tunables, [UNDER_ALLOCATOR]: '1' },
  });
  process.exit(child.status ?? 1);
}

/** What this process's allocator is, for a run's record. */
export function describeAllocator(): string {
  const glibc = glibcVersion();
  if (glibc === undefined) return 'the platform default (not glibc)';
  const set = process.env.GLIBC_TUNABLES;
  return `glibc ${glibc}, ${set ? `GLIBC_TUNABLES=${set}` : 'default settings'}`;
}
