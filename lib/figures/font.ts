// The one font every figure uses: DejaVu Sans from the `dejavu-fonts-ttf` package, so text renders
// identically on every machine (resvg is told not to look at system fonts). Layout needs text widths
// before rendering, so the advance widths are read from the TTF's own cmap/hmtx tables.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const FONT_FAMILY = 'DejaVu Sans';

export type FontWeight = 'normal' | 'bold';

const FONT_FILE_NAMES: Record<FontWeight, string> = {
  normal: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
};

/** Absolute paths of the regular and bold TTF files (what resvg loads). */
export function fontFiles(): string[] {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return [join(dir, FONT_FILE_NAMES.normal), join(dir, FONT_FILE_NAMES.bold)];
}

interface FontMetrics {
  unitsPerEm: number;
  glyphOf(codePoint: number): number;
  advanceOf(glyph: number): number;
}

function tableOffsets(font: Buffer, path: string): Map<string, number> {
  const tables = new Map<string, number>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i;
    tables.set(font.toString('latin1', record, record + 4), font.readUInt32BE(record + 8));
  }
  for (const tag of ['head', 'hhea', 'hmtx', 'cmap']) {
    if (!tables.has(tag)) throw new Error(`font ${path}: no '${tag}' table, expected a TrueType font`);
  }
  return tables;
}

/** Finds the Windows Unicode BMP subtable (platform 3, encoding 1), which is cmap format 4. */
function format4Lookup(font: Buffer, cmap: number, path: string): (codePoint: number) => number {
  const subtableCount = font.readUInt16BE(cmap + 2);
  let subtable = -1;
  for (let i = 0; i < subtableCount; i++) {
    const record = cmap + 4 + 8 * i;
    if (font.readUInt16BE(record) === 3 && font.readUInt16BE(record + 2) === 1) {
      subtable = cmap + font.readUInt32BE(record + 4);
    }
  }
  if (subtable < 0 || font.readUInt16BE(subtable) !== 4) {
    throw new Error(`font ${path}: no Unicode BMP (format 4) cmap subtable`);
  }
  const segments = font.readUInt16BE(subtable + 6) / 2;
  const endCodes = subtable + 14;
  const startCodes = endCodes + 2 * segments + 2; // +2 skips reservedPad
  const deltas = startCodes + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let s = 0; s < segments; s++) {
      if (codePoint > font.readUInt16BE(endCodes + 2 * s)) continue;
      const start = font.readUInt16BE(startCodes + 2 * s);
      if (codePoint < start) return 0;
      const delta = font.readInt16BE(deltas + 2 * s);
      const rangeOffsetAt = rangeOffsets + 2 * s;
      const rangeOffset = font.readUInt16BE(rangeOffsetAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      // idRangeOffset counts bytes from its own position into glyphIdArray (OpenType spec, cmap format 4).
      const glyph = font.readUInt16BE(rangeOffsetAt + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

function readMetrics(path: string): FontMetrics {
  const font = readFileSync(path);
  const tables = tableOffsets(font, path);
  const unitsPerEm = font.readUInt16BE(tables.get('head')! + 18);
  const longMetrics = font.readUInt16BE(tables.get('hhea')! + 34);
  const hmtx = tables.get('hmtx')!;
  // Glyphs past the last long metric share its advance width (the monospaced tail of hmtx).
  const lastAdvance = font.readUInt16BE(hmtx + 4 * (longMetrics - 1));
  return {
    unitsPerEm,
    glyphOf: format4Lookup(font, tables.get('cmap')!, path),
    advanceOf: (glyph) => (glyph < longMetrics ? font.readUInt16BE(hmtx + 4 * glyph) : lastAdvance),
  };
}

const metricsCache = new Map<FontWeight, FontMetrics>();

/** Width in px of `text` set in DejaVu Sans at `fontSize` px (advance widths; kerning ignored, ~1% off). */
export function textWidth(text: string, fontSize: number, weight: FontWeight = 'normal'): number {
  let metrics = metricsCache.get(weight);
  if (!metrics) {
    metrics = readMetrics(fontFiles()[weight === 'bold' ? 1 : 0]);
    metricsCache.set(weight, metrics);
  }
  let units = 0;
  for (const char of text) units += metrics.advanceOf(metrics.glyphOf(char.codePointAt(0)!));
  return (units / metrics.unitsPerEm) * fontSize;
}

/** `text` cut with an ellipsis so that it fits in `maxWidth` px. */
export function fitText(text: string, fontSize: number, maxWidth: number, weight: FontWeight = 'normal'): string {
  if (textWidth(text, fontSize, weight) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && textWidth(chars.join('') + '…', fontSize, weight) > maxWidth) chars.pop();
  return chars.length > 0 ? chars.join('') + '…' : '';
}
