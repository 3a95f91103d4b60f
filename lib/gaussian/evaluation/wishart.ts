// How much a zero-mean Gaussian fitted by maximum likelihood to N rows overrates those rows: with
// S = XᵀX/N and x ~ N(0, Σ), the mean over the rows of log N(x; 0, S) − log N(x; 0, Σ) has
// expectation −½ E[log det(Σ⁻¹S)] (the trace terms cancel in expectation), and NΣ^{-1/2}SΣ^{-1/2} is
// Wishart(N, I), whose expected log-determinant is Σᵢ ψ((N − i + 1)/2) + D ln 2 (i = 1…D). For large N
// this is ≈ D(D + 1)/(4N) nats. NCE's noise N(0, S + δI) carries this excess on its own training rows.

/** ψ(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series (error < 1e-13 there). */
export function digamma(x: number): number {
  if (!(x > 0)) throw new Error(`digamma: expected x > 0, got ${x}`);
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** Expected mean log-density excess (nats per row) of the ML Gaussian fit on its own N rows in D dimensions. */
export function expectedFitExcess(D: number, N: number): number {
  if (!(Number.isInteger(D) && Number.isInteger(N) && N >= D && D >= 1))
    throw new Error(`expectedFitExcess: expected integers N ≥ D ≥ 1, got D = ${D}, N = ${N}`);
  let logDet = D * Math.LN2 - D * Math.log(N);
  for (let i = 1; i <= D; i++) logDet += digamma((N - i + 1) / 2);
  return -0.5 * logDet;
}
