import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure, parameterCount } from '../../lib/gaussian/model/structure';
import { LogisticBlock } from '../../lib/gaussian/contrastive/logistic-loss';
import { logisticLossEvaluator } from '../../lib/gaussian/contrastive/parallel-loss';
import { createRng } from '../../lib/random';

test('the sample loss on two threads equals the single-thread loss', () => {
  const structure = gridStructure(6, 6, 8);
  const D = structure.size;
  const P = parameterCount(structure);
  const rng = createRng(3);
  const images = Float32Array.from({ length: 3000 * D }, () => rng.normal());
  const partners = Float32Array.from({ length: 2000 * D }, () => rng.normal());
  const blocks: LogisticBlock[] = [
    {
      images,
      index: Int32Array.from({ length: 3000 }, (_, i) => i),
      offset: Float64Array.from({ length: 3000 }, () => rng.normal()),
      sign: 1,
      weight: 1 / 3000,
    },
    { images, index: Int32Array.from({ length: 2000 }, (_, i) => (7 * i) % 3000), partners, sign: -1, weight: 2 / 2000 },
  ];
  const theta = Float64Array.from({ length: P + 1 }, (_, j) => (j < D ? 1 : j < P ? 0.05 * rng.normal() : 0.01));
  const single = logisticLossEvaluator(blocks, structure, P + 1, 3, 1);
  const double = logisticLossEvaluator(blocks, structure, P + 1, 3, 2);
  try {
    assert.equal(single.threads, 1);
    assert.equal(double.threads, 2);
    for (const scale of [1, 0.5]) {
      const at = theta.map((v) => v * scale);
      const a = single.evaluate(at);
      const b = double.evaluate(at);
      assert.ok(Math.abs(a.value - b.value) <= 1e-12 * Math.abs(a.value), `${a.value} vs ${b.value}`);
      a.gradient.forEach((g, j) => assert.ok(Math.abs(g - b.gradient[j]) <= 1e-12 * (1 + Math.abs(g)), `parameter ${j}: ${g} vs ${b.gradient[j]}`));
    }
  } finally {
    double.close();
  }
});
