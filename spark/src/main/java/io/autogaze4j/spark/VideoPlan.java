package io.autogaze4j.spark;

import io.autogaze4j.pipeline.VideoInput;
import io.autogaze4j.video.FrameSampling;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.VideoReadOptions;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How many clips a video gives, found on an executor before any gazing, so that the driver can spread the
 * clips of long videos over tasks. The count comes from the container's frame count when the sampling
 * allows (no time range); otherwise the sampled frames are decoded and counted. It may be an estimate: the
 * last span of a video reads to its end ({@link VideoSpan#toEnd()}).
 *
 * @param video the video's path as the input table gave it
 * @param clips planned clips, at least 1 unless the video failed
 * @param error why the video cannot be gazed at all, naming it; empty when it can
 */
public record VideoPlan(String video, int clips, Optional<String> error) {

    /** The plan of {@code video} with frames picked by {@code sampling}, cut into clips of {@code clipLength}. */
    public static VideoPlan of(String video, FrameSampling sampling, int clipLength) {
        try (FrameSource source =
                VideoInput.file(VideoFiles.localPath(video), sampling).opener().open(VideoReadOptions.defaults())) {
            OptionalInt known = source.frameCount();
            int frames = known.isPresent() ? known.getAsInt() : count(source);
            if (frames == 0) {
                return failed(
                        video, video + " yielded no frames to gaze (an empty video, or the sampling selected none)");
            }
            return new VideoPlan(video, Math.ceilDiv(frames, clipLength), Optional.empty());
        } catch (IOException | RuntimeException e) {
            return failed(video, "cannot open " + video + ": " + (e.getMessage() != null ? e.getMessage() : e));
        }
    }

    /** A video that cannot be gazed. */
    public static VideoPlan failed(String video, String error) {
        return new VideoPlan(video, 0, Optional.of(error));
    }

    private static int count(FrameSource source) throws IOException {
        int n = 0;
        while (source.next().isPresent()) {
            n++;
        }
        return n;
    }
}
