// Contrastive estimators of the sparse Gaussian: NCE with fixed noise (minibatch and full batch),
// conditional NCE, and the informative NCE whose noise is the current model.
export * from './nce';
export * from './nce-noise';
export * from './cnce';
export * from './nce-informative';
export * from './full-batch';
export * from './minibatch';
