// The sparse Gaussian's public surface: the model, its estimators and their evaluation.
export * from './model/index';
export * from './score-matching/index';
export * from './contrastive/index';
export * from './evaluation/index';
export * from './fit-status';
