// Shared memory between the main thread and one gradient worker (./gradient-worker), besides the
// pool's own control slots (../parallel/pool):
//   scalars Float64 [σ, rows, unit]                — σ and feature unit (index in FEATURE_UNITS) of the
//                                                    current model, rows in this request
//   params  Float32 V, W, b, c                     — written by the main thread before each request
//                                                    (one buffer shared by all workers)
//   grads   Float32 V, W, b, c                     — the worker's mean gradient over its rows
//   terms   Float32 [3]                            — the worker's mean loss terms (SM_TERMS)
//   rows    Float32 [capacity, D]                  — the worker's share of the batch
import { DemConfig, ParamName, PARAM_NAMES } from './model';

export const SCALARS = { sigma: 0, rows: 1, unit: 2 } as const;

export interface SharedLayout {
  config: DemConfig;
  /** Most rows one request may carry. */
  capacity: number;
  /** Shared by every worker of a pool. */
  paramBuffer: SharedArrayBuffer;
  /** This worker's own buffers. */
  scalarBuffer: SharedArrayBuffer;
  gradBuffer: SharedArrayBuffer;
  termBuffer: SharedArrayBuffer;
  rowBuffer: SharedArrayBuffer;
}

export interface LayoutViews {
  scalars: Float64Array;
  params: Record<ParamName, Float32Array>;
  grads: Record<ParamName, Float32Array>;
  terms: Float32Array;
  rows: Float32Array;
}

export function paramSizes(config: DemConfig): Record<ParamName, number> {
  const { inputs: D, features: J, units: K } = config;
  return { V: J * D, W: K * J, b: D, c: K };
}

function totalParams(config: DemConfig): number {
  const sizes = paramSizes(config);
  return PARAM_NAMES.reduce((sum, name) => sum + sizes[name], 0);
}

export function createParamBuffer(config: DemConfig): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * totalParams(config));
}

export function createLayout(config: DemConfig, capacity: number, paramBuffer: SharedArrayBuffer): SharedLayout {
  return {
    config: { ...config },
    capacity,
    paramBuffer,
    scalarBuffer: new SharedArrayBuffer(8 * Object.keys(SCALARS).length),
    gradBuffer: new SharedArrayBuffer(4 * totalParams(config)),
    termBuffer: new SharedArrayBuffer(4 * 3),
    rowBuffer: new SharedArrayBuffer(4 * capacity * config.inputs),
  };
}

/** Typed views of each parameter inside a flat V, W, b, c buffer. */
function split(buffer: SharedArrayBuffer, config: DemConfig): Record<ParamName, Float32Array> {
  const sizes = paramSizes(config);
  const out = {} as Record<ParamName, Float32Array>;
  let offset = 0;
  for (const name of PARAM_NAMES) {
    out[name] = new Float32Array(buffer, 4 * offset, sizes[name]);
    offset += sizes[name];
  }
  return out;
}

export function layoutViews(layout: SharedLayout): LayoutViews {
  return {
    scalars: new Float64Array(layout.scalarBuffer),
    params: split(layout.paramBuffer, layout.config),
    grads: split(layout.gradBuffer, layout.config),
    terms: new Float32Array(layout.termBuffer),
    rows: new Float32Array(layout.rowBuffer),
  };
}
