// Tables 1–2 of notebook 03: how a trained DEM scores inputs of different kinds. Every set must
// already be in the model's own input space (same mean removed, same whitening), so that the
// unnormalised log p of different sets is comparable under one model.
import { Dem } from '../../dem/model';
import { gaussianTermOfRows, logDensityOfRows, meanOf, smLossOfRows, summarize, Summary } from '../../dem/evaluate';

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
  /** Mean score-matching loss ½‖∇ₓ log p‖² + Δₓ log p over the first 100 rows. */
  sm_loss_mean: number;
}

/** Scores of the first 100 rows of each set (each set [n ≥ 100, D], already preprocessed). */
export function scoreSets(model: Dem, sets: Record<string, Float32Array>): Record<string, SetScores> {
  const D = model.config.inputs;
  const most = Math.max(...TABLE_COUNTS);
  const out: Record<string, SetScores> = {};
  for (const [name, rows] of Object.entries(sets)) {
    if (rows.length < most * D) throw new Error(`scoreSets: set "${name}" has ${rows.length / D} rows; Tables 1–2 need ${most}`);
    const head = rows.subarray(0, most * D);
    const logp = logDensityOfRows(model, head);
    const gaussian = gaussianTermOfRows(model, head);
    out[name] = {
      n10: summarize(logp, 10),
      n100: summarize(logp, 100),
      gaussian_term_mean: meanOf(gaussian),
      network_and_bias_mean: meanOf(logp) - meanOf(gaussian),
      sm_loss_mean: meanOf(smLossOfRows(model, head)),
    };
  }
  return out;
}
