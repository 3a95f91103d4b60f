// Notebook 03's experiment: the runs of the deep energy model (inputs, training, saved filters), the
// tables that score sets of inputs under each run, the MNIST inputs from notebook 01, the verdicts
// behind its data-dependent sentences, and the labelled change that reaches a Gabor bank with its ablation.
export * from './runs';
export * from './tables';
export * from './mnist-inputs';
export { requireDigits } from '../../data/mnist';
export { whitenedNaturalPatches } from '../02-natural-patches/whitening';
export * from './verdicts';
export * from './sparse-units';
