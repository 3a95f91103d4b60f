// Whitening of image patches: ZCA, PCA and Cholesky whitening from a covariance, the covariance learned
// by score matching, and diagnostics of a whitening.
export * from './whitening';
export * from './learned';
export * from './diagnostics';
