package io.autogaze4j.readout.viz;

/**
 * Quality metrics of one frame (definitions in docs/visualization.md).
 *
 * @param frame          frame index (as in the trace)
 * @param keyframe       whether the interframe canvas was fully refreshed
 * @param framePixels    pixels of the frame
 * @param gazedPixels    pixels inside the union of the gazed cells' pixel rectangles
 * @param updatedPixels  pixels refreshed from the frame (all on a keyframe, else the gazed ones)
 * @param gazeRatio      {@code gazedPixels / framePixels}
 * @param updateRatio    {@code updatedPixels / framePixels}
 * @param mse            mean squared error of the interframe output against the frame over the R, G, B channels (0..255 units)
 * @param psnr           {@code 10 log10(255^2 / mse)} in dB; {@code +Infinity} when the output equals the frame
 * @param emaGazeRatio   exponential moving average of the gaze ratio up to this frame
 * @param emaUpdateRatio exponential moving average of the update ratio
 * @param emaMse         exponential moving average of the MSE
 * @param emaPsnr        PSNR of {@code emaMse}
 */
public record FrameMetrics(
        int frame,
        boolean keyframe,
        long framePixels,
        long gazedPixels,
        long updatedPixels,
        double gazeRatio,
        double updateRatio,
        double mse,
        double psnr,
        double emaGazeRatio,
        double emaUpdateRatio,
        double emaMse,
        double emaPsnr) {}
