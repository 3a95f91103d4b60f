// The two MNIST sets of notebook 03's Tables 1–2, on the grey-level scale of the natural patches
// ((grey + u)/256, u ~ U(0,1), in [0, 1]) before any patch preprocessing:
//   true MNIST       — held-out test digits, dequantised exactly as the patches were;
//   generated MNIST  — samples of Exercise 1's score-matched 8-connected Gaussian (notebook 01's
//                      fit, recomputed here with lib/gaussian: same settings, deterministic).
import { RunSize } from '../report/size';
import { gridStructure } from '../gaussian/structure';
import { mnistGaussianSettings, prepareMnistGaussian } from '../gaussian/mnist-gaussian';
import { localFromDense } from '../gaussian/moments';
import { fitScoreMatchingBarrier } from '../gaussian/score-matching-barrier';
import { toRawUnits } from '../gaussian/mnist-models';
import { sampleByCholesky } from '../gaussian/sampling';

export interface MnistInputs {
  /** [count, 784] dequantised test digits. */
  trueDigits: Float32Array;
  /** [count, 784] samples x = μ + L⁻ᵀε of the SM 8-connected Gaussian (not clipped to [0, 1]). */
  generated: Float32Array;
  source: string;
  seconds: number;
}

export function mnistInputs(count: number, seed: number, size: RunSize): MnistInputs {
  const started = performance.now();
  const settings = mnistGaussianSettings(size);
  const data = prepareMnistGaussian(settings);
  if (data.nTest < count) throw new Error(`mnistInputs: ${count} test digits requested, ${data.nTest} available`);
  const D = 784;
  const trueDigits = new Float32Array(count * D);
  for (let i = 0; i < count * D; i++) trueDigits[i] = data.centredTest[i] + data.mean[i % D];
  const fit = fitScoreMatchingBarrier(localFromDense(data.correlation, gridStructure(28, 28, 8)), settings.smBarrierTau);
  const generated = sampleByCholesky(toRawUnits(fit.precision, data), data.mean, count, seed);
  return { trueDigits, generated, source: data.source, seconds: (performance.now() - started) / 1000 };
}
