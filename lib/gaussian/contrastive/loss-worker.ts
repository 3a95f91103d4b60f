// A pool worker (../../parallel/pool) that evaluates its share of a full-batch logistic sample loss
// (see ./parallel-loss): rows, θ and the result live in shared memory.
import { serveRequests } from '../../parallel/serve';
import { gridStructure } from '../model/structure';
import { logisticSampleLoss } from './logistic-loss';
import { SharedLoss, sharedBlocks } from './parallel-loss';

void serveRequests((shared: SharedLoss) => {
  const structure = gridStructure(shared.height, shared.width, shared.connectivity);
  const theta = new Float64Array(shared.theta);
  const out = new Float64Array(shared.out);
  const blocks = sharedBlocks(shared);
  return () => {
    const { value, gradient } = logisticSampleLoss(theta.slice(0, shared.thetaLength), blocks, structure, shared.extraScale);
    out[0] = value;
    out.set(gradient, 1);
  };
});
