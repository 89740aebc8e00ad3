package io.autogaze4j.weights;

import com.fasterxml.jackson.databind.JsonNode;
import io.autogaze4j.weights.JsonFields.Range;
import java.nio.file.Path;

/**
 * The image processor settings from {@code preprocessor_config.json}.
 *
 * @param doResize      resize so the shorter edge is {@code shortestEdge}
 * @param shortestEdge  target shorter edge (224)
 * @param resample      PIL resample filter id (2 = bilinear, the only one supported)
 * @param doRescale     multiply pixels by {@code rescaleFactor}
 * @param rescaleFactor 1/127.5
 * @param offset        subtract 1 after rescaling (range [-1, 1])
 * @param doNormalize   apply mean / std
 * @param mean          per-channel mean (RGB)
 * @param std           per-channel standard deviation (RGB)
 */
public record PreprocessorConfig(
        boolean doResize,
        int shortestEdge,
        int resample,
        boolean doRescale,
        double rescaleFactor,
        boolean offset,
        boolean doNormalize,
        float[] mean,
        float[] std) {
    /** PIL's id of the bilinear filter. */
    public static final int PIL_BILINEAR = 2;

    public PreprocessorConfig {
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** The official AutoGaze processor settings. */
    public static PreprocessorConfig official() {
        return new PreprocessorConfig(
                true,
                224,
                PIL_BILINEAR,
                true,
                1 / 127.5,
                true,
                true,
                new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f});
    }

    /** Largest {@code size.shortest_edge} in pixels (224): larger ones would resize a frame past any heap. */
    static final int MAX_SHORTEST_EDGE = 4096;
    /** {@code rescale_factor} range (1/127.5). */
    static final Range RESCALE = Range.aboveZero(1);
    /** {@code image_mean} entry range (about 0.45). */
    static final Range MEAN = Range.closed(-10, 10);
    /** {@code image_std} entry range (about 0.22): a tiny std would blow pixels up to float overflow. */
    static final Range STD = Range.closed(1e-3, 100);

    /** Reads and validates {@code preprocessor_config.json}; every number is checked against its documented range. */
    public static PreprocessorConfig load(Path file) throws ConfigException {
        JsonNode root = AutoGazeConfig.readJson(file);
        JsonFields f = new JsonFields(file);
        boolean doResize = f.bool(root, "", "do_resize", true);
        int shortest = 224;
        JsonNode size = root.get("size");
        if (size != null && !size.isNull() && !size.isObject()) {
            throw f.invalid("'size' is not an object (found " + size + ")");
        }
        if (size != null && size.isObject()) {
            shortest = f.integer(size, "size.", "shortest_edge", 224, 1, MAX_SHORTEST_EDGE);
        }
        int resample = f.integer(root, "", "resample", PIL_BILINEAR);
        if (doResize && resample != PIL_BILINEAR) {
            throw f.invalid(
                    "resample " + resample + " is not supported (only 2 = PIL bilinear, the AutoGaze processor's)");
        }
        if (f.bool(root, "", "do_center_crop", false)) {
            throw f.invalid("do_center_crop = true is not supported (the AutoGaze processor does not crop)");
        }
        float[] mean = f.floats(root, "", "image_mean", 3);
        float[] std = f.floats(root, "", "image_std", 3);
        for (int i = 0; i < 3; i++) {
            f.inRange("image_mean[" + i + "]", mean[i], MEAN);
            f.inRange("image_std[" + i + "]", std[i], STD);
        }
        return new PreprocessorConfig(
                doResize,
                shortest,
                resample,
                f.bool(root, "", "do_rescale", true),
                f.number(root, "", "rescale_factor", 1 / 127.5, RESCALE),
                f.bool(root, "", "offset", true),
                f.bool(root, "", "do_normalize", true),
                mean,
                std);
    }
}
