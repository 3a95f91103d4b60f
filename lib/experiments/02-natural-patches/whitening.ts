// Everything notebook 02 computes from the natural-image patches, in one deterministic function, and
// how notebook 03 gets the same patches and whitening without recomputing the expensive parts:
//   const { patches, train, holdout } = await whitenedNaturalPatches({ whitening: 'zca-empirical' });
// Patches are drawn again with the options notebook 02 saved (deterministic, ~1 s for 60,000); the
// whitening matrices come from notebook 02's artifacts (report/artifacts/<size>/02-natural-whitening.*)
// when they were saved for exactly these patches (checked by a checksum: another photo folder gives
// other patches), and are recomputed otherwise.
import { gridStructure } from '../../gaussian/model/structure';
import { DEFAULT_GAMMAS, DEFAULT_TAUS, SmValidationSettings } from '../../gaussian/score-matching/validated';
import { eigSymmetric, SymmetricEigen } from '../../linalg/eigen-symmetric';
import { hasArrays, loadArrays, saveArrays } from '../../report/artifacts';
import { RunSize, runSize } from '../../report/size';
import { PatchOptions, PatchSet, preparePatches } from '../../data/patches';
import { covariance } from '../../data/moments';
import { fitValidatedGaussian, LearnedGaussian } from '../../whitening/learned';
import { covarianceEigenFromPrecision, pcaMatrix, whiten, zcaMatrix } from '../../whitening/whitening';

export const WHITENING_ARTIFACT = '02-natural-whitening';
export const WHITENING_NAMES = ['zca-empirical', 'zca-learned', 'pca'] as const;
export type WhiteningName = (typeof WHITENING_NAMES)[number];
/** ε of the 'zca-empirical' and 'pca' whitenings: exact whitening (λ_min ≈ 4e-4 here, nothing to tame). */
export const EMPIRICAL_EPSILON = 0;
/**
 * The learned Gaussian's validated SM (notebook 01's choice; weights in standardised units): notebook 01's
 * full grids of barrier τ and ridge γ, fewer ridges at quick size (on natural patches the ridge loses
 * to the barrier by hundreds of nats per patch on validation rows; the sweep still shows it).
 */
export const LEARNED_SM: { taus: Record<RunSize, readonly number[]>; gammas: Record<RunSize, readonly number[]>; validationFraction: number; seed: number } = {
  taus: { quick: DEFAULT_TAUS, full: DEFAULT_TAUS },
  gammas: { quick: [0.1, 0.45, 1.5], full: DEFAULT_GAMMAS },
  validationFraction: 0.2,
  seed: 5,
};

/** LEARNED_SM at one run size, as validateScoreMatching takes it. */
export function learnedSmSettings(size: RunSize): SmValidationSettings {
  return { taus: [...LEARNED_SM.taus[size]], gammas: [...LEARNED_SM.gammas[size]], validationFraction: LEARNED_SM.validationFraction, seed: LEARNED_SM.seed };
}

/** A float64 position-weighted sum: equal only for identical patch arrays (same order, same values). */
export function patchChecksum(rows: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += rows[i] * ((i % 1009) + 1);
  return sum;
}

export interface NaturalWhitening {
  /** Empirical covariance of the training patches (D×D). */
  covariance: Float64Array;
  eigen: SymmetricEigen;
  /** The 8-connected validated SM Gaussian and its covariance's eigendecomposition. */
  learned: LearnedGaussian;
  learnedEigen: SymmetricEigen;
  matrices: Record<WhiteningName, Float64Array>;
  epsilon: Record<WhiteningName, number>;
  seconds: { covariance: number; eigen: number; zca: number; scoreMatching: number; learnedEigen: number };
}

/** Covariance, its eigendecomposition, the validated SM Gaussian and the whitening matrices. */
export async function computeNaturalWhitening(patches: PatchSet, sm: SmValidationSettings = learnedSmSettings(runSize())): Promise<NaturalWhitening> {
  const d = patches.side * patches.side;
  let start = performance.now();
  const lap = () => {
    const now = performance.now();
    const seconds = (now - start) / 1000;
    start = now;
    return seconds;
  };
  // The training patches are centred by their own mean, so this is also SM's second moment E[xxᵀ].
  const cov = await covariance(patches.train, d);
  const covarianceSeconds = lap();
  const eigen = eigSymmetric(cov, d);
  const eigenSeconds = lap();
  const zcaEmpirical = zcaMatrix(eigen, EMPIRICAL_EPSILON);
  const zcaSeconds = lap();
  const learned = fitValidatedGaussian(patches.train, patches.nTrain, cov, gridStructure(patches.side, patches.side, 8), sm);
  const scoreMatchingSeconds = lap();
  const learnedEigen = covarianceEigenFromPrecision(learned.precision, d);
  const learnedEigenSeconds = lap();
  return {
    covariance: cov,
    eigen,
    learned,
    learnedEigen,
    matrices: {
      'zca-empirical': zcaEmpirical,
      // ε = 0 on Λ⁻¹'s eigenvalues: exactly Λ^{1/2}; the barrier or ridge is already inside Λ.
      'zca-learned': zcaMatrix(learnedEigen, 0),
      pca: pcaMatrix(eigen, EMPIRICAL_EPSILON),
    },
    epsilon: { 'zca-empirical': EMPIRICAL_EPSILON, 'zca-learned': 0, pca: EMPIRICAL_EPSILON },
    seconds: {
      covariance: covarianceSeconds,
      eigen: eigenSeconds,
      zca: zcaSeconds,
      scoreMatching: scoreMatchingSeconds,
      learnedEigen: learnedEigenSeconds,
    },
  };
}

/** Writes the mean, the matrices, their ε, C's eigendecomposition and the patches' checksums for notebook 03. */
export function saveNaturalWhitening(patches: PatchSet, whitening: NaturalWhitening, size: RunSize = runSize()): string {
  const d = patches.side * patches.side;
  const record: Parameters<typeof saveArrays>[1] = {
    mean: { data: patches.mean, shape: [d] },
    epsilon: { data: Float64Array.from(WHITENING_NAMES, (name) => whitening.epsilon[name]), shape: [WHITENING_NAMES.length] },
    checksum: { data: Float64Array.of(patchChecksum(patches.train), patchChecksum(patches.holdout)), shape: [2] },
    // How notebook 03 draws the same patches again: nTrain, nHoldout, seed, side.
    patch_options: { data: Float64Array.of(patches.nTrain, patches.nHoldout, patches.seed, patches.side), shape: [4] },
    eigenvalues: { data: whitening.eigen.values, shape: [d] },
    eigenvectors: { data: whitening.eigen.vectors, shape: [d, d] },
  };
  for (const name of WHITENING_NAMES) record[name] = { data: whitening.matrices[name], shape: [d, d] };
  return saveArrays(WHITENING_ARTIFACT, record, size);
}

export interface SavedWhitening {
  mean: Float32Array;
  matrices: Record<WhiteningName, Float64Array>;
  epsilon: Record<WhiteningName, number>;
  /** Eigendecomposition of the training covariance, to rebuild ZCA/PCA with another ε. */
  eigen: SymmetricEigen;
  checksum: { train: number; holdout: number };
  /** The options notebook 02 drew its patches with (its parameters cell). */
  patchOptions: PatchOptions;
}

export function loadNaturalWhitening(size: RunSize = runSize()): SavedWhitening {
  const record = loadArrays(WHITENING_ARTIFACT, size);
  const missing = ['mean', 'epsilon', 'checksum', 'patch_options', 'eigenvalues', 'eigenvectors', ...WHITENING_NAMES].filter((key) => !record[key]);
  if (missing.length) throw new Error(`loadNaturalWhitening: artifact ${WHITENING_ARTIFACT} (${size}) lacks ${missing.join(', ')}; rerun notebook 02`);
  const epsilon = {} as Record<WhiteningName, number>;
  const matrices = {} as Record<WhiteningName, Float64Array>;
  WHITENING_NAMES.forEach((name, k) => {
    epsilon[name] = record.epsilon.data[k];
    matrices[name] = record[name].data as Float64Array;
  });
  return {
    mean: record.mean.data as Float32Array,
    matrices,
    epsilon,
    eigen: { values: record.eigenvalues.data as Float64Array, vectors: record.eigenvectors.data as Float64Array },
    checksum: { train: record.checksum.data[0], holdout: record.checksum.data[1] },
    patchOptions: {
      nTrain: record.patch_options.data[0],
      nHoldout: record.patch_options.data[1],
      seed: record.patch_options.data[2],
      side: record.patch_options.data[3],
    },
  };
}

export interface WhitenedPatches {
  patches: PatchSet;
  name: WhiteningName;
  /** D×D; whitened = W x for a centred patch x. */
  matrix: Float64Array;
  epsilon: number;
  /** [nTrain, D] and [nHoldout, D], whitened. */
  train: Float32Array;
  holdout: Float32Array;
  /** 'artifact' when notebook 02's matrices were reused, 'recomputed' otherwise. */
  origin: 'artifact' | 'recomputed';
  /** The training covariance's eigendecomposition: its eigenvectors are the principal components of the patches. */
  eigen: SymmetricEigen;
}

export interface WhitenedPatchOptions {
  /** Which of notebook 02's whitenings (default 'zca-empirical'). */
  whitening?: WhiteningName;
  /**
   * Rebuild 'zca-empirical' or 'pca' with this ε from the saved eigendecomposition (default: the
   * saved matrix, ε = 0). Notebook 02's ε table shows a small ε (1e-4) whitening the hold-out better.
   */
  epsilon?: number;
  size?: RunSize;
}

/** Notebook 02's patches, whitened with one of its matrices (see the file header). */
export async function whitenedNaturalPatches(options: WhitenedPatchOptions = {}): Promise<WhitenedPatches> {
  const name = options.whitening ?? 'zca-empirical';
  const size = options.size ?? runSize();
  if (!WHITENING_NAMES.includes(name)) throw new Error(`whitenedNaturalPatches: unknown whitening "${name}"; expected one of ${WHITENING_NAMES.join(', ')}`);
  if (options.epsilon !== undefined && name !== 'zca-empirical' && name !== 'pca') {
    throw new Error(`whitenedNaturalPatches: epsilon applies to 'zca-empirical' and 'pca' only, not "${name}" (its ridge is part of the fitted model)`);
  }
  const saved = hasArrays(WHITENING_ARTIFACT, size) ? loadNaturalWhitening(size) : null;
  if (!saved) throw new Error(`whitenedNaturalPatches: notebook 02 has saved no whitening for size ${size}; run notebook 02 first`);
  // The same photographs, counts and seed as notebook 02 give the same patches (checked below).
  const patches = await preparePatches(saved.patchOptions);
  const d = patches.side * patches.side;
  const reusable = saved.checksum.train === patchChecksum(patches.train) && saved.checksum.holdout === patchChecksum(patches.holdout);
  let matrix: Float64Array;
  let epsilon: number;
  let eigen: SymmetricEigen;
  if (options.epsilon !== undefined) {
    eigen = reusable ? saved.eigen : eigSymmetric(await covariance(patches.train, d), d);
    matrix = name === 'pca' ? pcaMatrix(eigen, options.epsilon) : zcaMatrix(eigen, options.epsilon);
    epsilon = options.epsilon;
  } else if (reusable) {
    matrix = saved.matrices[name];
    epsilon = saved.epsilon[name];
    eigen = saved.eigen;
  } else {
    const computed = await computeNaturalWhitening(patches, learnedSmSettings(size));
    matrix = computed.matrices[name];
    epsilon = computed.epsilon[name];
    eigen = computed.eigen;
  }
  return {
    patches,
    name,
    matrix,
    epsilon,
    train: await whiten(patches.train, matrix, d),
    holdout: await whiten(patches.holdout, matrix, d),
    origin: reusable ? 'artifact' : 'recomputed',
    eigen,
  };
}
