// Tick positions and labels for linear and log axes, shared by line plots and colour bars.

export interface Tick {
  value: number;
  label: string;
}

export interface LogTicks {
  major: Tick[];
  /** Unlabelled ticks at 2..9 × 10^k when few decades are shown. */
  minor: number[];
}

const MINUS = '\u2212';

/** A step of 1, 2 or 5 × 10^k that splits `span` into about `target` intervals. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const multiple = normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10;
  return multiple * magnitude;
}

/** Values k·step inside [lo, hi] for a nice step (lo < hi, both finite). */
export function linearTickValues(lo: number, hi: number, target = 5, minStep = 0): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new Error(`ticks: need a finite range lo < hi, got [${lo}, ${hi}]`);
  }
  const step = Math.max(niceStep(hi - lo, target), minStep);
  const slack = step * 1e-9;
  const values: number[] = [];
  const first = Math.ceil((lo - slack) / step);
  // The count bound also ends the loop when lo/step is so large that k + 1 === k in floating point.
  for (let k = first; k * step <= hi + slack && k - first <= 10 * target + 10; k++) {
    // toPrecision strips the float noise of k·step (0.30000000000000004 → 0.3).
    values.push(Number((k * step).toPrecision(12)));
  }
  return values;
}

/** Labels for evenly spaced values: enough decimals for the step, exponent form for huge/tiny values. */
export function formatTicks(values: number[]): string[] {
  if (values.length === 0) return [];
  const step = values.length > 1 ? Math.abs(values[1] - values[0]) : Math.abs(values[0]) || 1;
  const largest = Math.max(...values.map(Math.abs));
  const stepExponent = Math.floor(Math.log10(step) + 1e-9);
  const useExponent = largest >= 1e5 || (largest > 0 && largest < 1e-3) || stepExponent < -4;
  return values.map((v) => {
    if (v === 0) return '0';
    let text: string;
    if (useExponent) {
      const digits = Math.max(0, Math.floor(Math.log10(Math.abs(v)) + 1e-9) - stepExponent);
      text = v.toExponential(Math.min(digits, 6)).replace('e+', 'e');
    } else {
      text = v.toFixed(Math.max(0, -stepExponent));
    }
    return text.replace(/-/g, MINUS);
  });
}

export function linearTicks(lo: number, hi: number, target = 5): Tick[] {
  const values = linearTickValues(lo, hi, target);
  const labels = formatTicks(values);
  return values.map((value, i) => ({ value, label: labels[i] }));
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '\u207b',
  '0': '\u2070',
  '1': '\u00b9',
  '2': '\u00b2',
  '3': '\u00b3',
  '4': '\u2074',
  '5': '\u2075',
  '6': '\u2076',
  '7': '\u2077',
  '8': '\u2078',
  '9': '\u2079',
};

/** "10⁻³" written with Unicode superscripts (DejaVu Sans has them), so no SVG baseline tricks. */
export function powerOfTenLabel(exponent: number): string {
  return '10' + Array.from(String(exponent), (c) => SUPERSCRIPT[c]).join('');
}

/**
 * Mantissas labelled within each decade, sparsest first. Log axes over few decades need more than
 * the decades themselves (500, 1000, 2000 alone do not let a reader place 800), so the densest set
 * whose labels still fit is used.
 */
const LOG_LEVELS = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 2, 3, 4, 5, 6, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
const MAX_DECADES_WITH_MINOR = 6;

export interface LogTickOptions {
  /** Axis length in px (default 400): with minSpacing it decides how many labels fit. */
  length?: number;
  /** Least free space between the labels of neighbouring ticks, px (default 40 when labelWidth is absent). */
  minSpacing?: number;
  /** Width of a label in px (x axes): then labels need minSpacing plus half of each width between centres. */
  labelWidth?: (label: string) => number;
}

function logValues(lo: number, hi: number, mantissas: number[], decadeStride: number): number[] {
  const values: number[] = [];
  const first = Math.floor(Math.log10(lo)) - 1;
  const last = Math.ceil(Math.log10(hi));
  for (let k = first; k <= last; k++) {
    if (mantissas.length === 1 && ((k % decadeStride) + decadeStride) % decadeStride !== 0) continue;
    for (const m of mantissas) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) values.push(v);
    }
  }
  return values;
}

/**
 * Ticks for a log axis showing data values in [lo, hi] (0 < lo < hi): labels at the densest of
 * 10ᵏ, 1-2-5, 1-2-3-5, … whose labels keep `minSpacing` px apart on an axis `length` px long (decades
 * only, every few decades if need be, when even those crowd), unlabelled minor ticks at the other
 * m·10ᵏ; with fewer than four labels in view, evenly spaced values placed logarithmically when
 * more of those fit.
 */
export function logTicks(lo: number, hi: number, opts: LogTickOptions = {}): LogTicks {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo > 0 && lo < hi)) {
    throw new Error(`logTicks: need 0 < lo < hi, got [${lo}, ${hi}]`);
  }
  const length = opts.length ?? 400;
  const minSpacing = opts.minSpacing ?? (opts.labelWidth ? 12 : 40);
  const pxPerDecade = length / (Math.log10(hi) - Math.log10(lo));
  const decades = Math.floor(Math.log10(hi) + 1e-9) - Math.ceil(Math.log10(lo) - 1e-9) + 1;
  const plainRange = (values: number[]) => values.every((v) => v >= 0.01 * (1 - 1e-9) && v <= 1000 * (1 + 1e-9));
  const label = (v: number, plain: boolean) => {
    const k = Math.round(Math.log10(v));
    return plain || Math.abs(v - 10 ** k) > 1e-9 * v ? formatPlain(v) : powerOfTenLabel(k);
  };
  const toTicks = (values: number[]) => {
    // Labels between the decades read as plain numbers (500, 1000, 2000), never as a mix with 10³.
    const plain = plainRange(values) || values.some((v) => Math.abs(v - 10 ** Math.round(Math.log10(v))) > 1e-9 * v);
    return values.map((value) => ({ value, label: label(value, plain) }));
  };
  const fits = (ticks: Tick[]) =>
    ticks.every((tick, i) => {
      if (i === 0) return true;
      const gap = Math.log10(tick.value / ticks[i - 1].value) * pxPerDecade;
      const halfWidths = opts.labelWidth ? (opts.labelWidth(tick.label) + opts.labelWidth(ticks[i - 1].label)) / 2 : 0;
      return gap >= minSpacing + halfWidths;
    });
  let major: Tick[] = [];
  for (const mantissas of LOG_LEVELS) {
    const ticks = toTicks(logValues(lo, hi, mantissas, 1));
    if (fits(ticks)) major = ticks;
    else break;
  }
  if (major.length === 0 && decades >= 2) {
    // Even one label per decade crowds: label every stride-th decade.
    let stride = 2;
    while (!fits(toTicks(logValues(lo, hi, [1], stride))) && stride < decades) stride++;
    major = toTicks(logValues(lo, hi, [1], stride));
  }
  if (major.length < 4 && decades < 2) {
    // Under a decade or so in view (0.024 … 0.052): evenly spaced values, placed logarithmically,
    // label more of the axis than the few m·10ᵏ inside it, if they fit.
    for (const target of [8, 6, 5, 4, 3]) {
      const values = linearTickValues(lo, hi, target).filter((v) => v > 0);
      const labels = formatTicks(values);
      const ticks = values.map((value, i) => ({ value, label: labels[i] }));
      if (ticks.length > major.length && (fits(ticks) || major.length < 2)) {
        major = ticks;
        break;
      }
    }
  }
  const minor: number[] = [];
  if (decades <= MAX_DECADES_WITH_MINOR) {
    const labelled = new Set(major.map((t) => t.value));
    for (const v of logValues(lo, hi, [1, 2, 3, 4, 5, 6, 7, 8, 9], 1)) if (!labelled.has(v)) minor.push(v);
  }
  return { major, minor };
}

/** A single value with no trailing float noise, e.g. 0.001, 2e-7, 150. */
function formatPlain(v: number): string {
  const text = Number(v.toPrecision(6)).toString();
  return text.replace('e+', 'e').replace(/-/g, MINUS);
}
