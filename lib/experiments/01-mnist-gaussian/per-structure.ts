// The fits notebook 01 makes once for each pixel neighbourhood. They share nothing, so the 4- and the
// 8-connected fit run at the same time on the machine's two threads (../../parallel/tasks), which
// gives the numbers of running them one after the other in about half the time.
import { runConcurrently, TaskOutcome } from '../../parallel/tasks';
import { fitMaxLikelihood } from '../../gaussian/evaluation/max-likelihood';
import { fitCnce } from '../../gaussian/contrastive/cnce';
import { fitNce } from '../../gaussian/contrastive/nce';
import { fitNceAdaptive } from '../../gaussian/contrastive/nce-informative';
import { fitScoreMatchingBarrier } from '../../gaussian/score-matching/barrier';
import { validateScoreMatching } from '../../gaussian/score-matching/validated';

// None of their modules loads TensorFlow.js, which would take a worker 0.7 s.
export const PER_STRUCTURE_FITS = { fitScoreMatchingBarrier, fitMaxLikelihood, validateScoreMatching, fitNce, fitNceAdaptive, fitCnce };
type Fits = typeof PER_STRUCTURE_FITS;

/**
 * PER_STRUCTURE_FITS[name] with argsOf(c) for each neighbourhood c, side by side; results (and each
 * fit's own seconds) in the order of `structures`. Large arrays among the arguments should live on a
 * SharedArrayBuffer (prepareMnistGaussian's standardisedTrain does), or each worker gets a copy.
 */
export function fitPerStructure<N extends keyof Fits, C extends number>(
  name: N,
  structures: readonly C[],
  argsOf: (c: C) => Parameters<Fits[N]>,
): Promise<TaskOutcome<ReturnType<Fits[N]>>[]> {
  return runConcurrently(PER_STRUCTURE_FITS, 'experiments/01-mnist-gaussian/per-structure-worker.ts', name, structures, argsOf);
}
