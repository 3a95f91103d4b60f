// A pool worker (../parallel/pool) that computes the DEM score-matching gradient of the rows the main
// thread puts in shared memory (see ./parallel and ./parallel-layout).
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend';
import { serveRequests } from '../parallel/serve';
import { demFromArrays, Dem, FEATURE_UNITS, PARAM_NAMES } from './model';
import { smLossAndGradient } from './score-matching';
import { SCALARS, SharedLayout, layoutViews } from './parallel-layout';

void serveRequests(async (layout: SharedLayout) => {
  const views = layoutViews(layout);
  const D = layout.config.inputs;
  await chooseBackend();
  const model: Dem = demFromArrays({ ...layout.config }, views.params);
  return () => {
    const rows = views.scalars[SCALARS.rows];
    model.config.sigma = views.scalars[SCALARS.sigma];
    model.config.unit = FEATURE_UNITS[views.scalars[SCALARS.unit]];
    tf.tidy(() => PARAM_NAMES.forEach((name) => (model.params[name] as tf.Variable).assign(tf.tensor(views.params[name], model.params[name].shape))));
    tf.tidy(() => {
      const x = tf.tensor2d(views.rows.subarray(0, rows * D), [rows, D]);
      const { terms, grads } = smLossAndGradient(model, x);
      views.terms.set(terms.dataSync());
      for (const name of PARAM_NAMES) views.grads[name].set(grads[name].dataSync());
    });
  };
});
