// Notebook 01's experiment: the MNIST digits prepared for the Gaussian, the fitted models and their
// summaries, and the ground-truth study; with the data checks and the Gaussian library it calls.
export * from './data';
export * from './models';
export * from './ground-truth';
export { covarianceNeed, requireDigits } from '../../data/mnist';
export * from './cnce-ridge';
export * from './per-structure';
