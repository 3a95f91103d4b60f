// Tables 1–2 of notebook 03: how a trained DEM scores inputs of different kinds. Every set must
// already be in the model's own input space (same mean removed, same whitening), so that the
// unnormalised log p of different sets is comparable under one model. Their SM losses compare only
// against a reference scored on the same set (lib/dem/sm-reference.ts).
import { Dem } from '../../dem/model';
import { gaussianTermOfRows, logDensityOfRows, meanOf, smLossOfRows, summarize, Summary } from '../../dem/evaluate';
import { GaussianReference, referenceSmLossOfRows } from '../../dem/sm-reference';

/** The input counts of Table 1 and Table 2. */
export const TABLE_COUNTS = [10, 100] as const;

export interface SetScores {
  /** log p over the first 10 and the first 100 rows (keys n10, n100). */
  n10: Summary;
  n100: Summary;
  /** Mean of the Gaussian term −‖x‖²/(2σ²) over the first 100 rows. */
  gaussian_term_mean: number;
  /** Mean of the rest, bᵀx + Σₖ softplus(uₖ), over the same rows. */
  network_and_bias_mean: number;
  /** Mean score-matching loss ½‖∇ₓ log p‖² + Δₓ log p over the first 100 rows: F(set‖θ) minus a constant of the set. */
  sm_loss_mean: number;
  /** The same rows' mean SM loss under the Gaussian reference N(0, C) of the run's training inputs. */
  reference_sm_loss_mean: number;
  /** sm_loss_mean − reference_sm_loss_mean = F(set‖θ) − F(set‖reference): the set's constant cancels, so this compares across sets. */
  sm_loss_vs_reference: number;
}

/** Scores of the first 100 rows of each set (each set [n ≥ 100, D], already preprocessed), with `reference` fitted to the run's training inputs. */
export function scoreSets(model: Dem, sets: Record<string, Float32Array>, reference: GaussianReference): Record<string, SetScores> {
  const D = model.config.inputs;
  const most = Math.max(...TABLE_COUNTS);
  const out: Record<string, SetScores> = {};
  for (const [name, rows] of Object.entries(sets)) {
    if (rows.length < most * D) throw new Error(`scoreSets: set "${name}" has ${rows.length / D} rows; Tables 1–2 need ${most}`);
    const head = rows.subarray(0, most * D);
    const logp = logDensityOfRows(model, head);
    const gaussian = gaussianTermOfRows(model, head);
    const smLoss = meanOf(smLossOfRows(model, head));
    const referenceLoss = meanOf(referenceSmLossOfRows(reference, head));
    out[name] = {
      n10: summarize(logp, 10),
      n100: summarize(logp, 100),
      gaussian_term_mean: meanOf(gaussian),
      network_and_bias_mean: meanOf(logp) - meanOf(gaussian),
      sm_loss_mean: smLoss,
      reference_sm_loss_mean: referenceLoss,
      sm_loss_vs_reference: smLoss - referenceLoss,
    };
  }
  return out;
}
