// Marker shapes and line dashes shared by the plot and its legend, as SVG.
import { escapeXml, round2 } from './render';

export type Dash = 'solid' | 'dash' | 'dot';

/** Marker shapes (plotly's names); the "-open" ones are hollow: an outline in the trace colour. */
export type MarkerSymbol = 'circle' | 'circle-open' | 'square' | 'square-open' | 'diamond' | 'diamond-open' | 'triangle-up' | 'triangle-up-open' | 'x';

export const MARKER_SYMBOLS: MarkerSymbol[] = [
  'circle',
  'circle-open',
  'square',
  'square-open',
  'diamond',
  'diamond-open',
  'triangle-up',
  'triangle-up-open',
  'x',
];

/** SVG dash attribute for a line of this width (empty for solid). */
export function dashArray(dash: Dash, width: number): string {
  if (dash === 'dash') return ` stroke-dasharray="${4 * width} ${2.5 * width}"`;
  if (dash === 'dot') return ` stroke-dasharray="${width} ${1.5 * width}"`;
  return '';
}

/** An SVG marker of `size` px centred at (cx, cy). */
export function markerSvg(symbol: MarkerSymbol, cx: number, cy: number, size: number, colour: string): string {
  const open = symbol.endsWith('-open');
  const shape = open ? symbol.slice(0, -5) : symbol;
  const c = escapeXml(colour);
  // Hollow markers: the outline sits inside the nominal size, over a white fill that hides the line.
  const paint = open ? `fill="#ffffff" stroke="${c}" stroke-width="1.8"` : `fill="${c}"`;
  const r = open ? size / 2 - 0.9 : size / 2;
  const x = round2(cx);
  const y = round2(cy);
  if (shape === 'circle') return `<circle cx="${x}" cy="${y}" r="${round2(r)}" ${paint}/>`;
  if (shape === 'square') {
    const h = r * 0.89; // same area as the circle
    return `<rect x="${round2(cx - h)}" y="${round2(cy - h)}" width="${round2(2 * h)}" height="${round2(2 * h)}" ${paint}/>`;
  }
  if (shape === 'diamond') {
    const h = r * 1.25;
    return `<path d="M${x} ${round2(cy - h)}L${round2(cx + h)} ${y}L${x} ${round2(cy + h)}L${round2(cx - h)} ${y}Z" ${paint}/>`;
  }
  if (shape === 'triangle-up') {
    const h = r * 1.3;
    const base = round2(cy + h / 2);
    return `<path d="M${x} ${round2(cy - h)}L${round2(cx + h * 0.87)} ${base}L${round2(cx - h * 0.87)} ${base}Z" ${paint}/>`;
  }
  const h = r * 0.8;
  return (
    `<path d="M${round2(cx - h)} ${round2(cy - h)}L${round2(cx + h)} ${round2(cy + h)}M${round2(cx - h)} ${round2(cy + h)}` +
    `L${round2(cx + h)} ${round2(cy - h)}" stroke="${c}" stroke-width="2" fill="none"/>`
  );
}
