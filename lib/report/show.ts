// Puts a figure or an HTML table into the notebook output. Outside a notebook (tests, scripts) there
// is nowhere to show it, so these do nothing: library code can call them unconditionally.
import * as tslab from 'tslab';
import * as jupyter from 'tslab/dist/jupyter';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True inside a running tslab cell, where tslab.display has somewhere to write. */
export function inNotebook(): boolean {
  return jupyter.lastWriteDisplayData != null;
}

/** Displays PNG bytes (or the promise a figure helper returns) as a cell output. */
export async function show(png: Uint8Array | Promise<Uint8Array>): Promise<void> {
  const bytes = await png;
  if (!(bytes instanceof Uint8Array) || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    throw new Error('show: expected PNG bytes (a Uint8Array starting with the PNG signature), e.g. from imageGrid/heatmap/linePlot');
  }
  if (!inNotebook()) return;
  tslab.display.png(bytes);
}

/** Displays an HTML fragment (e.g. from htmlTable) as a cell output. */
export function showHtml(html: string): void {
  if (typeof html !== 'string') throw new Error(`showHtml: expected an HTML string, got ${typeof html}`);
  if (!inNotebook()) return;
  tslab.display.html(html);
}
