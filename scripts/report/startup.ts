// The report runner's start-up check: every environment setting (lib/report/settings), the data
// folders they name (headers and listings only, no decoding) and the flags, all before the first
// kernel starts, so that a typo or a bad value costs seconds instead of a notebook's minutes.
import { BACKEND, PHOTOS_DIR, readSetting, settingProblems } from '../../lib/report/settings';
import { mnistFolderProblems } from '../../lib/data/mnist';
import { photoFolderProblems, photosFolder } from '../../lib/data/photos';
import { patchCapacity, REPORT_PATCHES } from '../../lib/data/patches';
import { RunSize } from '../../lib/report/size';

/** Measured on the full report (issue 16): the pure-JavaScript backend against wasm. */
const CPU_SLOWDOWN = 2.6;

export interface StartupCheck {
  /** One line per bad value, unknown LFR_* name or unusable data folder. */
  problems: string[];
  /** Settings that are valid but cost time: printed, the run goes on. */
  warnings: string[];
}

/**
 * `photos`: whether a notebook that cuts patches will run; then the photo folder is also checked
 * against notebook 02's patch count at `size` (image headers only).
 */
export function startupCheck(env: NodeJS.ProcessEnv, size: RunSize, photos = true): StartupCheck {
  const problems = [...settingProblems(env), ...mnistFolderProblems(env), ...photoFolderProblems(env)];
  const warnings: string[] = [];
  if (photos && !problems.some((line) => line.startsWith(`${PHOTOS_DIR.name}=`))) {
    const capacity = patchCapacity(photosFolder(undefined, env), { nTrain: REPORT_PATCHES.nTrain[size], nHoldout: REPORT_PATCHES.nHoldout[size], seed: REPORT_PATCHES.seed });
    if (capacity.problem) problems.push(capacity.problem);
    if (capacity.warning) warnings.push(capacity.warning);
  }
  const backend = problems.some((line) => line.startsWith(`${BACKEND.name}=`)) ? undefined : readSetting(BACKEND, env);
  if (backend === 'cpu') {
    warnings.push(
      `WARNING: ${BACKEND.name}=cpu forces TensorFlow.js's pure-JavaScript cpu backend: ` +
        `the report takes about ${CPU_SLOWDOWN}× as long as on wasm (unset ${BACKEND.name} to choose the fastest that loads)`,
    );
  }
  if (backend === 'tensorflow') {
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      problems.push(`${BACKEND.name}="tensorflow": @tensorflow/tfjs-node is not installed; expected it installed, or ${BACKEND.name} wasm, cpu or unset`);
    }
  }
  return { problems, warnings };
}

/** The one message that lists everything wrong, flags included. */
export function startupMessage(problems: string[]): string {
  return `report: nothing was run; ${problems.length} problem${problems.length === 1 ? '' : 's'} with the settings:\n${problems.map((line) => `  - ${line}`).join('\n')}`;
}
