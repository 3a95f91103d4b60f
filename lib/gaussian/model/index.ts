// The Gaussian model N(0, Λ⁻¹) with Λ sparse on a pixel grid: its structure, the precision and
// operations on it, positive definiteness, sampling and log-likelihood.
export * from './structure';
export * from './precision';
export * from './tf-precision';
export * from './positive-definite';
export * from './local-moments';
export * from './pattern-fisher';
export * from './sampling';
export * from './likelihood';
export * from './known-precision';
