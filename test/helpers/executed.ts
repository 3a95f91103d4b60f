// Comparing executed notebooks made by different executors (the report runner, nbconvert): what a
// reader sees per cell, the numbers that must agree, and paths that must not appear.
import { joinText, Notebook } from '../../scripts/report/notebook-format';

/**
 * Per code cell, the outputs a reader sees, in order: "png", "html", "text" (a text display such as
 * a progress line), and "stdout:N"/"stderr:N" with the number of printed lines.
 */
export function outputSignature(notebook: Notebook): string[][] {
  return notebook.cells
    .filter((cell) => cell.cell_type === 'code')
    .map((cell) =>
      (cell.outputs ?? []).map((output) => {
        if (output.output_type === 'stream') return `${output.name}:${joinText(output.text).split('\n').filter(Boolean).length}`;
        if (output.output_type === 'error') return 'error';
        const data = output.data;
        if (data['image/png']) return 'png';
        if (data['text/html']) return 'html';
        return 'text';
      }),
    );
}

/** Wall-clock figures, and why this machine runs the backend it runs: they differ between any two runs. */
const VOLATILE_KEY = /seconds|per_second|saved_at|peak_rss|backend_reason/;

/**
 * Where two results documents differ, ignoring volatile keys; numbers agree when within `relative`
 * of each other (float64 sums of tfjs outputs may differ in their last bits between two processes).
 */
export function resultDifferences(a: unknown, b: unknown, relative = 1e-9, at = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b)) ? [] : [`${at}: ${a} vs ${b}`];
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? [] : [`${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
  if (Array.isArray(a) !== Array.isArray(b)) return [`${at}: an array and an object`];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => !VOLATILE_KEY.test(key)));
  return [...keys].flatMap((key) =>
    resultDifferences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], relative, at ? `${at}.${key}` : key),
  );
}

/** Every output text that contains one of `folders` (absolute machine paths), as "cell N: …". */
export function machinePathsIn(notebook: Notebook, folders: string[]): string[] {
  const found: string[] = [];
  notebook.cells.forEach((cell, index) => {
    for (const output of cell.outputs ?? []) {
      const texts =
        output.output_type === 'stream'
          ? [joinText(output.text)]
          : output.output_type === 'error'
            ? output.traceback
            : Object.entries(output.data)
                .filter(([mime]) => mime.startsWith('text/'))
                .map(([, text]) => joinText(text));
      for (const text of texts) {
        for (const folder of folders) {
          const at = text.indexOf(folder);
          if (at >= 0) found.push(`cell ${index}: …${text.slice(Math.max(0, at - 40), at + folder.length + 40)}…`);
        }
      }
    }
  });
  return found;
}
