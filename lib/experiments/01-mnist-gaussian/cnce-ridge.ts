// cNCE with SM's ridge on the digits (fitCnceFullBatch's `ridge`). The ridge SM's validation chose is the
// first one tried. cNCE at the rule's ε is SM only to leading order, so its minimiser can still lie on the
// cone's edge at a ridge that keeps SM's inside (measured in docs/decisions.md). A fit that does not train is
// then followed by one at the smallest ridge of SM's sweep at least twice as large, up to `tries` fits; a
// larger ridge means more bias, so the ladder climbs only as far as it must, and every attempt is reported.
// Every ridge is fitted to the same sample of couples, drawn once.
import { SmValidationEntry, bestRidge } from '../../gaussian/score-matching/validated';
import { CnceFullBatchFit, cnceSample, fitCnceSample } from '../../gaussian/contrastive/cnce';
import { identityPrecision } from '../../gaussian/model/precision';
import { GridStructure } from '../../gaussian/model/structure';

/** SM's best positive definite ridge, then each time the smallest swept ridge at least twice the last: at most `tries` values. */
export function ridgeLadder(sweep: SmValidationEntry[], tries: number): number[] {
  if (!Number.isInteger(tries) || tries < 1) throw new Error(`ridgeLadder: tries must be a positive integer, got ${tries}`);
  const first = bestRidge(sweep);
  if (first === null) return [];
  const swept = sweep
    .filter((e) => e.variant === 'ridge')
    .map((e) => e.weight)
    .sort((a, b) => a - b);
  const ladder = [first];
  while (ladder.length < tries) {
    const next = swept.find((gamma) => gamma >= 2 * ladder[ladder.length - 1]);
    if (next === undefined) break;
    ladder.push(next);
  }
  return ladder;
}

export interface CnceRidgeAttempt {
  ridge: number;
  stop: CnceFullBatchFit['stop'];
  status: string;
  iterations: number;
  min_eigenvalue_standardised: number;
  seconds: number;
}

/**
 * cNCE of the standardised rows from the diagonal fit, at each ridge of ridgeLadder in turn until one trains.
 * Returns the trained fit (null when none did) and every attempt.
 */
export function fitCnceWithSmRidge(
  rows: Float32Array,
  n: number,
  structure: GridStructure,
  options: { sweep: SmValidationEntry[]; tries: number; maxIterations: number; tolerance: number; edgeEigenvalue?: number; kappa: number; seed: number },
): { fit: CnceFullBatchFit | null; attempts: CnceRidgeAttempt[] } {
  const attempts: CnceRidgeAttempt[] = [];
  const ladder = ridgeLadder(options.sweep, options.tries);
  if (ladder.length === 0) return { fit: null, attempts };
  const init = identityPrecision(structure);
  const sample = cnceSample(rows, n, structure, { init, kappa: options.kappa, seed: options.seed });
  for (const ridge of ladder) {
    const fit = fitCnceSample(sample, structure, {
      init,
      ridge,
      maxIterations: options.maxIterations,
      tolerance: options.tolerance,
      edgeEigenvalue: options.edgeEigenvalue,
    });
    attempts.push({
      ridge,
      stop: fit.stop,
      status: fit.status.status,
      iterations: fit.iterations,
      min_eigenvalue_standardised: fit.minEigenvalue,
      seconds: fit.seconds,
    });
    if (fit.status.status === 'trained') return { fit, attempts };
  }
  return { fit: null, attempts };
}
