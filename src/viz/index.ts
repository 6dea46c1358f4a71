/**
 * viz: what notebooks show and what the notebook runner reads.
 *
 * Every helper works in three places: a tslab kernel (rich output), plain Node (a line of text),
 * and tests (a sink set with setOutputSink). Figure builders return plotly specs that can be
 * shown (`showPlot`) or saved for the README (`saveFigure`).
 *
 * @module
 */
export { inNotebook, liveOutput, setOutputSink, showBundle, showHtml, showMarkdown } from './display';
export type { LiveOutput, MimeBundle, OutputSink } from './display';
export { checkMetrics, fastOr, isFast, METRICS_MARKER, METRICS_MIME, reportMetrics } from './protocol';
export type { Metrics, MetricValue } from './protocol';
export { ClaimError, claims, CLAIMS_MARKER, CLAIMS_MIME, claimsRecord } from './claims';
export type { Claim, ClaimRecord, ClaimsOptions, ClaimsRecord } from './claims';
export { figureHtml, loadPlotly, showPlot } from './plotly';
export type { Figure, Trace } from './plotly';
export { lineFigure, liveLinePlot, plotLine } from './line';
export type { LineOptions, LivePlot, LivePlotOptions, SeriesData } from './line';
export { barFigure, groupedBarFigure, plotBar } from './bar';
export type { BarOptions } from './bar';
export { attentionHeatmap, attentionHeatmapFigure, tokenLabel } from './heatmap';
export type { HeatmapOptions } from './heatmap';
export { loadDanfo, showTable, tableHtml, tableText } from './table';
export type { Row, TableLike, TableOptions } from './table';
export { grayGridPng, pngSize, showPng } from './png';
export type { GridOptions } from './png';
export { findChromium, saveFigure } from './save-figure';
export type { Renderer, SavedFigure, SaveOptions } from './save-figure';
export { renderFigureCanvas } from './canvas-figure';
export { escapeHtml, viewHtml } from './view-html';
export type { AttentionMaps, ViewKind } from './view-html';
export { attentionHeadViewHtml, showAttentionHeadView } from './attention-head-view';
export type { AttentionHeadViewOptions } from './attention-head-view';
export { attentionModelViewHtml, showAttentionModelView } from './attention-model-view';
export type { AttentionModelViewOptions } from './attention-model-view';
export { nextTokenViewHtml, SAMPLING_PROBABILITIES_JS, showNextTokenView, topByLogit } from './next-token-view';
export type { NextTokenViewOptions, PositionLogits } from './next-token-view';
export { pixelAttentionViewHtml, showPixelAttentionView } from './pixel-attention-view';
export type { PixelAttentionData, PixelAttentionViewOptions, PixelImage } from './pixel-attention-view';
export { ladderFigure, ladderRows, loadLadder, showLadder } from './ladder';
export type { LadderFile } from './ladder';
export { describeGreedy } from './greedy';
export { samplesHtml, showSamples } from './samples';
export type { TextSample } from './samples';
export { loadScaling, lossAtTokens, scalingFigure, scalingOrders, showScalingTable } from './scaling';
export type { ScalingFile, ScalingRun } from './scaling';
export { attentionLayersFigure } from './attention-layers-figure';
export type { AttentionLayersOptions } from './attention-layers-figure';
export { checkAgreement } from './agreement';
export type { Agreement } from './agreement';
