// A worker thread that computes the DEM score-matching gradient of the rows the main thread puts in
// shared memory (see ./parallel for the protocol). It blocks in Atomics.wait between requests, so it
// costs no CPU while idle and needs no event loop during training.
import { parentPort, workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend';
import { demFromArrays, Dem, PARAM_NAMES } from './model';
import { smLossAndGradient } from './score-matching';
import { CTRL, SharedLayout, layoutViews } from './parallel-layout';
import { writeSharedText } from '../parallel/worker-threads';

async function main(): Promise<void> {
  const layout = workerData as SharedLayout;
  const views = layoutViews(layout);
  const { inputs: D, features: J, units: K } = layout.config;
  await chooseBackend();
  const model: Dem = demFromArrays({ ...layout.config }, views.params);
  parentPort!.postMessage({ ready: true, backend: tf.getBackend() });

  let seen = 0;
  for (;;) {
    Atomics.wait(views.ctrl, CTRL.request, seen);
    seen = Atomics.load(views.ctrl, CTRL.request);
    if (seen < 0) return; // shutdown
    try {
      const rows = Atomics.load(views.ctrl, CTRL.rows);
      model.config.sigma = views.sigma[0];
      tf.tidy(() => PARAM_NAMES.forEach((name) => (model.params[name] as tf.Variable).assign(tf.tensor(views.params[name], model.params[name].shape))));
      tf.tidy(() => {
        const x = tf.tensor2d(views.rows.subarray(0, rows * D), [rows, D]);
        const { terms, grads } = smLossAndGradient(model, x);
        views.terms.set(terms.dataSync());
        for (const name of PARAM_NAMES) views.grads[name].set(grads[name].dataSync());
      });
      Atomics.store(views.ctrl, CTRL.status, 0);
    } catch (error) {
      writeSharedText(views.error, `gradient worker (J=${J}, K=${K}): ${(error as Error).stack ?? error}`);
      Atomics.store(views.ctrl, CTRL.status, 1);
    }
    Atomics.store(views.ctrl, CTRL.done, seen);
    Atomics.notify(views.ctrl, CTRL.done);
  }
}

// A failure while starting rejects this promise; Node turns an unhandled rejection in a worker into
// the Worker's 'error' event, which the main thread reports while it waits for "ready".
void main();
