// Informative NCE: the noise is the current model, refreshed every round.
// Model log p_θ(x) = −½xᵀΛx + c with c free, as in ./nce. Round r contrasts the n data rows with
// m = νn rows drawn from the current model p_r = N(0, Λ_r⁻¹) (normalised exactly, c_r* = ½ log det Λ_r
// − (D/2) log 2π): G = log p_θ − log p_r − log ν, loss = mean_data softplus(−G) + ν·mean_noise softplus(G).
// At θ = (Λ_r, c_r*) every row has G = −log ν, so with ν/(1+ν) = σ(log ν) and xᵀΛx = θ·f(x),
//   ∂loss/∂Λ-values = ν/(1+ν) · ½ (mean_data f − mean_noise f),   ∂loss/∂c = 0,
// exactly, for the sample: the maximum-likelihood gradient with E_θ f estimated from the noise rows.
// A fixed point of the rounds is therefore the ML fit (Dempster's (Λ⁻¹)ᵢⱼ = Sᵢⱼ on the pattern),
// up to the Monte Carlo error of m model draws.
//
// Each round takes one Newton step on its own loss, with the Hessian the loss has when data and
// noise both follow the model (exact at the fixed point if the family holds the data): at θ = θ_r,
// H = ν/(1+ν)·E_θ[g gᵀ] with g = ∂G/∂(θ, c) = (−½f, 1); eliminating c (whose gradient is 0 there)
// leaves ν/(1+ν)·F on Λ's values, F = ¼Cov(f) the Fisher information (./pattern-fisher):
//   δθ = −F⁻¹ ∇_θ · (1+ν)/ν,
// the Fisher-scoring step of maximum likelihood with E_θ f replaced by the noise rows' mean. The full
// step is taken, halved only while Λ + δΛ has no Cholesky factor (Λ stays positive definite; no
// step is skipped). c is then the round's loss minimiser at the new Λ (a 1-D convex problem), so
// c − c* is NCE's own estimate of the normaliser's error.
// The rounds solve NCE's estimating equation at θ = θ_noise; a round need not lower its own loss.
// Two step rules were measured worse on MNIST (4-connected, from the diagonal): a line search on the
// round's loss accepts only ~1/16–1/32 of the step, because the data rows' fourth moments (heavy
// tails of standardised pixels) dominate that loss's curvature — rounds then crawl, as in the
// issue's numpy trial; the self-concordant damping 1/(1 + λ) moved 3.5% a round at λ ≈ 35 and had
// not converged after 40 rounds. The full step converged in 12.
// The noise of every round is L_r⁻ᵀε with Λ_r = L_r L_rᵀ and one fixed set of ε (common random
// numbers): each round's rows are an exact sample of its model, and the rounds form a deterministic
// map whose fixed point the stopping rule can detect (fresh ε would make Λ wander by the Monte
// Carlo error forever).
import { bandedLogDet, bandedSolveLowerTransposedRows } from '../../linalg/banded';
import { checkRows } from '../../data/rows';
import { createRng } from '../../random';
import { fitStatus, FitStatusRecord } from '../fit-status';
import { everyRow, LogisticBlock, logisticMargins } from './logistic-loss';
import { addPatternFeatures, sigmoid, softplus } from './pattern-features';
import { patternFisher } from '../model/pattern-fisher';
import { exactLogNormaliser } from '../model/likelihood';
import { copyPrecision, createPrecision, relativeFrobeniusError, SparsePrecision } from '../model/precision';
import { choleskyOfPrecision, factorOrThrow } from '../model/positive-definite';
import { GridStructure, parameterCount } from '../model/structure';

const LOG_2PI = Math.log(2 * Math.PI);
const MAX_HALVINGS = 30;
const MAX_C_ITERATIONS = 50;
/** nats: c needs no finer resolution than this. */
const C_RESOLUTION = 1e-10;

export interface AdaptiveNceOptions {
  /** Noise rows per data row in every round. */
  nu: number;
  /** Λ of the first noise model (e.g. the validated SM fit or the diagonal); c starts at its exact value. */
  init: SparsePrecision;
  seed: number;
  /** Stop once a round changes Λ by less than this, relative Frobenius (default 1e-4). */
  tolerance?: number;
  /** Default 40. */
  maxRounds?: number;
  /** Relative residual of each Newton system (default 1e-3) and its cap on Fisher products (default 200). */
  cgTolerance?: number;
  maxCgProducts?: number;
}

/** One round, measured on its own data and noise sample (no held-out data). */
export interface AdaptiveNceRound {
  /**
   * The round's loss at its new Λ, c at its minimiser. Every round starts at (1 + ν) ln(1 + ν) − ν ln ν
   * (2 ln 2 for ν = 1) and returns to it at the fixed point; far from it the full step overshoots the
   * round's own minimiser (see the header), and the loss ends above that value.
   */
  lossEnd: number;
  /** Newton decrement λ = √(2 gᵀF⁻¹g) (g: the NCE gradient scaled by (1+ν)/ν); it falls to 0 at the fixed point. */
  decrement: number;
  /** 1 (the full step), or 2⁻ᵏ when k halvings were needed to keep Λ positive definite. */
  stepLength: number;
  /** ‖Λ_{r+1} − Λ_r‖_F / ‖Λ_r‖_F. */
  relativeChange: number;
  /** c − (½ log det Λ − (D/2) log 2π) after the round's step. */
  cGap: number;
  cgProducts: number;
  seconds: number;
}

export interface AdaptiveNceFit {
  precision: SparsePrecision;
  /** Learned c, and the exact ½ log det Λ − (D/2) log 2π of the returned Λ. */
  logNormaliser: number;
  exactLogNormaliser: number;
  nu: number;
  rounds: AdaptiveNceRound[];
  /** The last round changed Λ by less than the tolerance. */
  converged: boolean;
  status: FitStatusRecord;
  seconds: number;
}

/**
 * The round's sample loss as logistic blocks in the step from its noise model: θ = [Λ − Λ_r values,
 * c − c_r*], so G = −½xᵀ(Λ − Λ_r)x + (c − c_r*) − log ν and θ = 0 is the noise model itself. The
 * noise rows are L_r⁻ᵀε, an exact sample of N(0, Λ_r⁻¹) (exported for tests).
 */
export function adaptiveNceRound(
  data: Float32Array,
  n: number,
  noiseModel: SparsePrecision,
  eps: Float64Array,
  nu: number,
): { blocks: LogisticBlock[]; noise: Float32Array; exactC: number } {
  const { structure } = noiseModel;
  const D = structure.size;
  const m = eps.length / D;
  const factor = factorOrThrow(noiseModel, 'adaptive NCE noise precision');
  const exactC = 0.5 * bandedLogDet(factor) - 0.5 * D * LOG_2PI;
  const noise = bandedSolveLowerTransposedRows(factor, eps, m, new Float32Array(m * D));
  const blocks: LogisticBlock[] = [
    { images: data, index: everyRow(n), offset: new Float64Array(n).fill(-Math.log(nu)), sign: 1, weight: 1 / n },
    { images: noise, index: everyRow(m), offset: new Float64Array(m).fill(-Math.log(nu)), sign: -1, weight: nu / m },
  ];
  return { blocks, noise, exactC };
}

/** mean over the rows of the pattern features f(x) (xᵀΛx = θ·f(x)). */
function meanFeatures(rows: Float32Array, count: number, structure: GridStructure): Float64Array {
  const mean = new Float64Array(parameterCount(structure));
  for (let r = 0; r < count; r++) addPatternFeatures(mean, 1 / count, rows, r * structure.size, structure);
  return mean;
}

export function fitNceAdaptive(data: Float32Array, n: number, structure: GridStructure, options: AdaptiveNceOptions): AdaptiveNceFit {
  const start = performance.now();
  const D = structure.size;
  const P = parameterCount(structure);
  const { nu, init } = options;
  checkRows('fitNceAdaptive (data)', data, D, n);
  if (!(nu > 0)) throw new Error(`fitNceAdaptive: nu must be positive, got ${nu}`);
  if (init.values.length !== P || init.structure.size !== D) {
    throw new Error(`fitNceAdaptive: init has ${init.values.length} values on ${init.structure.size} pixels, the structure ${P} on ${D}`);
  }
  const m = Math.round(nu * n);
  if (m < 1) throw new Error(`fitNceAdaptive: ν·n = ${nu * n} gives no noise rows`);
  const tolerance = options.tolerance ?? 1e-4;
  const maxRounds = options.maxRounds ?? 40;
  const rng = createRng(options.seed);
  const eps = Float64Array.from({ length: m * D }, () => rng.normal());
  const dataMean = meanFeatures(data, n, structure);

  let lambda = copyPrecision(init);
  let c = exactLogNormaliser(init);
  const rounds: AdaptiveNceRound[] = [];
  let converged = false;
  while (rounds.length < maxRounds && !converged) {
    const roundStart = performance.now();
    const { blocks, noise, exactC } = adaptiveNceRound(data, n, lambda, eps, nu);
    // At θ = θ_r the round's gradient is ν/(1+ν)·½(mean_data f − mean_noise f) (header), so only the
    // noise rows need a pass; scaled by (1+ν)/ν it is ½(mean_data f − mean_noise f).
    const noiseMean = meanFeatures(noise, m, structure);
    const gradient = dataMean.map((f, j) => 0.5 * (f - noiseMean[j]));
    const fisher = patternFisher(lambda, factorOrThrow(lambda, 'adaptive NCE precision'));
    const solved = fisher.solve(
      gradient.map((g) => -g),
      options.cgTolerance ?? 1e-3,
      options.maxCgProducts ?? 200,
    );
    const decrement = Math.sqrt(Math.max(0, -2 * solved.solution.reduce((sum, v, j) => sum + v * gradient[j], 0)));
    let length = 1;
    let next = createPrecision(
      structure,
      lambda.values.map((v, j) => v + length * solved.solution[j]),
    );
    let halvings = 0;
    while (!choleskyOfPrecision(next).ok) {
      if (++halvings > MAX_HALVINGS) {
        throw new Error(`fitNceAdaptive: round ${rounds.length}: no step of length ≥ 2^-${MAX_HALVINGS} keeps Λ positive definite`);
      }
      length /= 2;
      next = createPrecision(
        structure,
        lambda.values.map((v, j) => v + length * solved.solution[j]),
      );
    }
    const best = lossAtBestC(
      next.values.map((v, j) => v - lambda.values[j]),
      blocks,
      structure,
    );
    const relativeChange = relativeFrobeniusError(next, lambda);
    lambda = next;
    c = exactC + best.c;
    rounds.push({
      lossEnd: best.loss,
      decrement,
      stepLength: length,
      relativeChange,
      cGap: c - exactLogNormaliser(lambda),
      cgProducts: solved.products,
      seconds: (performance.now() - roundStart) / 1000,
    });
    converged = relativeChange < tolerance;
  }
  const exact = exactLogNormaliser(lambda);
  return {
    precision: lambda,
    logNormaliser: c,
    exactLogNormaliser: exact,
    nu,
    rounds,
    converged,
    status: fitStatus({ steps: rounds.length, skipped: 0, start: init, end: lambda, converged }),
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * The round's loss at Λ_r + change with c at its minimiser, and that c − c_r* (the loss is convex in c
 * alone: safeguarded Newton from 0, i.e. from c_r*). Each row's z = s·u + s·(c − c_r*), so the pass
 * over the rows is made once, for u.
 */
function lossAtBestC(change: Float64Array, blocks: LogisticBlock[], structure: GridStructure): { loss: number; c: number } {
  const margins = logisticMargins(Float64Array.from([...change, 0]), blocks, structure, 1);
  const lossAt = (c: number) => {
    let sum = 0;
    blocks.forEach(({ sign, weight }, k) => {
      for (const u of margins[k]) sum += weight * softplus(-(u + sign * c));
    });
    return sum;
  };
  let c = 0;
  let loss = lossAt(c);
  for (let iteration = 0; iteration < MAX_C_ITERATIONS; iteration++) {
    let slope = 0;
    let curvature = 0;
    blocks.forEach(({ sign, weight }, k) => {
      for (const u of margins[k]) {
        const z = u + sign * c;
        slope -= weight * sign * sigmoid(-z);
        curvature += weight * sigmoid(z) * sigmoid(-z);
      }
    });
    let step = -slope / curvature;
    let next = lossAt(c + step);
    while (next > loss && Math.abs(step) > C_RESOLUTION) {
      step /= 2;
      next = lossAt(c + step);
    }
    if (next > loss) break;
    c += step;
    loss = next;
    if (Math.abs(step) <= C_RESOLUTION) break;
  }
  return { loss, c };
}
