// Run sizes: `quick` proves every cell works within CI's minutes; `full` is what the report shows.
import { readSetting, SIZE } from './settings';

export type RunSize = 'quick' | 'full';

export const SIZE_ENV = SIZE.name;

/** The run size chosen by LFR_SIZE (default `full`); any other value is an error, not a guess. */
export function runSize(env: NodeJS.ProcessEnv = process.env): RunSize {
  return readSetting(SIZE, env) ?? 'full';
}

/** Picks the setting for the current run size: `bySize({ quick: 2_000, full: 60_000 })`. */
export function bySize<T>(choices: Record<RunSize, T>, size: RunSize = runSize()): T {
  return choices[size];
}
