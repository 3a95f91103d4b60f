// The deep energy model's public surface: the model with its score and Laplacian, its score-matching
// loss and gradient, training, evaluation (with a Gaussian reference that makes SM losses of different
// sets comparable), checkpoints, derivative checks and filter measures.
export * from './model';
export * from './score-matching';
export * from './train';
export * from './evaluate';
export * from './sm-reference';
export * from './checkpoint';
export * from './check';
export * from './filters';
export * from './peak';
export { threadCount } from '../parallel/pool';
export * from './gabor/index';
