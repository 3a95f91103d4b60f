// Legends of line plots: entries sized from the font's advance widths, drawn as a boxed column (at
// the right of the plot or inside an empty corner of it) or as centred rows below the plot.
import { textWidth } from './font';
import { Dash, dashArray, MarkerSymbol, markerSvg } from './markers';
import { escapeXml, svgText } from './render';

export const LEGEND_FONT = 13;
export const LEGEND_ROW = 19;
const LEGEND_SAMPLE = 28;
const LEGEND_GAP = 18; // between entries of a legend laid out in rows

/** What a legend entry shows of a trace. */
export interface LegendItem {
  label: string;
  colour: string;
  mode: 'lines' | 'markers' | 'lines+markers';
  dash: Dash;
  lineWidth: number;
  symbol: MarkerSymbol;
  markerSize: number;
  markerColour: string;
}

/** A rectangle in figure px. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether two boxes overlap (touching edges count). */
export function boxesMeet(a: Box, b: Box): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}

/** Whether the segment a–b meets the box (Liang–Barsky clipping). */
export function segmentMeetsBox(a: { x: number; y: number }, b: { x: number; y: number }, box: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const edges: [number, number][] = [
    [-dx, a.x - box.x],
    [dx, box.x + box.width - a.x],
    [-dy, a.y - box.y],
    [dy, box.y + box.height - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

export interface LegendEntry {
  trace: LegendItem;
  width: number;
}

export function legendEntries(prepared: (LegendItem & { inLegend: boolean })[]): LegendEntry[] {
  return prepared.filter((t) => t.inLegend).map((trace) => ({ trace, width: LEGEND_SAMPLE + 6 + Math.ceil(textWidth(trace.label, LEGEND_FONT)) }));
}

/** Rows of a legend laid out left to right within maxWidth. */
export function legendRows(entries: LegendEntry[], maxWidth: number): LegendEntry[][] {
  const rows: LegendEntry[][] = [];
  let row: LegendEntry[] = [];
  let used = 0;
  for (const entry of entries) {
    const needed = (row.length > 0 ? LEGEND_GAP : 0) + entry.width;
    if (row.length > 0 && used + needed > maxWidth) {
      rows.push(row);
      row = [];
      used = 0;
    }
    used += (row.length > 0 ? LEGEND_GAP : 0) + entry.width;
    row.push(entry);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

function legendSample(trace: LegendItem, x: number, rowY: number): string {
  const parts: string[] = [];
  if (trace.mode !== 'markers') {
    parts.push(
      `<path d="M${x} ${rowY}h${LEGEND_SAMPLE}" stroke="${escapeXml(trace.colour)}" stroke-width="${trace.lineWidth}"` +
        `${dashArray(trace.dash, trace.lineWidth)}/>`,
    );
  }
  if (trace.mode !== 'lines') parts.push(markerSvg(trace.symbol, x + LEGEND_SAMPLE / 2, rowY, trace.markerSize, trace.markerColour));
  return parts.join('');
}

/** A boxed legend, one entry per row, with its top-left corner at (x, y). */
export function columnLegend(entries: LegendEntry[], x: number, y: number, width: number): string {
  const parts = [
    `<rect x="${x + 0.5}" y="${y + 0.5}" width="${width}" height="${entries.length * LEGEND_ROW + 10}" ` + 'fill="#fff" fill-opacity="0.9" stroke="#ccc"/>',
  ];
  entries.forEach(({ trace }, i) => {
    const rowY = y + 5 + i * LEGEND_ROW + LEGEND_ROW / 2;
    parts.push(legendSample(trace, x + 8, rowY));
    parts.push(svgText(trace.label, x + 8 + LEGEND_SAMPLE + 6, rowY + LEGEND_FONT * 0.36, { size: LEGEND_FONT }));
  });
  return parts.join('');
}

/** A legend in rows centred on centreX, its first row's middle at y. */
export function rowLegend(rows: LegendEntry[][], centreX: number, y: number): string {
  const parts: string[] = [];
  rows.forEach((row, r) => {
    const rowWidth = row.reduce((sum, e) => sum + e.width, 0) + LEGEND_GAP * (row.length - 1);
    let x = centreX - rowWidth / 2;
    const rowY = y + r * LEGEND_ROW;
    for (const { trace, width } of row) {
      parts.push(legendSample(trace, x, rowY));
      parts.push(svgText(trace.label, x + LEGEND_SAMPLE + 6, rowY + LEGEND_FONT * 0.36, { size: LEGEND_FONT }));
      x += width + LEGEND_GAP;
    }
  });
  return parts.join('');
}
