// Whether a fit is an estimate. A run that ends is not necessarily a fit that trained: minibatch NCE
// on MNIST skipped 195 of 200 steps at the eigenvalue floor and ended where it started, and a table
// that printed it beside trained fits called the start an estimate. Every fitted model therefore
// records a status:
//   'trained'       — none of the reasons below;
//   a stated reason — what the fit itself reported ('separable': its loss kept falling towards a
//                     singular Λ; 'cone edge': it stopped at the positive-definite boundary), or
//   'cone edge'     — more than SKIPPED_LIMIT of its steps were skipped (Λ sat on the constraint),
//   'did not move'  — ‖Λ_end − Λ_start‖_F / ‖Λ_start‖_F < MIN_RELATIVE_CHANGE,
//   'not converged' — the fit has a convergence test and did not pass it.
// The first reason that applies is the status, in that order.
import { relativeFrobeniusError, SparsePrecision } from './model/precision';

/** A fit with more than this share of its steps skipped is never 'trained'. */
export const SKIPPED_LIMIT = 0.1;
/** A fit whose Λ moved less than this (relative Frobenius) from its start is never 'trained'. */
export const MIN_RELATIVE_CHANGE = 0.01;

export type FitStatus = 'trained' | 'separable' | 'cone edge' | 'did not move' | 'not converged';

/** What a fit reports about itself. */
export interface FitReport {
  /** Optimisation steps (or rounds) taken, and how many of them left Λ unchanged because of the constraint. */
  steps: number;
  skipped: number;
  start: SparsePrecision;
  end: SparsePrecision;
  /** The fit's own convergence test, where it has one. */
  converged?: boolean;
  /** A reason the fit stated for stopping short of an estimate. */
  failure?: Exclude<FitStatus, 'trained'>;
}

/** The record every fitted model carries (JSON keys as in the results files). */
export interface FitStatusRecord {
  status: FitStatus;
  steps_skipped_fraction: number;
  relative_change: number;
}

export function fitStatus(report: FitReport): FitStatusRecord {
  const { steps, skipped } = report;
  if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`fitStatus: steps must be a non-negative integer, got ${steps}`);
  if (!(Number.isInteger(skipped) && skipped >= 0 && skipped <= steps)) {
    throw new Error(`fitStatus: skipped must be an integer in [0, steps = ${steps}], got ${skipped}`);
  }
  const fraction = steps === 0 ? 0 : skipped / steps;
  const change = relativeFrobeniusError(report.end, report.start);
  if (!Number.isFinite(change)) throw new Error(`fitStatus: the relative change of Λ is ${change} (is the start zero?)`);
  let status: FitStatus = 'trained';
  if (report.failure) status = report.failure;
  else if (fraction > SKIPPED_LIMIT) status = 'cone edge';
  else if (change < MIN_RELATIVE_CHANGE) status = 'did not move';
  else if (report.converged === false) status = 'not converged';
  return { status, steps_skipped_fraction: fraction, relative_change: change };
}
