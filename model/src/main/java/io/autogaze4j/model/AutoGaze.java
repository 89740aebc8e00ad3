package io.autogaze4j.model;

import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import io.autogaze4j.weights.AutoGazeConfig;
import io.autogaze4j.weights.Checkpoint;
import io.autogaze4j.weights.PreprocessorConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * NVIDIA AutoGaze: picks, frame by frame, the multi-scale patches of a video that a downstream model
 * needs. Load a Hugging Face checkpoint directory, then call {@link #gaze} on preprocessed clips or
 * open a {@link GazeStream}:
 *
 * <pre>{@code
 * try (var model = AutoGaze.load(dir)) {
 *     GazeResult r = model.gaze(clip, GazeOptions.builder().gazingRatio(0.75).taskLossRequirement(0.7).build());
 * }
 * }</pre>
 *
 * <p>An instance is immutable after loading and may be used from several threads at once; every call
 * keeps its own state.
 */
public final class AutoGaze implements AutoCloseable {
    private final Path source;
    private final AutoGazeConfig config;
    private final PreprocessorConfig preprocessor;
    private final ModelWeights weights;
    private final Backend backend;
    private final boolean ownsBackend;
    private final VisionEncoder encoder;
    private final FrameGenerator generator;
    private final ScaleLayout layout;
    /** Largest input magnitude the checkpoint's processor yields, with 1% slack for other float orderings. */
    private final double inputBound;

    private volatile boolean closed;

    private AutoGaze(Path source, Checkpoint ckpt, Backend backend, boolean ownsBackend) throws IOException {
        this.source = source;
        this.config = ckpt.config();
        this.preprocessor = ckpt.preprocessor();
        this.weights = ModelWeights.load(ckpt);
        backend.prepareFor(
                weights.decoder); // an OpenCL backend starts its kernel builds, to overlap what precedes them
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.encoder = new VisionEncoder(weights, backend);
        this.generator = new FrameGenerator(weights, backend);
        this.layout = ScaleLayout.of(config);
        this.inputBound = ImageProcessor.of(preprocessor).maxMagnitude() * 1.01;
    }

    /** Loads a checkpoint directory and runs it on the CPU backend (one thread per processor). */
    public static AutoGaze load(Path directory) throws IOException {
        Backend cpu = Backend.cpu();
        try {
            return load(directory, cpu, true);
        } catch (IOException | RuntimeException e) {
            cpu.close();
            throw e;
        }
    }

    /** Loads a checkpoint directory to run on {@code backend}, which the caller keeps and closes. */
    public static AutoGaze load(Path directory, Backend backend) throws IOException {
        return load(directory, backend, false);
    }

    private static AutoGaze load(Path directory, Backend backend, boolean owns) throws IOException {
        try (Checkpoint ckpt = Checkpoint.open(directory)) {
            return new AutoGaze(directory, ckpt, backend, owns);
        }
    }

    /** Gazes a whole clip {@code [B, T, 3, H, W]}; rows are independent clips decoded together. */
    public GazeResult gaze(VideoClip clip, GazeOptions options) {
        ensureOpen();
        try (GazeStream stream = new GazeStream(this, clip.batch(), options, clip.frames())) {
            return stream.push(clip);
        }
    }

    /** Opens a streaming session for {@code batch} rows. */
    public GazeStream openStream(int batch, GazeOptions options) {
        ensureOpen();
        return new GazeStream(this, batch, options, 1);
    }

    /** The vision token embeddings {@code [B, T, 196, 192]} of a clip (the connector output). */
    public Tensor embed(VideoClip clip) {
        ensureOpen();
        checkInput(clip);
        int tokens = config.visionTokensPerFrame();
        int hidden = config.decoder().hiddenSize();
        float[] out = new float[clip.batch() * clip.frames() * tokens * hidden];
        Tensor[][] e;
        try (VisionSession session = encoder.open(clip.batch())) {
            e = encoder.encode(session, clip);
        }
        for (int b = 0; b < clip.batch(); b++) {
            for (int t = 0; t < clip.frames(); t++) {
                System.arraycopy(e[b][t].data(), 0, out, (b * clip.frames() + t) * tokens * hidden, tokens * hidden);
            }
        }
        return Tensor.wrap(out, clip.batch(), clip.frames(), tokens, hidden);
    }

    /**
     * Refuses input the model cannot take: frames too large for one model input, or values beyond what the
     * checkpoint's image processor yields (finite 3e38 pixels would otherwise gaze garbage without a word).
     */
    void checkInput(VideoClip clip) {
        long pixels = (long) clip.height() * clip.width();
        if (pixels > 16L * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "frame " + clip.width() + "x" + clip.height() + " is too large for one model input; tile it first");
        }
        clip.checkMagnitude(inputBound, "the preprocessor_config.json of " + source);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model " + source + " is closed");
        }
    }

    public AutoGazeConfig config() {
        return config;
    }

    public PreprocessorConfig preprocessor() {
        return preprocessor;
    }

    /** How ids map to multi-scale cells. */
    public ScaleLayout layout() {
        return layout;
    }

    /** The directory the model was loaded from. */
    public Path source() {
        return source;
    }

    /** The backend computing this model. */
    public Backend backend() {
        return backend;
    }

    ModelWeights weights() {
        return weights;
    }

    VisionEncoder encoder() {
        return encoder;
    }

    FrameGenerator generator() {
        return generator;
    }

    @Override
    public void close() {
        closed = true;
        if (ownsBackend) {
            backend.close();
        }
    }
}
