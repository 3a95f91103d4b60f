// Figures for the notebooks: every helper returns PNG bytes (or an HTML string for tables) that
// show()/showHtml() put into the notebook.
export { show, showHtml, inNotebook } from './show';
export { imageGrid, gridLayout } from './image-grid';
export type { ImageGridOptions, GridImages, Contrast, GridLayout } from './image-grid';
export { heatmap, heatmapLayout, heatmapRange, subMatrix } from './heatmap';
export type { HeatmapOptions, HeatmapLayout, MatrixValues } from './heatmap';
export { linePlot, linePlotSvg, PALETTE } from './line-plot';
export type { Trace, TraceMode, Axis, PlotLayout } from './line-plot';
export { htmlTable, formatNumber } from './table';
export type { TableRow, TableOptions } from './table';
