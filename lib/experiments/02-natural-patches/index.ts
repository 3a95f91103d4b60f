// Notebook 02's experiment: patches cut from the photos and their whitenings (empirical ZCA, PCA,
// Cholesky and the covariance learned by score matching), saved for notebook 03.
export * from './whitening';
export { PATCH_SIDE, preparePatches, REPORT_PATCHES } from '../../data/patches';
export { shownFolder } from '../../data/photos';
export * from './patch-use';
