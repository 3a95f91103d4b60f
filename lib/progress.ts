// Progress of long loops as plain events. Library code reports through an optional callback, so it
// loads and runs without a notebook kernel; lib/report/progress turns the events into a display
// (in place in a notebook, a carriage-return line in a terminal, a few lines in logs).

/** Extra numbers shown beside the percentage, e.g. { loss: 0.123 }. */
export type ProgressValues = Record<string, number>;

export interface ProgressEvent {
  /** Names the loop, e.g. "NCE (8-connected, ν = 10)"; one display per label. */
  label: string;
  done: number;
  total: number;
  values: ProgressValues;
  /** True once, when the loop has ended (normally or not). */
  final: boolean;
  /**
   * Seconds since the loop began, on the clock of the thread that runs it: a display shows these
   * rather than its own, since a worker thread's events reach it late and all at once.
   */
  seconds?: number;
}

export type OnProgress = (event: ProgressEvent) => void;

export interface Progress {
  update(done: number, values?: ProgressValues): void;
  /** Reports the end of the loop; later calls do nothing. */
  finish(values?: ProgressValues): void;
}

/** One loop's reporter: its events go to `onProgress`, and nowhere when that is absent. */
export function progressReporter(onProgress: OnProgress | undefined, label: string, total: number): Progress {
  let last: { done: number; values: ProgressValues } = { done: 0, values: {} };
  let finished = false;
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  return {
    update(done, values = {}) {
      last = { done, values };
      if (!finished) onProgress?.({ label, done, total, values, final: false, seconds: seconds() });
    },
    finish(values) {
      if (finished) return;
      finished = true;
      onProgress?.({ label, done: last.done, total, values: values ?? last.values, final: true, seconds: seconds() });
    },
  };
}
