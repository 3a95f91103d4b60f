// Arrays that one notebook computes and a later one reuses (patches, whitening matrices, model
// parameters), kept under report/artifacts/<size>/ so quick and full runs never mix.
// Format: <name>.json holds shapes and dtypes; <name>.bin the raw little-endian bytes, in order.
import * as fs from 'fs';
import * as path from 'path';
import { defaultReportDir, REPORT_DIR_ENV, reportDir } from './paths';
import { runSize, RunSize } from './size';

export type StoredArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export interface ArrayEntry {
  data: StoredArray;
  shape: number[];
}
export type ArrayRecord = Record<string, ArrayEntry>;

const DTYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;
type DType = keyof typeof DTYPES;

function dtypeOf(data: StoredArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** report/artifacts/<size>/<name>, with its folder created. */
export function artifactPath(name: string, size: RunSize = runSize()): string {
  const dir = path.join(reportDir(), 'artifacts', size);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

export function saveArrays(name: string, record: ArrayRecord, size: RunSize = runSize()): string {
  const header: { key: string; dtype: DType; shape: number[]; byteOffset: number; length: number }[] = [];
  let byteOffset = 0;
  for (const [key, { data, shape }] of Object.entries(record)) {
    const expected = shape.reduce((a, b) => a * b, 1);
    if (expected !== data.length) {
      throw new Error(`saveArrays("${name}"): "${key}" has ${data.length} values but shape [${shape}] needs ${expected}`);
    }
    header.push({ key, dtype: dtypeOf(data), shape, byteOffset, length: data.length });
    byteOffset += data.byteLength;
  }
  const bytes = Buffer.alloc(byteOffset);
  for (const entry of header) {
    const { data } = record[entry.key];
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(bytes, entry.byteOffset);
  }
  const base = artifactPath(name, size);
  fs.writeFileSync(`${base}.bin`, bytes);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ arrays: header }, null, 1));
  return base;
}

const complete = (base: string): boolean => fs.existsSync(`${base}.json`) && fs.existsSync(`${base}.bin`);

/**
 * Where `name` was saved: this run's folder, or, in an interactive session (no LFR_REPORT_DIR) that
 * has not saved it yet, the last `npm run report`'s — so a notebook opened in Jupyter after a report
 * can reuse what the earlier notebooks computed there.
 */
function findArtifact(name: string, size: RunSize): { base: string; fromReport: boolean } | null {
  const own = artifactPath(name, size);
  if (complete(own)) return { base: own, fromReport: false };
  if (process.env[REPORT_DIR_ENV]) return null;
  const report = path.join(defaultReportDir(), 'artifacts', size, name);
  return complete(report) ? { base: report, fromReport: true } : null;
}

/** True when `saveArrays(name, …)` has run for this size (see findArtifact). */
export function hasArrays(name: string, size: RunSize = runSize()): boolean {
  return findArtifact(name, size) !== null;
}

export function loadArrays(name: string, size: RunSize = runSize()): ArrayRecord {
  const found = findArtifact(name, size);
  if (!found) {
    throw new Error(`loadArrays: no saved "${name}" for size ${size} — run the notebook that saves it first`);
  }
  const { base } = found;
  if (found.fromReport) console.log(`(using "${name}" from the last \`npm run report\`: report/artifacts/${size}/)`);
  const { arrays } = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
  const bytes = fs.readFileSync(`${base}.bin`);
  const record: ArrayRecord = {};
  for (const { key, dtype, shape, byteOffset, length } of arrays) {
    const Type = DTYPES[dtype as DType];
    if (!Type) throw new Error(`loadArrays: ${base}.json names an unknown dtype "${dtype}" for "${key}"`);
    const end = byteOffset + length * Type.BYTES_PER_ELEMENT;
    if (end > bytes.length) throw new Error(`loadArrays: ${base}.bin is truncated: "${key}" needs bytes up to ${end}, file has ${bytes.length}`);
    // Copy into a fresh, aligned buffer: Buffer slices may start at offsets a typed array cannot view.
    const data = new Type(length);
    new Uint8Array(data.buffer).set(bytes.subarray(byteOffset, end));
    record[key] = { data, shape };
  }
  return record;
}
