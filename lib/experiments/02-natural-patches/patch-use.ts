// What notebook 02 states about the patches it cut: per set (training, hold-out) the whole photos it
// draws from, how many patches each gives, the non-overlapping tiles those photos hold and the
// expected share of patches that repeat a position (preparePatches warns above REPEAT_WARNING_FRACTION).
import { PatchSet, REPEAT_WARNING_FRACTION } from '../../data/patches';
import { median } from '../../gaussian/evaluation/heldout';

export interface PatchSetUse {
  set: 'training' | 'hold-out';
  photos: number;
  patches: number;
  /** Patches per photo of this set. */
  perPhoto: { min: number; median: number; max: number };
  /** Non-overlapping side×side tiles in the set's photos, and patches per tile: > 1 means patches overlap. */
  tiles: number;
  patchesPerTile: number;
  positions: number;
  /** Expected share of patches that repeat a position, and whether it passes the warning threshold. */
  repeatFraction: number;
  repeatWarning: boolean;
}

export function patchSetUse(patches: PatchSet): PatchSetUse[] {
  return (['train', 'holdout'] as const).map((key) => {
    const counts = patches.images.filter((image) => image.set === key).map((image) => image[key]);
    const use = patches.positions[key];
    return {
      set: key === 'train' ? 'training' : 'hold-out',
      photos: use.photos,
      patches: use.patches,
      perPhoto: counts.length ? { min: Math.min(...counts), median: median(counts), max: Math.max(...counts) } : { min: 0, median: 0, max: 0 },
      tiles: use.tiles,
      patchesPerTile: use.tiles > 0 ? use.patches / use.tiles : 0,
      positions: use.positions,
      repeatFraction: use.repeatFraction,
      repeatWarning: use.repeatFraction > REPEAT_WARNING_FRACTION,
    };
  });
}
