// Run sizes: `quick` proves every cell works within CI's minutes; `full` is what the report shows.
export type RunSize = 'quick' | 'full';

export const SIZE_ENV = 'LFR_SIZE';

/** The run size chosen by LFR_SIZE (default `full`); any other value is an error, not a guess. */
export function runSize(env: NodeJS.ProcessEnv = process.env): RunSize {
  const value = env[SIZE_ENV];
  if (value === undefined || value === '') return 'full';
  if (value === 'quick' || value === 'full') return value;
  throw new Error(`${SIZE_ENV}="${value}": expected "quick" or "full"`);
}

/** Picks the setting for the current run size: `bySize({ quick: 2_000, full: 60_000 })`. */
export function bySize<T>(choices: Record<RunSize, T>, size: RunSize = runSize()): T {
  return choices[size];
}
