// The homework checklist at the top of the report: every task of the two exercises, whether the run
// answered it (done / partly / failed), the number that decides it and a link to the section that
// answers it. Statuses are computed from the results JSON of the run (or, for tasks whose answer is
// a figure, from the number of figures the section shows), never written by hand, so a failing
// estimator shows up here as "failed" with its number.
//
// Results grow over time. A missing key (a notebook that did not run, or an older run) gives
// "not reported" instead of an exception, and a value of the wrong type counts as missing.
import { GRADIENT_AGREEMENT } from '../../lib/gaussian/score-matching/gradient-fit';
import { formatNumber } from '../../lib/figures/table';
import { valueAt } from '../../lib/report/notebook';

export type TaskStatus = 'done' | 'partly' | 'failed' | 'not reported';

export interface Verdict {
  status: TaskStatus;
  /** The number(s) that decided the status, as the reader should see them. */
  evidence: string;
  /** The results keys the rule read (dotted paths into the notebook's results JSON). */
  keys: string[];
}

/** What a rule may look at: each notebook's results by its two-digit prefix, and figure counts. */
export interface ChecklistInput {
  /** e.g. { '01': {...results of 01-mnist-gaussian.json}, '03': null } */
  results: Record<string, Record<string, unknown> | null | undefined>;
  /** Number of figures in the section a task links to (filled by the renderer); null when no heading matches. */
  figuresIn(notebook: string, section: RegExp): number | null;
}

/** A rule: reads the results of the task's notebook (and the figures of its section) and gives a verdict. */
type Check = (input: ChecklistInput, notebook: string, section: RegExp) => Verdict;

export interface Task {
  exercise: 1 | 2;
  task: string;
  /** Where the answer is: a notebook prefix and a pattern for the heading of its section. */
  notebook: string;
  section: RegExp;
  check: Check;
}

const NOT_REPORTED = (label: string, key: string): Verdict => ({
  status: 'not reported',
  evidence: `${label}: not in the results`,
  keys: [key],
});

function numberAt(input: ChecklistInput, notebook: string, key: string): number | undefined {
  const value = valueAt(input.results[notebook] ?? undefined, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function textAt(input: ChecklistInput, notebook: string, key: string): string | undefined {
  const value = valueAt(input.results[notebook] ?? undefined, key);
  return typeof value === 'string' ? value : undefined;
}

const shown = (value: number): string => formatNumber(value, 3);
/** A threshold as written in the rule (0.01, 1e-6, 50000), not padded to three digits. */
const limitText = (value: number): string => (Math.abs(value) < 1e-3 ? value.toExponential() : String(Number(value.toPrecision(6))));

// ---- the kinds of rule; each reads as the sentence its status stands for. `label` is what the
// reader sees for the number; the JSON key is kept in `keys` (shown on hover). ----

/** Done when the notebook states the method it used (a text key). */
const stated = (key: string, label: string): Check => (input, notebook) => {
  const text = textAt(input, notebook, key);
  return text === undefined ? NOT_REPORTED(label, key) : { status: 'done', evidence: `${label}: ${text}`, keys: [key] };
};

/** Done when value ≤ limit; failed above it. `limitName` shows a named limit ("ln 2") instead of its digits. */
const atMost = (key: string, limit: number, label: string, limitName = limitText(limit)): Check => (input, notebook) => {
  const value = numberAt(input, notebook, key);
  if (value === undefined) return NOT_REPORTED(label, key);
  const evidence = `${label} = ${shown(value)} (≤ ${limitName} wanted)`;
  return { status: value <= limit ? 'done' : 'failed', evidence, keys: [key] };
};

/** Done when value ≥ target; partly from `partlyFrom` (e.g. a quick run's smaller size); failed below that. */
const atLeast = (key: string, target: number, partlyFrom: number, label: string): Check => (input, notebook) => {
  const value = numberAt(input, notebook, key);
  if (value === undefined) return NOT_REPORTED(label, key);
  const status = value >= target ? 'done' : value >= partlyFrom ? 'partly' : 'failed';
  return { status, evidence: `${label} = ${shown(value)} (${limitText(target)} wanted)`, keys: [key] };
};

/** Done when the key holds a finite number (the quantity was computed). */
const computed = (key: string, label: string): Check => (input, notebook) => {
  const value = numberAt(input, notebook, key);
  return value === undefined ? NOT_REPORTED(label, key) : { status: 'done', evidence: `${label} = ${shown(value)}`, keys: [key] };
};

/**
 * A fitted precision: done when positive definite and, where the fit reports a `status`, that status is
 * "trained"; partly when positive definite but stopped otherwise (e.g. "cone edge"); failed when not
 * positive definite.
 */
const fitted = (model: string): Check => (input, notebook) => {
  const key = `models.${model}.min_eigenvalue`;
  const minEigenvalue = numberAt(input, notebook, key);
  if (minEigenvalue === undefined) return NOT_REPORTED(`${model} λ_min`, key);
  const fitStatus = textAt(input, notebook, `models.${model}.status`);
  const evidence = `${model}: λ_min = ${shown(minEigenvalue)}${fitStatus ? `, ${fitStatus}` : ''}`;
  const keys = [key, `models.${model}.status`];
  if (minEigenvalue <= 0) return { status: 'failed', evidence, keys };
  return { status: fitStatus === undefined || fitStatus === 'trained' ? 'done' : 'partly', evidence, keys };
};

/** Done when a DEM run trained: its hold-out loss ended below where it started. */
const trained = (run: string): Check => (input, notebook) => {
  const keys = [`runs.${run}.initial_holdout_loss`, `runs.${run}.final_holdout_loss`];
  const [start, end] = keys.map((key) => numberAt(input, notebook, key));
  if (start === undefined || end === undefined) return NOT_REPORTED(`${run} hold-out loss`, keys.join(', '));
  return { status: end < start ? 'done' : 'failed', evidence: `${run}: hold-out loss ${shown(start)} → ${shown(end)}`, keys };
};

/** Done when every key holds a finite number; partly when some do. */
const filled = (keys: string[], label: string): Check => (input, notebook) => {
  const count = keys.filter((key) => numberAt(input, notebook, key) !== undefined).length;
  if (count === 0) return NOT_REPORTED(label, keys[0]);
  return { status: count === keys.length ? 'done' : 'partly', evidence: `${count} of ${keys.length} ${label}`, keys };
};

/** Done when the task's section shows at least `wanted` figures; partly when it shows some. */
const figures = (wanted: number): Check => (input, notebook, section) => {
  const count = input.figuresIn(notebook, section);
  if (count === null) return { status: 'not reported', evidence: `no section ${section} in notebook ${notebook}`, keys: [] };
  const status = count >= wanted ? 'done' : count > 0 ? 'partly' : 'failed';
  return { status, evidence: `${count} figure${count === 1 ? '' : 's'} (${wanted} wanted)`, keys: [] };
};

/** Done when every part is done; failed when every reported part failed; not reported when none is; partly otherwise. */
const all = (...checks: Check[]): Check => (input, notebook, section) => {
  const verdicts = checks.map((check) => check(input, notebook, section));
  const evidence = verdicts.map((v) => v.evidence).join('; ');
  const keys = verdicts.flatMap((v) => v.keys);
  const reported = verdicts.filter((v) => v.status !== 'not reported');
  if (reported.length === 0) return { status: 'not reported', evidence, keys };
  if (verdicts.every((v) => v.status === 'done')) return { status: 'done', evidence, keys };
  return { status: reported.every((v) => v.status === 'failed') ? 'failed' : 'partly', evidence, keys };
};

const LN2 = Math.log(2);
const DEM_RUNS = ['whitened-sigma1', 'whitened-sigma0.1', 'raw-sigma1', 'raw-sigma0.1'];
const LOGP_SETS = ['train', 'holdout', 'generated_mnist', 'true_mnist'];
const logp = (inputs: 'n10' | 'n100'): string[] =>
  DEM_RUNS.flatMap((run) => LOGP_SETS.map((set) => `runs.${run}.logp.${set}.${inputs}.mean`));

export const EXERCISES: Record<Task['exercise'], string> = {
  1: 'Exercise 1 · a Gaussian with sparse precision for MNIST (notebook 01)',
  2: 'Exercise 2 · natural-image patches, whitening and a deep energy model (notebooks 02 and 03)',
};

const task = (exercise: 1 | 2, notebook: string, section: RegExp, name: string, check: Check): Task =>
  ({ exercise, notebook, section, task: name, check });
const DEM_LOCALITY = 'runs.whitened-sigma1.mean_filter_energy_in_7x7';

// One line per task: exercise, notebook, the heading of the section that answers it, the task, and its rule.
export const TASKS: Task[] = [
  task(1, '01', /^Data/, 'Remove the per-pixel mean', stated('data.mean_removed', 'mean removed')),
  task(1, '01', /^Score matching/, 'Score matching, 4- and 8-connected',
    all(fitted('sm-4'), fitted('sm-8'), atMost('sm_exact_vs_gradient_rel_diff.8', GRADIENT_AGREEMENT, 'exact vs gradient (8)'))),
  task(1, '01', /^Noise-contrastive/, 'Noise-contrastive estimation', all(fitted('nce-4'), fitted('nce-8'))),
  task(1, '01', /^Conditional NCE/, 'Conditional NCE',
    all(fitted('cnce-4'), fitted('cnce-8'), atMost('models.cnce-8.loss_at_end', LN2, 'cnce-8 final loss', 'ln 2 = chance'))),
  task(1, '01', /^Samples/, 'Samples both ways, 4- and 8-connected', figures(4)),
  task(1, '01', /^Learned precisions/, 'Empirical and learned precision matrices', figures(3)),
  task(1, '01', /^Loss curves/, 'Loss curves of SM, NCE and cNCE', figures(3)),
  task(2, '02', /Patches/, '50,000 patches of natural images', atLeast('n_patches', 50_000, 1, 'patches')),
  task(2, '02', /Patches/, 'Remove the per-pixel mean of the patches', stated('mean_removed', 'mean removed')),
  task(2, '02', /score matching/i, 'SM Gaussian (8-connected) of the patches',
    atMost('learned_gaussian.pure_sm_relative_residual', 1e-6, 'relative residual of the SM system')),
  task(2, '02', /Did the whitening work/, 'ZCA with the empirical covariance',
    atMost('whitening.zca-empirical.train_max_abs_dev_from_identity', 1e-2, 'max |C_w − I| on training patches')),
  task(2, '02', /Did the whitening work/, 'ZCA with the learned covariance',
    computed('whitening.zca-learned.train_mean_diagonal', 'mean diagonal of C_w')),
  task(2, '03', /^Figure 12/, 'DEM on whitened patches, σ = 1 and σ = 0.1', all(trained('whitened-sigma1'), trained('whitened-sigma0.1'))),
  task(2, '03', /^Figure 12/, 'DEM on raw patches, σ = 1 and σ = 0.1', all(trained('raw-sigma1'), trained('raw-sigma0.1'))),
  // Locality (lib/dem/filters.ts): energy share in the 7×7 window round the peak; ≈ 0.07 for noise, 0.27 in the full run.
  task(2, '03', /^Figure 13/, 'Localised filters of each run',
    all(figures(4), atLeast(DEM_LOCALITY, 0.15, 0.1, 'whitened σ = 1: energy in 7×7 (noise ≈ 0.07)'))),
  task(2, '03', /Which inputs/, 'log p over 10 inputs per set (Table 1)', filled(logp('n10'), 'means (run × set)')),
  task(2, '03', /Which inputs/, 'log p over 100 inputs per set (Table 2)', filled(logp('n100'), 'means (run × set)')),
];

export interface ChecklistRow extends Verdict {
  exercise: 1 | 2;
  task: string;
  notebook: string;
  section: RegExp;
}

/** Runs every rule; a rule that throws is a bug in the rule, so its message names the task. */
export function checklist(input: ChecklistInput, tasks: Task[] = TASKS): ChecklistRow[] {
  return tasks.map(({ exercise, task: name, notebook, section, check }) => {
    try {
      return { exercise, task: name, notebook, section, ...check(input, notebook, section) };
    } catch (error) {
      throw new Error(`checklist: the rule for "${name}" failed: ${(error as Error).message}`);
    }
  });
}
