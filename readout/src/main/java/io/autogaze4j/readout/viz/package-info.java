/**
 * Visualisation and quality metrics of gazing: crisp per-scale mask images ({@link io.autogaze4j.readout.viz.MaskRenderer}),
 * the interframe output a sparse downstream model sees ({@link io.autogaze4j.readout.viz.InterframeCanvas}),
 * per-frame and run metrics ({@link io.autogaze4j.readout.viz.GazeMetrics}), a model-free baseline mask
 * ({@link io.autogaze4j.readout.viz.DifferenceMaskSource}), and the artifact writers (PNG, animated GIF, HTML
 * report) behind one call ({@link io.autogaze4j.readout.viz.VisualizationWriter}). See docs/visualization.md.
 *
 * <p>Every pixel rectangle in this package comes from {@link io.autogaze4j.readout.NormRect#pixelRect}: floor of
 * the start, ceiling of the end, clamped to the frame, at least one pixel (the rule of
 * {@link io.autogaze4j.model.GazeCell#pixelRect}).
 */
package io.autogaze4j.readout.viz;
