// Gabor fits of learned filters: one fit per filter, the bank's summary, and their figures.
export * from './fit';
export * from './summary';
export * from './figures';
