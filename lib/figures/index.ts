// Figures for the notebooks: every helper returns PNG bytes (or an HTML string for tables) that
// show()/showHtml() of lib/report put into the notebook.
export { imageGrid, gridLayout } from './image-grid';
export type { ImageGridOptions, GridImages, Contrast, GridLayout } from './image-grid';
export { heatmap, heatmapLayout, heatmapRange, percentileRange, subMatrix } from './heatmap';
export { gridCouplings, precisionMapFigure, precisionDifferenceFigure, precisionMapRanges, COUPLING_DIRECTIONS } from './precision-maps';
export type { GridCouplings, CouplingDirection, PrecisionMapOptions } from './precision-maps';
export type { HeatmapOptions, HeatmapLayout, MatrixValues } from './heatmap';
export { linePlot, linePlotSvg, PALETTE } from './line-plot';
export type { Trace, TraceMode, Axis, PlotLayout, ReferenceLine, MarkerSymbol, LegendPosition } from './line-plot';
export { smoothSeries, describeSmoothing } from './smoothing';
export type { Smoothing } from './smoothing';
export { nceChanceLoss, nceChanceReference, cnceChanceReference, CNCE_CHANCE_LOSS, lossGap, lossGapPlot } from './loss-plots';
export type { LossGapCurve } from './loss-plots';
export { errorVsNPlot, errorVsNTraces } from './error-vs-n';
export type { ErrorSeries, ErrorVsNOptions } from './error-vs-n';
export { htmlTable, formatNumber } from './table';
export type { TableRow, TableOptions } from './table';
