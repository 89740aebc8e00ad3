package io.autogaze4j.kernels;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The per-session switches of an OpenCL decoder session ({@link ClDecoderSession}): which kernels it runs and how it
 * schedules a frame. The backend reads them from the system properties once, when it opens ({@link #fromProperties});
 * that is the one place each property is parsed. Tests open sessions with some switches changed:
 * <pre>{@code
 * cl.openDecoder(w, batch, 64, 64, cl.decoderOptions().withSplitTarget(4096).withTiledAttention(true))
 * }</pre>
 * A new switch is a component here (its default, which may depend on the device, in {@link #of}), a field of {@link
 * Copy} (copied and built in one place each) and a with-method; the session reads it from the record it is given.
 *
 * @param splitTarget     attention work-groups below which decode steps split their keys: the device's compute units x
 *                        {@link ClDecoderSession#GROUPS_PER_UNIT} (tests pass more to exercise the splits)
 * @param decodesFrames   whether {@link ClDecoderSession#forwardFrame} is offered, else every step is a host round trip
 *                        ({@link OpenClBackend#FRAME_LOOP_PROPERTY})
 * @param attention       which attention kernels run prefills and decode steps, by batch size
 *                        ({@link OpenClBackend#ATTENTION_PROPERTY}); the last layer's last-token attention is strided
 *                        either way, and heads whose dimension the tiled kernels do not take get the strided kernel
 * @param streamAttention whether, with the tiled kernels, decode steps of at most K new tokens per row and the last
 *                        layer's last-token attention run the streamed kernel, else the tiled decode kernel and the
 *                        strided one ({@link OpenClBackend#STREAM_ATTENTION_PROPERTY})
 * @param overlap         whether a session with the decode loop on the device pipelines frames
 *                        ({@link OpenClBackend#OVERLAP_PROPERTY})
 * @param fuseFeed        whether a frame's decode steps gather their ids in layer 0 ({@code feed_qkv_rope}), not in a
 *                        {@code feed_step} launch before {@code qkv_rope} ({@link OpenClBackend#FUSE_FEED_PROPERTY})
 * @param rowSplit        the calls that run on the split row kernels, and their rows per work-group
 *                        ({@link OpenClBackend#SPLIT_ROWS_PROPERTY}, {@link OpenClBackend#SPLIT_GROUP_ROWS_PROPERTY})
 * @param streamShape     the streamed attention's launch and variant ({@link StreamShape#of})
 * @param prefillShape    the tiled prefill attention's kernel and shape ({@link PrefillShape#of})
 * @param persistentSteps the decoder steps that run as one persistent launch ({@link OpenClBackend#PERSISTENT_PROPERTY},
 *                        {@link OpenClBackend#PHASE_CLOCK_PROPERTY}, {@link OpenClBackend#PERSISTENT_FRAMES_PROPERTY})
 */
record DecoderSessionOptions(
        int splitTarget,
        boolean decodesFrames,
        AttentionChoice attention,
        boolean streamAttention,
        boolean overlap,
        boolean fuseFeed,
        RowSplit rowSplit,
        StreamShape streamShape,
        PrefillShape prefillShape,
        PersistentSteps persistentSteps) {

    DecoderSessionOptions {
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(rowSplit, "rowSplit");
        Objects.requireNonNull(streamShape, "streamShape");
        Objects.requireNonNull(prefillShape, "prefillShape");
        Objects.requireNonNull(persistentSteps, "persistentSteps");
    }

    /** The options the system properties give on {@code device} (each unset property: its default); see {@link #of}. */
    static DecoderSessionOptions fromProperties(OpenClDevice device) {
        return of(System::getProperty, device);
    }

    /**
     * The options the properties {@code property} looks up give on {@code device} (each unset one: its default).
     *
     * @throws IllegalArgumentException for a value a property does not take, naming the property and the value
     */
    static DecoderSessionOptions of(UnaryOperator<String> property, OpenClDevice device) {
        return new DecoderSessionOptions(
                device.computeUnits() * ClDecoderSession.GROUPS_PER_UNIT,
                frameLoop(property.apply(OpenClBackend.FRAME_LOOP_PROPERTY)),
                AttentionChoice.of(property.apply(OpenClBackend.ATTENTION_PROPERTY)),
                OnOffProperty.isOn(
                        OpenClBackend.STREAM_ATTENTION_PROPERTY,
                        property.apply(OpenClBackend.STREAM_ATTENTION_PROPERTY),
                        "the streamed decode attention"),
                overlap(property.apply(OpenClBackend.OVERLAP_PROPERTY)),
                fuseFeed(property.apply(OpenClBackend.FUSE_FEED_PROPERTY)),
                new RowSplit(
                        splitRows(property.apply(OpenClBackend.SPLIT_ROWS_PROPERTY)),
                        splitGroupRows(property.apply(OpenClBackend.SPLIT_GROUP_ROWS_PROPERTY))),
                StreamShape.of(property),
                PrefillShape.of(property),
                persistentSteps(
                        property.apply(OpenClBackend.PERSISTENT_PROPERTY),
                        property.apply(OpenClBackend.PHASE_CLOCK_PROPERTY),
                        property.apply(OpenClBackend.PERSISTENT_FRAMES_PROPERTY),
                        device));
    }

    /**
     * The value of {@link OpenClBackend#FRAME_LOOP_PROPERTY}: unset or {@code on} true, {@code off} false.
     *
     * @throws IllegalArgumentException for any other value
     */
    static boolean frameLoop(String value) {
        return OnOffProperty.isOn(OpenClBackend.FRAME_LOOP_PROPERTY, value, "the decode loop on the device");
    }

    /**
     * The value of {@link OpenClBackend#OVERLAP_PROPERTY}: unset or {@code on} true, {@code off} false.
     *
     * @throws IllegalArgumentException for any other value
     */
    static boolean overlap(String value) {
        return OnOffProperty.isOn(
                OpenClBackend.OVERLAP_PROPERTY, value, "frame f + 1 enqueued while the device runs frame f");
    }

    /**
     * The value of {@link OpenClBackend#FUSE_FEED_PROPERTY}: unset or {@code on} true, {@code off} false.
     *
     * @throws IllegalArgumentException for any other value
     */
    static boolean fuseFeed(String value) {
        return OnOffProperty.isOn(
                OpenClBackend.FUSE_FEED_PROPERTY, value, "a frame's fed ids gathered in layer 0 (feed_qkv_rope)");
    }

    /**
     * The value of {@link OpenClBackend#SPLIT_ROWS_PROPERTY}: unset or {@code off} 0 (no call runs the split row
     * kernels), else the most rows of a call that runs them, from 1 to {@link DecoderBuilds#WIDE_FROM} - 1 (from there
     * the wide kernels run, whose sums are not the split ones').
     *
     * @throws IllegalArgumentException for any other value
     */
    static int splitRows(String value) {
        if (value == null) {
            return 0;
        }
        return CountProperty.countOrOff(
                OpenClBackend.SPLIT_ROWS_PROPERTY,
                value,
                DecoderBuilds.WIDE_FROM - 1,
                "the most rows of a decoder call run on the split row kernels");
    }

    /**
     * The value of {@link OpenClBackend#SPLIT_GROUP_ROWS_PROPERTY}: unset 1, else a row count from 1 to
     * {@link RowSplit#MAX_PER_GROUP}.
     *
     * @throws IllegalArgumentException for any other value
     */
    static int splitGroupRows(String value) {
        if (value == null) {
            return 1;
        }
        return CountProperty.count(
                OpenClBackend.SPLIT_GROUP_ROWS_PROPERTY,
                value,
                RowSplit.MAX_PER_GROUP,
                "rows per work-group of the split row kernels");
    }

    /**
     * The value of {@link OpenClBackend#PERSISTENT_PROPERTY} on {@code device}: unset or {@code off} none; {@code on}
     * steps of at most {@link PersistentSteps#MOST_ROWS} rows over one work-group per compute unit, on GPUs (a CPU
     * device runs work-groups in turn, which a grid barrier cannot wait for); {@code clock} and {@code frames} the
     * values of {@link OpenClBackend#PHASE_CLOCK_PROPERTY} and {@link OpenClBackend#PERSISTENT_FRAMES_PROPERTY} (unset:
     * off).
     *
     * @throws IllegalArgumentException for a value other than on or off, naming the property
     */
    static PersistentSteps persistentSteps(String value, String clock, String frames, OpenClDevice device) {
        boolean on = value != null
                && OnOffProperty.isOn(OpenClBackend.PERSISTENT_PROPERTY, value, "one launch per decoder step");
        boolean clocked = clock != null
                && OnOffProperty.isOn(OpenClBackend.PHASE_CLOCK_PROPERTY, clock, "the persistent step's phase clock");
        boolean perFrame = frames != null
                && OnOffProperty.isOn(
                        OpenClBackend.PERSISTENT_FRAMES_PROPERTY, frames, "one persistent launch per frame");
        return on && !device.cpu()
                ? new PersistentSteps(PersistentSteps.MOST_ROWS, device.computeUnits(), clocked, perFrame)
                : PersistentSteps.OFF;
    }

    /** Whether a session of {@code batch} rows runs the tiled attention kernels ({@link #attention}). */
    boolean tiledFor(int batch) {
        return attention.tiledFor(batch);
    }

    /** Whether a session with the decode loop on the device pipelines frames: {@link #decodesFrames} and {@link #overlap}. */
    boolean pipelinesFrames() {
        return decodesFrames && overlap;
    }

    /** These options with attention work-groups {@code target} below which decode steps split their keys. */
    DecoderSessionOptions withSplitTarget(int target) {
        return with(c -> c.splitTarget = target);
    }

    /** These options with the decode loop on the device ({@code true}) or every step a host round trip. */
    DecoderSessionOptions withDecodesFrames(boolean on) {
        return with(c -> c.decodesFrames = on);
    }

    /** These options with the tiled attention kernels ({@code true}) or the strided one at every batch size. */
    DecoderSessionOptions withTiledAttention(boolean tiled) {
        return with(c -> c.attention = tiled ? AttentionChoice.TILED : AttentionChoice.STRIDED);
    }

    /** These options with the streamed decode attention on or off (where the tiled kernels run). */
    DecoderSessionOptions withStreamAttention(boolean on) {
        return with(c -> c.streamAttention = on);
    }

    /** These options with a frame's fed ids gathered in layer 0 ({@code true}) or by a {@code feed_step} launch. */
    DecoderSessionOptions withFuseFeed(boolean on) {
        return with(c -> c.fuseFeed = on);
    }

    /** These options with {@code split}'s calls on the split row kernels. */
    DecoderSessionOptions withRowSplit(RowSplit split) {
        return with(c -> c.rowSplit = split);
    }

    /** These options with the streamed attention of shape {@code shape}. */
    DecoderSessionOptions withStreamShape(StreamShape shape) {
        return with(c -> c.streamShape = shape);
    }

    /** These options with the tiled prefill attention of kernel and shape {@code shape}. */
    DecoderSessionOptions withPrefillShape(PrefillShape shape) {
        return with(c -> c.prefillShape = shape);
    }

    /** These options with {@code steps} run as one persistent launch. */
    DecoderSessionOptions withPersistentSteps(PersistentSteps steps) {
        return with(c -> c.persistentSteps = steps);
    }

    /** These options with {@code change} made to a copy of their components. */
    private DecoderSessionOptions with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The components of a {@link DecoderSessionOptions} while a with-method changes one (the record checks them). */
    private static final class Copy {
        int splitTarget;
        boolean decodesFrames;
        AttentionChoice attention;
        boolean streamAttention;
        boolean overlap;
        boolean fuseFeed;
        RowSplit rowSplit;
        StreamShape streamShape;
        PrefillShape prefillShape;
        PersistentSteps persistentSteps;

        Copy(DecoderSessionOptions o) {
            splitTarget = o.splitTarget;
            decodesFrames = o.decodesFrames;
            attention = o.attention;
            streamAttention = o.streamAttention;
            overlap = o.overlap;
            fuseFeed = o.fuseFeed;
            rowSplit = o.rowSplit;
            streamShape = o.streamShape;
            prefillShape = o.prefillShape;
            persistentSteps = o.persistentSteps;
        }

        DecoderSessionOptions build() {
            return new DecoderSessionOptions(
                    splitTarget,
                    decodesFrames,
                    attention,
                    streamAttention,
                    overlap,
                    fuseFeed,
                    rowSplit,
                    streamShape,
                    prefillShape,
                    persistentSteps);
        }
    }
}
