// The data sets: MNIST digits (idx files or the bundled package) with their dequantisation, and grey
// patches cut from a folder of photos; row checks and moments.
export * from './mnist';
export * from './dequantise';
export * from './patches';
export * from './photos';
export * from './rows';
export * from './moments';
