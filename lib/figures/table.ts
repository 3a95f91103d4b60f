// Small result tables as HTML (shown with showHtml, and kept as HTML in the report).
import { escapeXml } from './render';

/** One table row; a missing or undefined value leaves its cell empty. */
export type TableRow = Record<string, string | number | undefined>;

export interface TableOptions {
  caption?: string;
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number;
  /** Columns to show, in this order (default: every key, in order of first appearance). */
  columns?: string[];
}

/** Beyond these magnitudes a fixed-point number is hard to read: exponent form instead. */
const LARGE = 1e6;
const SMALL = 1e-3;

/**
 * A number as the table shows it: integers exactly, others to `digits` significant digits,
 * exponent form when very large or small, and NaN/Infinity as themselves so problems stay visible.
 */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < LARGE) return String(value);
  if (magnitude >= LARGE || magnitude < SMALL) return value.toExponential(digits - 1);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(magnitude)));
  return value.toFixed(decimals);
}

export function htmlTable(rows: TableRow[], opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 1 || digits > 21) {
    throw new Error(`htmlTable: digits must be an integer in 1..21, got ${digits}`);
  }
  if (!Array.isArray(rows)) throw new Error('htmlTable: rows must be an array of objects');
  const present = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) present.add(key);
  const columns = opts.columns ?? Array.from(present);
  const unknown = columns.filter((c) => !present.has(c));
  if (opts.columns && unknown.length > 0) {
    throw new Error(`htmlTable: column(s) ${unknown.map((c) => JSON.stringify(c)).join(', ')} appear in no row`);
  }
  // A column of numbers is right-aligned (header too), so digits line up.
  const numeric = new Set(
    columns.filter((c) => rows.some((r) => typeof r[c] === 'number') && rows.every((r) => r[c] === undefined || typeof r[c] === 'number')),
  );
  const align = (column: string) => (numeric.has(column) ? ' style="text-align:right"' : ' style="text-align:left"');
  const cell = (value: string | number | undefined) =>
    value === undefined ? '' : typeof value === 'number' ? escapeXml(formatNumber(value, digits)) : escapeXml(String(value));

  const lines = ['<table style="border-collapse:collapse;font-variant-numeric:tabular-nums">'];
  if (opts.caption !== undefined) lines.push(`<caption>${escapeXml(opts.caption)}</caption>`);
  lines.push(`<thead><tr>${columns.map((c) => `<th${align(c)}>${escapeXml(c)}</th>`).join('')}</tr></thead>`);
  lines.push('<tbody>');
  for (const row of rows) {
    const cells = columns.map((c) => {
      const value = row[c];
      const style = typeof value === 'number' ? ' style="text-align:right"' : align(c);
      return `<td${style}>${cell(value)}</td>`;
    });
    lines.push(`<tr>${cells.join('')}</tr>`);
  }
  lines.push('</tbody></table>');
  return lines.join('\n');
}
