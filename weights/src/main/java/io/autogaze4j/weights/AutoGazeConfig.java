package io.autogaze4j.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.autogaze4j.weights.JsonFields.Range;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The AutoGaze model configuration, read from a Hugging Face {@code config.json} and validated.
 * Derived quantities (cells per scale, grids, scale offsets) are computed here once.
 *
 * @param scales                   multi-scale pyramid sizes in pixels, ascending (32, 64, 112, 224)
 * @param cellsPerFrame            gaze cells per frame over all scales (265)
 * @param maxNumFrames             clip length the model was trained on (16)
 * @param inputImageSize           frame size the encoder sees (224)
 * @param vision                   vision encoder settings
 * @param decoder                  gaze decoder settings
 * @param defaultGazingRatio       the config's fixed inference gazing ratio
 * @param hasTaskLossRequirement   whether inference applies a task-loss requirement by default
 * @param defaultTaskLossRequirement the config's fixed inference task-loss requirement
 * @param useFlashAttn             the official bf16/flash-attention switch (informational; this port is float32)
 */
public record AutoGazeConfig(
        int[] scales,
        int cellsPerFrame,
        int maxNumFrames,
        int inputImageSize,
        VisionConfig vision,
        DecoderConfig decoder,
        double defaultGazingRatio,
        boolean hasTaskLossRequirement,
        double defaultTaskLossRequirement,
        boolean useFlashAttn) {

    /** Most pyramid scales (the official model has 4). */
    static final int MAX_SCALES = 8;
    /** Largest scale, input image size and shortest edge in pixels (the official model: 224). */
    static final int MAX_SIZE = 4096;
    /** Most cells per frame (265). */
    static final int MAX_CELLS = 4096;
    /** Most frames a clip may hold (16). */
    static final int MAX_FRAMES = 1024;
    /** Widest hidden, output or head dimension (192). */
    static final int MAX_WIDTH = 4096;
    /** Widest decoder MLP (384). */
    static final int MAX_MLP_WIDTH = 16384;
    /** Most decoder layers or vision trunk blocks (4 and 1): a count in the millions would hang loading. */
    static final int MAX_LAYERS = 64;
    /** Most attention heads (6). */
    static final int MAX_HEADS = 256;
    /** Largest patch-embedding kernel (16). */
    static final int MAX_KERNEL = 256;
    /** Largest trunk conv kernel along time or space (3). */
    static final int MAX_TRUNK_KERNEL = 15;
    /** RoPE base: at most 1 would make every frequency 1 or growing (500000). */
    static final JsonFields.Range ROPE_THETA = new JsonFields.Range(1, true, 1e12);
    /** Largest llama3 RoPE factor (8) and frequency factor (1, 4). */
    static final double MAX_ROPE_FACTOR = 1024;
    /** Largest llama3 original context length (8192). */
    static final int MAX_POSITIONS = 1 << 24;
    /** Largest fixed task-loss requirement (0.7). */
    static final double MAX_TASK_LOSS = 100;

    public AutoGazeConfig {
        scales = scales.clone();
    }

    @Override
    public int[] scales() {
        return scales.clone();
    }

    /** Number of pyramid scales. */
    public int numScales() {
        return scales.length;
    }

    /** Cells of scale {@code s}: {@code floor(s^2 / sum(s^2) * cellsPerFrame)}. */
    public int cellsOfScale(int s) {
        return cellsPerScale(scales, cellsPerFrame)[s];
    }

    /** Side of the square cell grid of scale {@code s} (2, 4, 7, 14). */
    public int gridOfScale(int s) {
        return (int) Math.round(Math.sqrt(cellsOfScale(s)));
    }

    /** First local id of scale {@code s} (0, 4, 20, 69). */
    public int offsetOfScale(int s) {
        int o = 0;
        for (int i = 0; i < s; i++) {
            o += cellsOfScale(i);
        }
        return o;
    }

    /** Vision tokens per frame in the decoder sequence: {@code (inputImageSize / kernelSize)^2} (196). */
    public int visionTokensPerFrame() {
        int side = visionGridSide();
        return side * side;
    }

    /** Side of the vision token grid (14). */
    public int visionGridSide() {
        return inputImageSize / vision.kernelSize();
    }

    /** K, the number of tokens each decoder call predicts. */
    public int numHeads() {
        return decoder.numMultiTokenPred();
    }

    static int[] cellsPerScale(int[] scales, int cellsPerFrame) {
        double sumSq = 0;
        for (int s : scales) {
            sumSq += (double) s * s;
        }
        int[] n = new int[scales.length];
        for (int i = 0; i < scales.length; i++) {
            n[i] = (int) Math.floor((double) scales[i] * scales[i] / sumSq * cellsPerFrame);
        }
        return n;
    }

    /** Reads and validates {@code config.json}. */
    public static AutoGazeConfig load(Path file) throws ConfigException {
        JsonNode root = readJson(file);
        return parse(file, root);
    }

    static JsonNode readJson(Path file) throws ConfigException {
        try {
            JsonNode root = StrictJson.MAPPER.readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                throw new ConfigException(file, "is not a JSON object");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "file does not exist", e);
        } catch (ConfigException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, "is not well-formed JSON: " + StrictJson.describe(e), e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, "is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses and validates an already-read {@code config.json} tree; {@code file} is only used in messages.
     * Every number is checked against its documented range (docs/checkpoints.md) before anything is sized by it.
     */
    public static AutoGazeConfig parse(Path file, JsonNode root) throws ConfigException {
        JsonFields f = new JsonFields(file);
        String modelType = f.text(root, "", "model_type", "autogaze");
        if (!modelType.equals("autogaze")) {
            throw f.invalid("model_type is '" + modelType + "', expected 'autogaze'");
        }
        int[] scales = parseScales(f, f.text(root, "", "scales", null));
        int cells = f.integer(root, "", "num_vision_tokens_each_frame", 1, MAX_CELLS);
        int maxFrames = f.integer(root, "", "max_num_frames", 16, 1, MAX_FRAMES);
        JsonNode gaze = f.object(root, "", "gaze_model_config");
        int inputSize = f.integer(gaze, "gaze_model_config.", "input_img_size", 1, MAX_SIZE);
        JsonNode v = f.object(gaze, "gaze_model_config.", "vision_model_config");
        String vp = "gaze_model_config.vision_model_config.";
        VisionConfig vision = new VisionConfig(
                f.integer(v, vp, "hidden_dim", 1, MAX_WIDTH),
                f.integer(v, vp, "out_dim", 1, MAX_WIDTH),
                f.integer(v, vp, "depth", 1, MAX_LAYERS),
                f.integer(v, vp, "kernel_size", 1, MAX_KERNEL),
                f.integer(v, vp, "temporal_patch_size", 1, 1, 1),
                f.integer(v, vp, "trunk_temporal_kernel_size", 1, MAX_TRUNK_KERNEL),
                f.integer(v, vp, "trunk_spatial_kernel_size", 1, MAX_TRUNK_KERNEL));
        JsonNode d = f.object(gaze, "gaze_model_config.", "gaze_decoder_config");
        String dp = "gaze_model_config.gaze_decoder_config.";
        int hidden = f.integer(d, dp, "hidden_size", 1, MAX_WIDTH);
        int heads = f.integer(d, dp, "num_attention_heads", 1, MAX_HEADS);
        int kvHeads = f.integer(d, dp, "num_key_value_heads", heads, 1, MAX_HEADS);
        int headDim = f.integer(d, dp, "head_dim", hidden / heads, 1, MAX_WIDTH);
        DecoderConfig decoder = new DecoderConfig(
                hidden,
                f.integer(d, dp, "intermediate_size", 1, MAX_MLP_WIDTH),
                f.integer(d, dp, "num_hidden_layers", 1, MAX_LAYERS),
                heads,
                kvHeads,
                headDim,
                (float) f.number(d, dp, "rms_norm_eps", 1e-6, Range.aboveZero(1)),
                parseRope(f, d, dp),
                f.integer(d, dp, "num_multi_token_pred", 1, 1, cells),
                cells + 1,
                cells);
        String hiddenAct = f.text(d, dp, "hidden_act", "silu");
        if (!hiddenAct.equals("silu")) {
            throw f.invalid(dp + "hidden_act is '" + hiddenAct + "'; only 'silu' is supported");
        }
        if (f.bool(d, dp, "attention_bias", false) || f.bool(d, dp, "mlp_bias", false)) {
            throw f.invalid(dp + "attention_bias / mlp_bias are true; the AutoGaze decoder has no biases");
        }
        double ratio = 0.75;
        JsonNode ratioCfg = root.get("gazing_ratio_config");
        if (ratioCfg != null && ratioCfg.has("fixed")) {
            ratio = f.number(
                    ratioCfg.get("fixed"), "gazing_ratio_config.fixed.", "gazing_ratio", 0.75, Range.aboveZero(1));
        }
        double requirement = 0.7;
        JsonNode tlCfg = root.get("task_loss_requirement_config");
        if (tlCfg != null && tlCfg.has("fixed")) {
            requirement = f.number(
                    tlCfg.get("fixed"),
                    "task_loss_requirement_config.fixed.",
                    "task_loss_requirement",
                    0.7,
                    Range.closed(0, MAX_TASK_LOSS));
        }
        AutoGazeConfig config = new AutoGazeConfig(
                scales,
                cells,
                maxFrames,
                inputSize,
                vision,
                decoder,
                ratio,
                f.bool(root, "", "has_task_loss_requirement_during_inference", false),
                requirement,
                f.bool(root, "", "use_flash_attn", false));
        config.validate(f);
        return config;
    }

    private static int[] parseScales(JsonFields f, String text) throws ConfigException {
        if (text == null || text.isBlank()) {
            throw f.invalid("'scales' is missing (expected e.g. \"32+64+112+224\")");
        }
        String[] parts = text.split("\\+", -1);
        if (parts.length > MAX_SCALES) {
            throw f.invalid("'scales' has " + parts.length + " entries, more than " + MAX_SCALES + " (scales = \""
                    + text + "\")");
        }
        int[] scales = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                scales[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw f.invalid("'scales' entry '" + parts[i] + "' is not an integer (scales = \"" + text + "\")");
            }
            f.inRange("scales[" + i + "]", scales[i], 1, MAX_SIZE);
        }
        Arrays.sort(scales);
        return scales;
    }

    private static RopeConfig parseRope(JsonFields f, JsonNode d, String dp) throws ConfigException {
        // transformers 4.x writes rope_scaling + rope_theta, 5.x writes rope_parameters; accept either.
        JsonNode params = d.get("rope_scaling");
        String pp = dp + "rope_scaling.";
        if (params == null || params.isNull()) {
            params = d.get("rope_parameters");
            pp = dp + "rope_parameters.";
        }
        boolean thetaAtTop = d.has("rope_theta") && !d.get("rope_theta").isNull();
        double theta = thetaAtTop || params == null || params.isNull()
                ? f.number(d, dp, "rope_theta", 10000.0, ROPE_THETA)
                : f.number(params, pp, "rope_theta", 10000.0, ROPE_THETA);
        if (params == null || params.isNull()) {
            return new RopeConfig(theta, "default", 1, 1, 1, 0);
        }
        String type = f.text(params, pp, "rope_type", f.text(params, pp, "type", "default"));
        if (type.equals("default")) {
            return new RopeConfig(theta, "default", 1, 1, 1, 0);
        }
        if (!type.equals("llama3")) {
            throw f.invalid(pp + "rope_type '" + type + "' is not supported (only 'llama3' and 'default')");
        }
        double low = f.number(params, pp, "low_freq_factor", Range.aboveZero(MAX_ROPE_FACTOR));
        double high = f.number(params, pp, "high_freq_factor", Range.aboveZero(MAX_ROPE_FACTOR));
        if (!(high > low)) {
            // llama3 smooths between the two wavelengths by dividing by (high - low)
            throw f.invalid(pp + "high_freq_factor " + high + " must exceed low_freq_factor " + low);
        }
        return new RopeConfig(
                theta,
                type,
                f.number(params, pp, "factor", Range.closed(1, MAX_ROPE_FACTOR)),
                low,
                high,
                f.integer(params, pp, "original_max_position_embeddings", 1, MAX_POSITIONS));
    }

    private void validate(JsonFields f) throws ConfigException {
        int[] n = cellsPerScale(scales, cellsPerFrame);
        int sum = 0;
        for (int i = 0; i < n.length; i++) {
            int g = (int) Math.round(Math.sqrt(n[i]));
            if (g * g != n[i] || n[i] == 0) {
                throw f.invalid(
                        "scale " + scales[i] + " gets " + n[i] + " cells, not a non-empty square grid" + " (scales "
                                + Arrays.toString(scales) + ", num_vision_tokens_each_frame " + cellsPerFrame + ")");
            }
            sum += n[i];
        }
        if (sum != cellsPerFrame) {
            throw f.invalid("cells per scale " + Arrays.toString(n) + " sum to " + sum
                    + " but num_vision_tokens_each_frame is " + cellsPerFrame);
        }
        if (inputImageSize <= 0 || vision.kernelSize() <= 0 || inputImageSize % vision.kernelSize() != 0) {
            throw f.invalid("input_img_size " + inputImageSize + " is not a positive multiple of kernel_size "
                    + vision.kernelSize());
        }
        if (vision.temporalPatchSize() != 1) {
            throw f.invalid("temporal_patch_size " + vision.temporalPatchSize() + " is not supported (only 1)");
        }
        if (vision.depth() < 1 || vision.trunkSpatialKernelSize() % 2 != 1 || vision.trunkTemporalKernelSize() < 1) {
            throw f.invalid("vision trunk: depth " + vision.depth() + ", spatial kernel "
                    + vision.trunkSpatialKernelSize() + ", temporal kernel " + vision.trunkTemporalKernelSize()
                    + " (need depth >= 1 and an odd spatial kernel)");
        }
        if (vision.hiddenDim() <= 0 || vision.outDim() != decoder.hiddenSize()) {
            throw f.invalid("vision out_dim " + vision.outDim() + " must equal the decoder hidden_size "
                    + decoder.hiddenSize());
        }
        DecoderConfig dc = decoder;
        if (dc.numHeads() <= 0 || dc.hiddenSize() % dc.numHeads() != 0) {
            throw f.invalid("decoder hidden_size " + dc.hiddenSize() + " is not divisible by num_attention_heads "
                    + dc.numHeads());
        }
        if (dc.headDim() * dc.numHeads() != dc.hiddenSize() || dc.headDim() % 2 != 0) {
            throw f.invalid("decoder head_dim " + dc.headDim() + " x " + dc.numHeads() + " heads != hidden_size "
                    + dc.hiddenSize() + " (or head_dim is odd)");
        }
        if (dc.numKeyValueHeads() != dc.numHeads()) {
            throw f.invalid("num_key_value_heads " + dc.numKeyValueHeads() + " != num_attention_heads " + dc.numHeads()
                    + ": grouped-query attention is not used by AutoGaze and not supported");
        }
        if (dc.numLayers() < 1 || dc.intermediateSize() < 1) {
            throw f.invalid("decoder needs at least one layer and a positive intermediate_size");
        }
        if (dc.numMultiTokenPred() < 1 || dc.numMultiTokenPred() > cellsPerFrame) {
            throw f.invalid(
                    "num_multi_token_pred " + dc.numMultiTokenPred() + " must be in [1, " + cellsPerFrame + "]");
        }
        if (!(dc.rmsNormEps() > 0)) {
            throw f.invalid("rms_norm_eps must be positive");
        }
        if (maxNumFrames < 1) {
            throw f.invalid("max_num_frames must be positive");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AutoGazeConfig c
                && Arrays.equals(scales, c.scales)
                && cellsPerFrame == c.cellsPerFrame
                && maxNumFrames == c.maxNumFrames
                && inputImageSize == c.inputImageSize
                && vision.equals(c.vision)
                && decoder.equals(c.decoder)
                && defaultGazingRatio == c.defaultGazingRatio
                && hasTaskLossRequirement == c.hasTaskLossRequirement
                && defaultTaskLossRequirement == c.defaultTaskLossRequirement
                && useFlashAttn == c.useFlashAttn;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(scales) * 31 + decoder.hashCode();
    }

    @Override
    public String toString() {
        return "AutoGazeConfig[scales=" + Arrays.toString(scales) + ", cellsPerFrame=" + cellsPerFrame + ", K="
                + decoder.numMultiTokenPred() + ", layers=" + decoder.numLayers() + ", hidden=" + decoder.hiddenSize()
                + "]";
    }
}
