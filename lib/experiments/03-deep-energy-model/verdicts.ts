// The sentences of notebook 03 that depend on a run's numbers, computed from them: whether a hold-out
// curve that went flat converged or overfitted, how much of the SM loss the network removes from the
// Gaussian term's, and how many of the filters a word like "most" covers. A reader's photo folder gives
// other numbers; these keep the prose true for it.
import { TrainHistory } from '../../dem/train';

/** Share of the total hold-out improvement that a run may still make after the decay and count as flat. */
export const FLAT_SHARE = 0.05;

export type TrainingVerdict = 'still improving' | 'overfitting' | 'flat';

export interface TrainingCheck {
  /** Epoch (1-based) at which the step size reaches its floor. */
  decayEndEpoch: number;
  holdoutAtDecayEnd: number;
  holdoutAtEnd: number;
  /**
   * Hold-out minus training loss (training: the epoch's mean) after the first epoch, when the decay ends, and
   * at the end. It can be negative when the held-out photos are easier (smoother) than the training ones; a
   * rise means the training loss falls faster than the hold-out loss.
   */
  gap: { first: number; decayEnd: number; end: number };
  /** Hold-out improvement after the decay as a share of the improvement over the whole run (negative: it got worse). */
  lateImprovementShare: number;
  verdict: TrainingVerdict;
}

/**
 * After the step size reaches its floor: still improving when the hold-out loss falls by more than
 * FLAT_SHARE of its total drop; else overfitting when the train/hold-out gap widens by more than that
 * (the training loss keeps falling, the hold-out does not follow); else flat — converged at that step size.
 */
export function trainingCheck(history: Pick<TrainHistory, 'trainLoss' | 'holdoutLoss' | 'initialHoldoutLoss' | 'decayFraction'>): TrainingCheck {
  const { trainLoss, holdoutLoss, initialHoldoutLoss, decayFraction } = history;
  const epochs = holdoutLoss.length;
  if (epochs === 0 || trainLoss.length !== epochs) {
    throw new Error(`trainingCheck: expected one training and one hold-out loss per epoch, got ${trainLoss.length} and ${epochs}`);
  }
  const decayEndEpoch = Math.min(epochs, Math.max(1, Math.round(decayFraction * epochs)));
  const at = (epoch: number) => ({ holdout: holdoutLoss[epoch - 1], gap: holdoutLoss[epoch - 1] - trainLoss[epoch - 1] });
  const decayEnd = at(decayEndEpoch);
  const end = at(epochs);
  const totalDrop = initialHoldoutLoss - end.holdout;
  const scale = Math.abs(totalDrop) > 0 ? Math.abs(totalDrop) : 1;
  const lateImprovementShare = (decayEnd.holdout - end.holdout) / scale;
  const gapGrowth = (end.gap - decayEnd.gap) / scale;
  const verdict: TrainingVerdict = lateImprovementShare > FLAT_SHARE ? 'still improving' : gapGrowth > FLAT_SHARE ? 'overfitting' : 'flat';
  return {
    decayEndEpoch,
    holdoutAtDecayEnd: decayEnd.holdout,
    holdoutAtEnd: end.holdout,
    gap: { first: at(1).gap, decayEnd: decayEnd.gap, end: end.gap },
    lateImprovementShare,
    verdict,
  };
}

/** One line saying what the check found, with its numbers. */
export function trainingSentence(run: string, check: TrainingCheck): string {
  const numbers =
    `hold-out ${check.holdoutAtDecayEnd.toFixed(1)} when the step size reached its floor (epoch ${check.decayEndEpoch}), ${check.holdoutAtEnd.toFixed(1)} at the end; ` +
    `hold-out − training ${check.gap.first.toFixed(1)} after epoch 1, ${check.gap.decayEnd.toFixed(1)} at the floor, ${check.gap.end.toFixed(1)} at the end`;
  const meaning = {
    'still improving': 'still improving at the floor: not converged within the budget',
    overfitting: 'the hold-out loss stopped improving at the floor while the training loss kept falling: overfitting, not convergence',
    flat: 'flat on both curves at the floor: converged at that step size',
  }[check.verdict];
  return `${run}: ${meaning} (${numbers})`;
}

/**
 * How much of the Gaussian term's own SM loss (W = 0, b = 0) the trained model removes, on the same
 * data: (J_gaussian − J_model)/|J_gaussian|. Near 0 the model is that Gaussian, whatever its network does.
 */
export function networkShare(gaussianTermLoss: number, modelLoss: number): number {
  if (!Number.isFinite(gaussianTermLoss) || gaussianTermLoss === 0 || !Number.isFinite(modelLoss)) {
    throw new Error(`networkShare: expected finite losses and a non-zero Gaussian-term loss, got ${gaussianTermLoss} and ${modelLoss}`);
  }
  return (gaussianTermLoss - modelLoss) / Math.abs(gaussianTermLoss);
}

/** A quantifier that is true for count of total: "none", "a few" (< 20%), "a minority" (< 45%), "about half" (≤ 55%), "most" (< 100%), "all". */
export function shareWord(count: number, total: number): string {
  if (!(Number.isInteger(count) && Number.isInteger(total) && total > 0 && count >= 0 && count <= total)) {
    throw new Error(`shareWord: expected 0 ≤ count ≤ total with total > 0, got ${count} of ${total}`);
  }
  const share = count / total;
  if (count === 0) return 'none';
  if (count === total) return 'all';
  if (share < 0.2) return 'a few';
  if (share < 0.45) return 'a minority';
  if (share <= 0.55) return 'about half';
  return 'most';
}
