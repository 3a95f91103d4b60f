// Whitening of image patches: ZCA, PCA and Cholesky whitening from a covariance, the covariance learned
// by score matching, diagnostics of a whitening, and coordinates in the leading principal subspace.
export * from './whitening';
export * from './learned';
export * from './diagnostics';
export * from './principal-subspace';
