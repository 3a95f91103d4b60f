// A worker thread that evaluates its share of a full-batch logistic sample loss (see
// ./parallel-loss for the protocol). Rows, θ and the result live in shared memory; the worker blocks
// in Atomics.wait between requests, so it needs no event loop and costs nothing while idle.
import { workerData } from 'worker_threads';
import { gridStructure } from '../model/structure';
import { logisticSampleLoss } from './logistic-loss';
import { CTRL, SharedLoss, sharedShare } from './parallel-loss';
import { writeSharedText } from '../../parallel/worker-threads';

const shared = workerData as SharedLoss;
const structure = gridStructure(shared.height, shared.width, shared.connectivity);
const ctrl = new Int32Array(shared.ctrl);
const theta = new Float64Array(shared.theta);
const out = new Float64Array(shared.out);
const blocks = sharedShare(shared, 'worker');

Atomics.store(ctrl, CTRL.ready, 1);
Atomics.notify(ctrl, CTRL.ready);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.request, seen);
  seen = Atomics.load(ctrl, CTRL.request);
  if (seen < 0) break; // shutdown
  try {
    const { value, gradient } = logisticSampleLoss(theta.slice(0, shared.thetaLength), blocks, structure, shared.extraScale);
    out[0] = value;
    out.set(gradient, 1);
    Atomics.store(ctrl, CTRL.status, 0);
  } catch (error) {
    writeSharedText(new Uint8Array(shared.error), String((error as Error).stack ?? error));
    Atomics.store(ctrl, CTRL.status, 1);
  }
  Atomics.store(ctrl, CTRL.done, seen);
  Atomics.notify(ctrl, CTRL.done);
}
