// The display of the library's progress events (lib/progress): one display that is overwritten in a
// notebook, a carriage-return line in a terminal, and a few plain lines in logs (CI), so output never
// floods. The only module of lib/ that knows the notebook kernel.
import * as jupyter from 'tslab/dist/jupyter';
import * as tslab from 'tslab';
import { OnProgress, ProgressValues } from '../progress';
import { PROGRESS, readSetting } from './settings';

const NOTEBOOK_INTERVAL_MS = 500;
const LOG_INTERVAL_MS = 15_000;

/** "8.2s", "42s", "1m05s": whole seconds are rounded before splitting, so 119.6 s is "2m00s", never "1m60s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/** Integers (epochs, steps) as integers; other values to four significant digits. */
export function formatValue(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  if (Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0)) return value.toExponential(3);
  return value.toPrecision(4);
}

function formatValues(values: ProgressValues): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${formatValue(value)}`)
    .join('  ');
}

/** Where progress goes: a tslab display inside a notebook, else stderr (in place when a TTY). */
type Sink = { kind: 'notebook' | 'tty' | 'log' | 'off'; write(line: string, final: boolean): void };

function chooseSink(): Sink {
  if (readSetting(PROGRESS) === 'off' || process.env.NODE_TEST_CONTEXT) return { kind: 'off', write: () => {} };
  if (jupyter.lastWriteDisplayData != null) {
    const display = tslab.newDisplay();
    return { kind: 'notebook', write: (line) => display.text(line) };
  }
  if (process.stderr.isTTY) {
    return { kind: 'tty', write: (line, final) => process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`) };
  }
  return { kind: 'log', write: (line) => process.stderr.write(`${line}\n`) };
}

/** A loop's display; `seconds`, where given, is the loop's own time so far (ProgressEvent.seconds). */
export interface ProgressDisplay {
  update(done: number, values?: ProgressValues, seconds?: number): void;
  /** Writes the final line; later calls do nothing. */
  finish(values?: ProgressValues, seconds?: number): void;
}

/**
 * A display for one loop; its final line carries the total time: the loop's own `seconds` when its
 * events bring them (../progress), else the display's clock.
 */
export function createProgress(label: string, total: number): ProgressDisplay {
  const sink = chooseSink();
  const start = Date.now();
  const interval = sink.kind === 'log' ? LOG_INTERVAL_MS : NOTEBOOK_INTERVAL_MS;
  let lastShown = -Infinity;
  let finished = false;
  let last: { done: number; values: ProgressValues; seconds?: number } = { done: 0, values: {} };

  const line = (done: number, values: ProgressValues, final: boolean, seconds?: number): string => {
    const elapsed = seconds ?? (Date.now() - start) / 1000;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const timing = final
      ? `in ${formatSeconds(elapsed)}`
      : `ETA ${formatSeconds(fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN)}`;
    return `${label}: ${(100 * fraction).toFixed(0).padStart(3)}% (${done}/${total})  ${formatValues(values)}  ${timing}`;
  };

  return {
    update(done, values = {}, seconds) {
      last = { done, values, seconds };
      const now = Date.now();
      if (finished || now - lastShown < interval) return;
      lastShown = now;
      sink.write(line(done, values, false, seconds), false);
    },
    finish(values, seconds) {
      if (finished) return;
      finished = true;
      sink.write(line(last.done, values ?? last.values, true, seconds ?? last.seconds), true);
    },
  };
}

/**
 * The callback to hand to library code: each label gets its own display, opened at its first event
 * and closed by its final one (a label seen again after that opens a new display).
 */
export function showProgress(): OnProgress {
  const open = new Map<string, ProgressDisplay>();
  return ({ label, done, total, values, final, seconds }) => {
    let progress = open.get(label);
    if (!progress) open.set(label, (progress = createProgress(label, total)));
    progress.update(done, values, seconds);
    if (final) {
      progress.finish(values, seconds);
      open.delete(label);
    }
  };
}
