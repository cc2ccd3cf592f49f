/**
 * Command-line options shared by every experiment and by run-all:
 * `--tiny | --quick | --full`, `--seed N`, `--dtype float32|float64`, `--out DIR`,
 * `--system-allocator`, and for run-all `--only a,b`.
 */
import { type DType, ValueError } from '../../core/index.ts';

/** How big a run is: tiny for the smoke test, quick for CI and `npm start`, full for the faithful size. */
export type Mode = 'tiny' | 'quick' | 'full';

/** The floating-point types `--dtype` accepts, as `torch.float32` and `torch.float64`. */
export const DTYPES: readonly DType[] = ['float32', 'float64'];

export interface RunArgs {
  mode: Mode;
  seed: number;
  /** The default dtype the run sets (`setDefaultDtype`); float64 unless `--dtype float32`. */
  dtype: DType;
  out: string;
  /** Experiment names to run (run-all only); empty means all. */
  only: string[];
  /** Run under the allocator as the caller set it, not lib/allocator.ts's setting. */
  systemAllocator: boolean;
  help: boolean;
}

export const USAGE = `options:
  --quick        small and fast (default; what CI and npm start use)
  --full         the faithful size
  --tiny         a few seconds, for the smoke test
  --seed N       random seed (default 0)
  --dtype D      float64 (default) or float32: the default dtype of every tensor the run makes
  --out DIR      output directory (default out/)
  --only a,b     run-all: run only these experiments
  --system-allocator
                 keep the C allocator as the caller set it (default: glibc tunables that keep
                 freed memory in the process; examples/lib/allocator.ts)
  --help         this text`;

/** Parses argv (without node and the script). Unknown options throw a ValueError naming them. */
export function parseArgs(argv: readonly string[]): RunArgs {
  const args: RunArgs = {
    mode: 'quick',
    seed: 0,
    dtype: 'float64',
    out: 'out',
    only: [],
    systemAllocator: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ValueError(`parseArgs: option ${a} needs a value`);
      return v;
    };
    if (a === '--tiny' || a === '--quick' || a === '--full') args.mode = a.slice(2) as Mode;
    else if (a === '--seed') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        throw new ValueError(`parseArgs: --seed expects a non-negative integer, got ${v}`);
      }
      args.seed = n;
    } else if (a === '--dtype') {
      const v = value();
      if (!(DTYPES as readonly string[]).includes(v)) {
        throw new ValueError(`parseArgs: --dtype expects one of ${DTYPES.join(', ')}, got ${v}`);
      }
      args.dtype = v as DType;
    } else if (a === '--out') args.out = value();
    else if (a === '--only')
      args.only = value()
        .split(',')
        .filter((s) => s.length > 0);
    else if (a === '--system-allocator') args.systemAllocator = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new ValueError(`parseArgs: unknown option ${a}\n${USAGE}`);
  }
  return args;
}
