// Judging a fitted Gaussian: the family's maximum-likelihood fit as reference, held-out
// log-likelihood, and the Wishart expectation of how much a fitted covariance overrates its rows.
export * from './max-likelihood';
export * from './heldout';
export * from './wishart';
