// What notebook 04 reads from notebooks 02 and 03: the whitened and raw patches (the same ones, drawn
// again from notebook 02's saved options), the whitening and its inverse, and notebook 03's trained DEMs.
import { hasDem, loadDem } from '../../dem/checkpoint';
import { Dem } from '../../dem/model';
import { TrainHistory } from '../../dem/train';
import { RunSize } from '../../report/size';
import { loadNaturalWhitening, whitenedNaturalPatches } from '../02-natural-patches/whitening';
import { spectralFunction } from '../../whitening/whitening';
import { SymmetricEigen } from '../../linalg/eigen-symmetric';

export const SIDE = 28;
export const D = SIDE * SIDE;

export interface PatchInputs {
  whitened: { train: Float32Array; holdout: Float32Array };
  /** Mean-removed patches, as notebook 03's raw runs saw them. */
  raw: { train: Float32Array; holdout: Float32Array };
  /** Per-pixel mean image (add it back to show a raw or de-whitened patch on the grey scale). */
  mean: Float32Array;
  /** C^{1/2} (D×D): takes a ZCA-whitened patch back to a mean-removed one. */
  dewhitening: Float64Array;
  /** The covariance's leading eigenvalues (descending) and unit eigenvectors: the patches' principal directions. */
  principal: { values: number[]; vectors: Float64Array[] };
  /** The whole eigendecomposition of the training covariance (values ascending), for models on principal coordinates. */
  eigen: SymmetricEigen;
  nTrain: number;
  nHoldout: number;
}

/** How many principal directions PatchInputs keeps (the first is the patch's mean brightness). */
export const PRINCIPAL_DIRECTIONS = 5;

/** Notebook 02's patches and whitening (ZCA, ε = 0); throws, saying to run notebook 02, when it saved none. */
export async function loadPatchInputs(size: RunSize): Promise<PatchInputs> {
  const whitened = await whitenedNaturalPatches({ whitening: 'zca-empirical', size });
  if (whitened.epsilon !== 0) throw new Error(`notebook 04 expects notebook 02's exact ZCA (ε = 0), got ε = ${whitened.epsilon}`);
  // ZCA with ε = 0 is U diag(λ^−½) Uᵀ, so its inverse is U diag(λ^½) Uᵀ.
  const eigen = loadNaturalWhitening(size).eigen;
  const dewhitening = spectralFunction(eigen, (value) => Math.sqrt(Math.max(value, 0)));
  const leading = Array.from(eigen.values, (value, k) => ({ value, k }))
    .sort((a, b) => b.value - a.value)
    .slice(0, PRINCIPAL_DIRECTIONS);
  // eigen.vectors is row-major [D, D] with eigenvector k in column k.
  const principal = {
    values: leading.map((e) => e.value),
    vectors: leading.map((e) => Float64Array.from({ length: D }, (_, i) => eigen.vectors[i * D + e.k])),
  };
  return {
    whitened: { train: whitened.train, holdout: whitened.holdout },
    raw: { train: whitened.patches.train, holdout: whitened.patches.holdout },
    mean: whitened.patches.mean,
    dewhitening,
    principal,
    eigen,
    nTrain: whitened.patches.nTrain,
    nHoldout: whitened.patches.nHoldout,
  };
}

/** Rows [n, D] times the symmetric D×D matrix M (float64 accumulation), plus an optional offset per pixel. */
export function transformRows(rows: Float32Array, M: Float64Array, offset?: Float32Array): Float32Array {
  const n = rows.length / D;
  const out = new Float32Array(rows.length);
  const acc = new Float64Array(D);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    for (let k = 0; k < D; k++) {
      const v = rows[r * D + k];
      if (v === 0) continue;
      const row = k * D; // M symmetric: row k is column k
      for (let j = 0; j < D; j++) acc[j] += v * M[row + j];
    }
    for (let j = 0; j < D; j++) out[r * D + j] = acc[j] + (offset ? offset[j] : 0);
  }
  return out;
}

export interface TrainedRun {
  name: string;
  /** What the model's inputs are: whitened patches, mean-removed patches, or the leading principal coordinates of whitened ones. */
  input: 'whitened' | 'raw' | 'principal';
  model: Dem;
  history: TrainHistory;
  finalHoldoutLoss: number;
}

/**
 * Notebook 03's run `whitenedRun` and, of its runs `rawRuns`, the one with the lowest final hold-out SM loss
 * (on the same raw hold-out patches the losses of different σ compare: each is a Fisher divergence up to
 * one constant of the data). Throws, saying to run notebook 03 first, when a checkpoint is missing.
 */
export function loadTrainedRuns(
  size: RunSize,
  whitenedRun: string,
  rawRuns: string[],
): { whitened: TrainedRun; raw: TrainedRun; rawCandidates: Record<string, number> } {
  if (rawRuns.length === 0) throw new Error('loadTrainedRuns: name at least one raw run of notebook 03');
  requireSaved([whitenedRun, ...rawRuns], size);
  const load = (name: string, input: 'whitened' | 'raw'): TrainedRun => loadRun(name, input, size);
  const raws = rawRuns.map((name) => load(name, 'raw'));
  const best = raws.reduce((a, b) => (b.finalHoldoutLoss < a.finalHoldoutLoss ? b : a));
  for (const run of raws) if (run !== best) run.model.dispose();
  return { whitened: load(whitenedRun, 'whitened'), raw: best, rawCandidates: Object.fromEntries(raws.map((r) => [r.name, r.finalHoldoutLoss])) };
}

/** Throws, naming the missing checkpoints and saying to run notebook 03, unless every run is saved at this size. */
function requireSaved(runs: string[], size: RunSize): void {
  const missing = runs.filter((run) => !hasDem(run, size));
  if (missing.length) {
    throw new Error(
      `notebook 04 samples notebook 03's trained models, and ${missing.map((r) => `dem-${r}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not saved for size ${size}: run notebook 03 first (\`npm run report -- --size ${size} --only 02 03\`)`,
    );
  }
}

function loadRun(name: string, input: TrainedRun['input'], size: RunSize): TrainedRun {
  const { model, history } = loadDem(name, size);
  return { name, input, model, history, finalHoldoutLoss: history.holdoutLoss[history.holdoutLoss.length - 1] };
}

/**
 * Notebook 03's §3b model (run `run`), whose inputs are the leading principal coordinates of the whitened
 * patches; the number of coordinates is its input count. Throws like loadTrainedRuns when it is not saved.
 */
export function loadPrincipalRun(size: RunSize, run: string): TrainedRun {
  requireSaved([run], size);
  const loaded = loadRun(run, 'principal', size);
  if (loaded.model.config.inputs > D) {
    loaded.model.dispose();
    throw new Error(`loadPrincipalRun("${run}"): the model has ${loaded.model.config.inputs} inputs, more than the ${D} principal coordinates of a patch`);
  }
  return loaded;
}
