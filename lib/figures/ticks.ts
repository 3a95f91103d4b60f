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

const MAX_LABELLED_DECADES = 8;
const MAX_DECADES_WITH_MINOR = 6;

/** Ticks for a log axis showing data values in [lo, hi] (0 < lo < hi). */
export function logTicks(lo: number, hi: number): LogTicks {
  const firstDecade = Math.ceil(Math.log10(lo) - 1e-9);
  const lastDecade = Math.floor(Math.log10(hi) + 1e-9);
  const decades = lastDecade - firstDecade + 1;
  if (decades >= 2) {
    const stride = Math.ceil(decades / MAX_LABELLED_DECADES);
    const exponents: number[] = [];
    for (let k = firstDecade; k <= lastDecade; k++) if ((k - firstDecade) % stride === 0) exponents.push(k);
    const plain = exponents.every((k) => k >= -2 && k <= 3);
    const major = exponents.map((k) => ({
      value: 10 ** k,
      label: plain ? formatPlain(10 ** k) : powerOfTenLabel(k),
    }));
    const minor: number[] = [];
    if (decades <= MAX_DECADES_WITH_MINOR) {
      for (let k = firstDecade - 1; k <= lastDecade; k++) {
        for (let m = 2; m <= 9; m++) {
          const v = m * 10 ** k;
          if (v >= lo && v <= hi) minor.push(v);
        }
      }
    }
    return { major, minor };
  }
  // Less than two decades in view: 1-2-5 steps, else plain linear ticks (still placed logarithmically).
  const oneTwoFive: number[] = [];
  for (let k = firstDecade - 1; k <= lastDecade; k++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) oneTwoFive.push(v);
    }
  }
  const values = oneTwoFive.length >= 3 ? oneTwoFive : linearTickValues(lo, hi, 4);
  return { major: values.map((value) => ({ value, label: formatPlain(value) })), minor: [] };
}

/** A single value with no trailing float noise, e.g. 0.001, 2e-7, 150. */
function formatPlain(v: number): string {
  const text = Number(v.toPrecision(6)).toString();
  return text.replace('e+', 'e').replace(/-/g, MINUS);
}
