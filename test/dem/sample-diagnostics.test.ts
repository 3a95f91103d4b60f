import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend } from '../../lib/backend';
import { LangevinResult } from '../../lib/dem/langevin';
import { ChainSummary, logDensityTerms, mixingVerdict, movedChains } from '../../lib/experiments/04-dem-samples/sampling';
import { D } from '../../lib/experiments/04-dem-samples/inputs';
import { logp64, randomInputs, randomParams, toModel } from './reference';

before(async () => {
  await chooseBackend();
});

test("log p̃'s terms add up to float64 log p̃, and the network term is log p̃ without the Gaussian and linear terms", () => {
  const params = randomParams({ inputs: D, features: 6, units: 5, sigma: 0.8 }, 21, { V: 0.1, W: 1, b: 0.05, c: 0.3 });
  const model = toModel(params);
  const x = randomInputs(4, D, 22, 0.5);
  const terms = logDensityTerms(model, Float32Array.from(x));
  let logp = 0;
  let gaussian = 0;
  let linear = 0;
  let squared = 0;
  for (let r = 0; r < 4; r++) {
    const row = x.subarray(r * D, (r + 1) * D);
    logp += logp64(params, row) / 4;
    const norm = row.reduce((acc, v) => acc + v * v, 0);
    squared += norm / 4;
    gaussian += -norm / (2 * 0.8 ** 2) / 4;
    linear += row.reduce((acc, v, j) => acc + v * params.b[j], 0) / 4;
  }
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b)), `${what}: ${a} against ${b}`);
  close(terms.logp, logp, 'log p̃');
  close(terms.gaussian, gaussian, 'Gaussian term');
  close(terms.linear, linear, 'linear term');
  close(terms.squared_norm, squared, '‖x‖²');
  close(terms.network, logp - gaussian - linear, 'network term');
  assert.throws(() => logDensityTerms(model, new Float32Array(0)), /non-empty/);
  model.dispose();
});

test('movedChains keeps the final states of the chains that accepted a proposal, in order', () => {
  const samples = Float32Array.from({ length: 3 * 2 }, (_, i) => i);
  const result = { samples, acceptancePerChain: [0.5, 0, 0.2] } as LangevinResult;
  assert.deepEqual(Array.from(movedChains(result, 2)), [0, 1, 4, 5]);
  assert.equal(movedChains({ ...result, acceptancePerChain: [0, 0, 0] }, 2).length, 0);
  assert.equal(movedChains({ ...result, acceptancePerChain: null }, 2), samples);
});

test('the mixing verdict follows split-R̂ against 1.1 and names the chains that never moved', () => {
  const summary: ChainSummary = {
    method: 'mala',
    step_size: 0.01,
    steps: 1000,
    chains: 8,
    acceptance: 0.55,
    acceptance_min_chain: 0,
    stuck_chains: 2,
    rhat_logp: 1.05,
    rhat_variance: 1.02,
    mixed: true,
    logp_chain_means: [-210, -200],
    logp_chain_sds: [10, 12],
    rhat_logp_by_length: [
      { steps: 500, rhat: 1.3 },
      { steps: 1000, rhat: 1.05 },
    ],
    from_noise: { final_logp_mean: -205, final_variance_mean: 1 },
    from_data: { final_logp_mean: -204, final_variance_mean: 1 },
    seconds: 1,
  };
  const mixed = mixingVerdict('m', summary);
  assert.match(mixed, /mixed by split-R̂ < 1.1/);
  assert.match(mixed, /2 of 8 chains accepted no proposal/);
  const stuck = mixingVerdict('m', { ...summary, rhat_logp: 2.5, mixed: false, logp_chain_means: [-290, -160] });
  assert.match(stuck, /NOT mixed/);
  assert.match(stuck, /sit at different levels/);
  assert.match(mixed, /η = 0\.010, acceptance/);
  assert.match(mixingVerdict('m', { ...summary, step_size_range: [1e-4, 2e-3] }), /η per chain 0\.00010–0\.0020 \(median 0\.010\)/);
});
