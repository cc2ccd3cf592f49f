/**
 * Training progress: a cli-progress bar (step, loss, ETA) when stdout is a
 * terminal, and plain lines at every 10 % otherwise, so CI logs stay readable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Reports that `step` of `total` steps are done, with the current loss if there is one. */
  update(step: number, loss?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Print nothing (tests). */
  quiet?: boolean;
  /** Where to write; process.stdout by default. */
  stream?: NodeJS.WriteStream;
  /** Force the bar or the plain lines; by default the bar is used when the stream is a TTY. */
  tty?: boolean;
}

const fmtLoss = (loss: number | undefined): string =>
  loss === undefined
    ? '-'
    : Math.abs(loss) >= 1e4 || Math.abs(loss) < 1e-3
      ? loss.toExponential(3)
      : loss.toFixed(4);

export function progress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  if (opts.quiet || total <= 0) return { update() {}, stop() {} };
  const stream = opts.stream ?? process.stdout;
  if (opts.tty ?? stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | loss {loss} | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-' });
    return {
      update: (step, loss) => bar.update(step, { loss: fmtLoss(loss) }),
      stop: () => bar.stop(),
    };
  }
  const start = Date.now();
  let nextTenth = 1;
  return {
    update(step, loss) {
      const tenth = Math.floor((10 * step) / total);
      if (tenth < nextTenth) return;
      nextTenth = tenth + 1;
      const elapsed = (Date.now() - start) / 1000;
      const eta = step > 0 ? (elapsed * (total - step)) / step : 0;
      stream.write(
        `${label}: step ${step}/${total} (${tenth * 10} %) loss ${fmtLoss(loss)} ` +
          `elapsed ${elapsed.toFixed(1)} s, eta ${eta.toFixed(1)} s\n`,
      );
    },
    stop() {},
  };
}
