// Whether several Markov chains have forgotten their starts: Gelman and Rubin's potential scale reduction
// R̂ of a scalar statistic (here log p̃ or a patch's variance) over the second half of each chain's trace.
// With m chains of n values, B = n·var(chain means) and W = mean(within-chain variances);
//   R̂ = √( ((n − 1)/n · W + B/n) / W ),
// which tends to 1 as the chains agree; values above ~1.1 say they still remember where they started.

/** R̂ over the last `fraction` (default ½) of each chain's values (all chains equally long, n ≥ 2 used values). */
export function potentialScaleReduction(chains: number[][], fraction = 0.5): number {
  if (chains.length < 2) throw new Error(`potentialScaleReduction: need at least 2 chains, got ${chains.length}`);
  const length = chains[0].length;
  if (chains.some((c) => c.length !== length)) throw new Error('potentialScaleReduction: the chains have different lengths');
  const n = Math.floor(length * fraction);
  if (n < 2) throw new Error(`potentialScaleReduction: ${length} values per chain leave ${n} < 2 after keeping the last ${fraction}`);
  const tails = chains.map((c) => c.slice(length - n));
  const means = tails.map((t) => t.reduce((a, b) => a + b, 0) / n);
  const within = tails.map((t, i) => t.reduce((acc, v) => acc + (v - means[i]) ** 2, 0) / (n - 1));
  const grand = means.reduce((a, b) => a + b, 0) / means.length;
  const between = (n * means.reduce((acc, m) => acc + (m - grand) ** 2, 0)) / (means.length - 1);
  const W = within.reduce((a, b) => a + b, 0) / within.length;
  if (!(W > 0)) return between > 0 ? Infinity : 1;
  return Math.sqrt((((n - 1) / n) * W + between / n) / W);
}
