// What a notebook needs from the report: its run (results, timings, headline numbers), the run size,
// progress displays and saved artifacts.
export * from './notebook';
export * from './size';
export * from './progress';
export * from './artifacts';
export { displayPath } from './paths';
export { show, showHtml, inNotebook } from './show';
