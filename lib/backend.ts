// Chooses the TensorFlow.js backend: tfjs-node (native TensorFlow) when it is installed and loads,
// else wasm (SIMD, measured ~30x faster than cpu here), else cpu with a warning.
// tfjs-node is an optional dependency: its installer downloads libtensorflow from outside the
// npm registry and fails on machines without that access.
import * as tf from '@tensorflow/tfjs';
import { BACKEND, BACKEND_NAMES, readSetting } from './report/settings';

export type BackendName = (typeof BACKEND_NAMES)[number];
export const BACKEND_ENV = BACKEND.name;

export interface BackendChoice {
  name: BackendName;
  /** Why this one runs (which loads failed, or that the env variable asked for it). */
  reason: string;
}

/** Loaders are injectable so that tests can simulate a machine without tfjs-node or wasm. */
export interface BackendLoaders {
  loadNode(): void;
  loadWasm(): void;
}

const defaultLoaders: BackendLoaders = {
  // tfjs-node registers the 'tensorflow' backend as a side effect of being required.
  loadNode: () => require('@tensorflow/tfjs-node'),
  loadWasm: () => require('@tensorflow/tfjs-backend-wasm'),
};

/**
 * A load failure in words fit for notebook output: its first line, with any absolute path shortened to
 * the part from node_modules/ on (tfjs-node installed without libtensorflow names its binding's path).
 */
export function describeLoadFailure(message: string): string {
  return message
    .split('\n')[0]
    .replace(/(?:[A-Za-z]:)?[\\/][^\s'"]*?[\\/]node_modules[\\/]/g, 'node_modules/')
    .trim();
}

async function tryBackend(name: BackendName, loaders: BackendLoaders): Promise<string | null> {
  try {
    if (name === 'tensorflow') loaders.loadNode();
    if (name === 'wasm') loaders.loadWasm();
    // setBackend resolves false (and tfjs silently keeps another backend) when initialisation fails.
    const ok = await tf.setBackend(name);
    return ok && tf.getBackend() === name ? null : `tf.setBackend('${name}') returned false`;
  } catch (error) {
    return describeLoadFailure((error as Error).message);
  }
}

let chosen: BackendChoice | null = null;

/**
 * Selects and initialises the backend once per process; LFR_BACKEND=tensorflow|wasm|cpu forces one
 * (and fails loudly if it cannot load). Call before creating any tensor.
 */
export async function chooseBackend(env: NodeJS.ProcessEnv = process.env, loaders: BackendLoaders = defaultLoaders): Promise<BackendChoice> {
  if (chosen && loaders === defaultLoaders) return chosen;
  const forced = readSetting(BACKEND, env);
  let choice: BackendChoice;
  if (forced) {
    const failure = await tryBackend(forced, loaders);
    if (failure) throw new Error(`${BACKEND_ENV}="${forced}" was requested but does not load: ${failure}`);
    choice = { name: forced, reason: `forced by ${BACKEND_ENV}` };
  } else {
    const failures: string[] = [];
    choice = { name: 'cpu', reason: '' };
    for (const name of BACKEND_NAMES) {
      const failure = name === 'cpu' ? null : await tryBackend(name, loaders);
      if (failure === null) {
        if (name === 'cpu') await tf.setBackend('cpu');
        choice = { name, reason: failures.length ? failures.join('; ') : 'first choice loaded' };
        break;
      }
      failures.push(`${name}: ${failure}`);
    }
    if (choice.name === 'cpu') {
      console.warn(`WARNING: TensorFlow.js runs on the slow pure-JavaScript cpu backend (${choice.reason}).`);
    }
  }
  await tf.ready();
  if (loaders === defaultLoaders) chosen = choice;
  return choice;
}
