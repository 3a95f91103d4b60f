import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkShare, shareWord, trainingCheck, trainingSentence } from '../../lib/experiments/03-deep-energy-model/verdicts';

const history = (trainLoss: number[], holdoutLoss: number[]) => ({ trainLoss, holdoutLoss, initialHoldoutLoss: 0, decayFraction: 0.75 });

test('a hold-out curve that goes flat at the step-size floor while the gap grows is overfitting, not convergence', () => {
  // 8 epochs, the floor from epoch 6: hold-out −100 → −100 after it, training keeps falling by 60.
  const check = trainingCheck(history([-60, -90, -110, -125, -140, -150, -170, -210], [-40, -70, -85, -95, -99, -100, -100.5, -100]));
  assert.equal(check.decayEndEpoch, 6);
  assert.equal(check.verdict, 'overfitting');
  assert.deepEqual(check.gap, { first: 20, decayEnd: 50, end: 110 });
  assert.match(
    trainingSentence('run', check),
    /training loss kept falling: overfitting, not convergence .*hold-out − training 20\.0 after epoch 1, 50\.0 at the floor, 110\.0 at the end/,
  );
});

test('flat on both curves is convergence at that step size; a hold-out still falling after the floor is not converged', () => {
  const flat = trainingCheck(history([-60, -90, -98, -99, -100, -100], [-50, -80, -90, -91, -91.5, -91.6]));
  assert.equal(flat.verdict, 'flat');
  const improving = trainingCheck(history([-60, -90, -98, -99, -110, -125], [-50, -60, -70, -75, -90, -110]));
  assert.equal(improving.verdict, 'still improving');
  assert.ok(Math.abs(improving.lateImprovementShare - 20 / 110) < 1e-12); // −90 at the floor (epoch 5), −110 at the end
  assert.throws(() => trainingCheck(history([1, 2], [1])), /one training and one hold-out loss per epoch, got 2 and 1/);
});

test("the network's share is the part of the Gaussian term's SM loss it removes", () => {
  // Whitened σ = 0.1 in the issue: the Gaussian term alone costs about 3.84e6 and the network removes 0.17%.
  assert.ok(Math.abs(networkShare(3.84e6, 3.84e6 * (1 - 0.0017)) - 0.0017) < 1e-12);
  // A negative Gaussian loss (σ matched to the data): lowering it further is a positive share.
  assert.ok(Math.abs(networkShare(-400, -500) - 0.25) < 1e-12);
  assert.throws(() => networkShare(0, 1), /non-zero Gaussian-term loss/);
});

test('the quantifier is true for the count it describes', () => {
  assert.deepEqual(
    [0, 5, 27, 32, 40, 63, 64].map((n) => shareWord(n, 64)),
    ['none', 'a few', 'a minority', 'about half', 'most', 'most', 'all'],
  );
  assert.equal(shareWord(27, 64), 'a minority'); // 42%: not "most"
  assert.throws(() => shareWord(65, 64), /0 ≤ count ≤ total/);
});
