// The two MNIST sets of notebook 03's Tables 1–2, on the grey-level scale of the natural patches
// ((grey + u)/256, u ~ U(0,1), in [0, 1]) before any patch preprocessing:
//   true MNIST       — held-out test digits, dequantised exactly as the patches were;
//   generated MNIST  — samples x = μ + L⁻ᵀε of one of notebook 01's fitted Gaussians (its parameters
//                      cell names which), saved by notebook 01 beside its results.
import { RunSize } from '../../report/size';
import { loadMnist } from '../../data/mnist';
import { dequantise } from '../../data/dequantise';
import { DEQUANTISE_SEED } from '../01-mnist-gaussian/data';
import { loadGeneratedDigits } from '../01-mnist-gaussian/models';

export interface MnistInputs {
  /** [count, 784] dequantised test digits. */
  trueDigits: Float32Array;
  /** [count, 784] samples of notebook 01's model (not clipped to [0, 1]). */
  generated: Float32Array;
  /** Which of notebook 01's models drew them, e.g. "sm-8". */
  generatedBy: string;
  source: string;
  seconds: number;
}

export function mnistInputs(count: number, size: RunSize): MnistInputs {
  const started = performance.now();
  const D = 784;
  const test = loadMnist({ split: 'test', size });
  if (test.n < count) throw new Error(`mnistInputs: ${count} test digits requested, ${test.n} available (${test.source})`);
  const generated = loadGeneratedDigits(size);
  if (generated.count < count) {
    throw new Error(
      `mnistInputs: ${count} generated digits requested, notebook 01 saved ${generated.count}; raise notebook03Samples.count in its parameters cell`,
    );
  }
  const trueDigits = dequantise(test.images, DEQUANTISE_SEED.test).subarray(0, count * D);
  return {
    trueDigits,
    generated: generated.digits.subarray(0, count * D),
    generatedBy: generated.model,
    source: test.source,
    seconds: (performance.now() - started) / 1000,
  };
}
