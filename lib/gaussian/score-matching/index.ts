// Score matching of the sparse Gaussian: the exact quadratic solution, the same by gradient descent,
// the log-det barrier and the ridge that keep Λ positive definite, and the weight chosen on
// validation rows.
export * from './exact';
export * from './gradient-fit';
export * from './barrier';
export * from './validated';
export * from './denoising';
