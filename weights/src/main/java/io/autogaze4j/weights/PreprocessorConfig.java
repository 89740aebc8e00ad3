package io.autogaze4j.weights;

import com.fasterxml.jackson.databind.JsonNode;
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
public record PreprocessorConfig(boolean doResize, int shortestEdge, int resample, boolean doRescale, double rescaleFactor,
                                 boolean offset, boolean doNormalize, float[] mean, float[] std) {
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
        return new PreprocessorConfig(true, 224, PIL_BILINEAR, true, 1 / 127.5, true, true,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /** Reads and validates {@code preprocessor_config.json}. */
    public static PreprocessorConfig load(Path file) throws ConfigException {
        JsonNode root = AutoGazeConfig.readJson(file);
        JsonFields f = new JsonFields(file);
        boolean doResize = f.bool(root, "", "do_resize", true);
        int shortest = 224;
        JsonNode size = root.get("size");
        if (size != null && size.isObject()) {
            shortest = f.integer(size, "size.", "shortest_edge", 224);
        }
        int resample = f.integer(root, "", "resample", PIL_BILINEAR);
        if (doResize && resample != PIL_BILINEAR) {
            throw f.invalid("resample " + resample + " is not supported (only 2 = PIL bilinear, the AutoGaze processor's)");
        }
        if (f.bool(root, "", "do_center_crop", false)) {
            throw f.invalid("do_center_crop = true is not supported (the AutoGaze processor does not crop)");
        }
        PreprocessorConfig c = new PreprocessorConfig(doResize, shortest, resample, f.bool(root, "", "do_rescale", true),
                f.number(root, "", "rescale_factor", 1 / 127.5), f.bool(root, "", "offset", true),
                f.bool(root, "", "do_normalize", true), f.floats(root, "", "image_mean", 3), f.floats(root, "", "image_std", 3));
        if (shortest <= 0) {
            throw f.invalid("size.shortest_edge must be positive");
        }
        for (float s : c.std) {
            if (!(s > 0)) {
                throw f.invalid("image_std entries must be positive");
            }
        }
        return c;
    }
}
