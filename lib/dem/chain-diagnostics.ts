// Whether several Markov chains have forgotten their starts: Gelman and Rubin's potential scale reduction
// R̂ of a scalar statistic (here log p̃ or a patch's variance) over the second half of each chain's trace.
// With m chains of n values, B = n·var(chain means) and W = mean(within-chain variances);
//   R̂ = √( ((n − 1)/n · W + B/n) / W ),
// which tends to 1 as the chains agree; values above ~1.1 say they still remember where they started.
// Split-R̂ (Gelman et al., Bayesian Data Analysis, 3rd ed., §11.4) cuts each kept half into two and treats
// the pieces as chains: a chain that is still drifting then disagrees with itself, which plain R̂ misses when
// every chain drifts the same way.

/** R̂ threshold below which the chains count as mixed (Gelman et al. 2013). */
export const MIXED_RHAT = 1.1;

/** The last `fraction` of each chain, after checking the chains are equally long and keep ≥ 2 values. */
function checkedTails(chains: number[][], fraction: number): number[][] {
  const name = 'splitPotentialScaleReduction';
  if (chains.length < 2) throw new Error(`${name}: need at least 2 chains, got ${chains.length}`);
  const length = chains[0].length;
  if (chains.some((c) => c.length !== length)) throw new Error(`${name}: the chains have different lengths`);
  const n = Math.floor(length * fraction);
  if (n < 2) throw new Error(`${name}: ${length} values per chain leave ${n} < 2 after keeping the last ${fraction}`);
  return chains.map((c) => c.slice(length - n));
}

function rhat(tails: number[][]): number {
  const n = tails[0].length;
  const means = tails.map((t) => t.reduce((a, b) => a + b, 0) / n);
  const within = tails.map((t, i) => t.reduce((acc, v) => acc + (v - means[i]) ** 2, 0) / (n - 1));
  const grand = means.reduce((a, b) => a + b, 0) / means.length;
  const between = (n * means.reduce((acc, m) => acc + (m - grand) ** 2, 0)) / (means.length - 1);
  const W = within.reduce((a, b) => a + b, 0) / within.length;
  if (!(W > 0)) return between > 0 ? Infinity : 1;
  return Math.sqrt((((n - 1) / n) * W + between / n) / W);
}

/** Split-R̂ over the last `fraction` (default ½) of each chain (all equally long): each kept part cut into two halves (≥ 2 values each). */
export function splitPotentialScaleReduction(chains: number[][], fraction = 0.5): number {
  const tails = checkedTails(chains, fraction);
  const half = Math.floor(tails[0].length / 2);
  if (half < 2) throw new Error(`splitPotentialScaleReduction: ${tails[0].length} kept values per chain cannot be split into halves of at least 2`);
  // With an odd count the middle value is dropped, so both halves are equally long.
  return rhat(tails.flatMap((t) => [t.slice(0, half), t.slice(t.length - half)]));
}
