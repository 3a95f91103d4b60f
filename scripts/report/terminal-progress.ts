// Progress of a long cell in the runner's terminal: rewritten in place on a TTY; elsewhere (CI logs,
// a file) at most one line every LOG_INTERVAL_MS, so a log neither floods nor stays silent for minutes.
const LOG_INTERVAL_MS = 10_000;

export interface TerminalProgress {
  /** The latest progress line (replaces the previous one). */
  show(line: string): void;
  /** A permanent line: clears the progress line first. */
  print(line: string): void;
  /** Removes the progress line, if one is shown. */
  clear(): void;
}

export function createTerminalProgress(stream: NodeJS.WriteStream, now: () => number = Date.now): TerminalProgress {
  const inPlace = Boolean(stream.isTTY);
  let shown = false;
  let lastLogged = -Infinity;
  const clear = (): void => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    show(line) {
      if (inPlace) {
        const width = stream.columns ? stream.columns - 1 : line.length;
        stream.write(`\r\x1b[2K${line.slice(0, width)}`);
        shown = true;
      } else if (now() - lastLogged >= LOG_INTERVAL_MS) {
        lastLogged = now();
        stream.write(`${line}\n`);
      }
    },
    print(line) {
      clear();
      stream.write(`${line}\n`);
    },
    clear,
  };
}
