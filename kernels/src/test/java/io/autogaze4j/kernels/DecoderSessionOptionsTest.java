package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DecoderSessionOptionsTest {
    /** A GPU of 66 compute units (no device is opened). */
    private static final OpenClDevice GPU = new OpenClDevice(0, "platform", "gpu", false, "OpenCL 3.0", 1L << 30, 66);

    private static DecoderSessionOptions of(Map<String, String> properties) {
        return DecoderSessionOptions.of(properties::get, GPU);
    }

    @Test
    void noPropertySetGivesTheBackendsDefaults() {
        assertEquals(
                new DecoderSessionOptions(
                        66 * ClDecoderSession.GROUPS_PER_UNIT,
                        true,
                        AttentionChoice.AUTO,
                        true,
                        true,
                        true,
                        RowSplit.OFF,
                        StreamShape.DEFAULT,
                        PrefillShape.DEFAULT,
                        PersistentSteps.OFF),
                of(Map.of()));
    }

    @Test
    void eachPropertySetsItsSwitchAlone() {
        DecoderSessionOptions defaults = of(Map.of());
        assertEquals(defaults.withDecodesFrames(false), of(Map.of(OpenClBackend.FRAME_LOOP_PROPERTY, "off")));
        assertEquals(defaults.withTiledAttention(true), of(Map.of(OpenClBackend.ATTENTION_PROPERTY, "tiled")));
        assertEquals(defaults.withStreamAttention(false), of(Map.of(OpenClBackend.STREAM_ATTENTION_PROPERTY, "off")));
        assertEquals(withOverlapOff(defaults), of(Map.of(OpenClBackend.OVERLAP_PROPERTY, "off")));
        assertEquals(defaults.withFuseFeed(false), of(Map.of(OpenClBackend.FUSE_FEED_PROPERTY, "off")));
        assertEquals(
                defaults.withRowSplit(new RowSplit(40, 3)),
                of(Map.of(OpenClBackend.SPLIT_ROWS_PROPERTY, "40", OpenClBackend.SPLIT_GROUP_ROWS_PROPERTY, "3")));
        assertEquals(
                defaults.withStreamShape(twoRegisterQueries()), of(Map.of(StreamShape.REGISTER_QUERIES_PROPERTY, "2")));
        assertEquals(
                defaults.withPrefillShape(PrefillShape.of(Map.of(PrefillShape.ITEMS_PROPERTY, "64")::get)),
                of(Map.of(PrefillShape.ITEMS_PROPERTY, "64")));
        assertTrue(defaults.pipelinesFrames(), "frames pipelined by default");
        assertFalse(withOverlapOff(defaults).pipelinesFrames(), "no pipelining with the overlap off");
        assertFalse(defaults.withDecodesFrames(false).pipelinesFrames(), "none without the decode loop on the device");
    }

    /** {@link StreamShape#DEFAULT} with two queries' outputs in registers. */
    private static StreamShape twoRegisterQueries() {
        StreamShape d = StreamShape.DEFAULT;
        return new StreamShape(
                d.lanes(),
                d.dims(),
                OptionalInt.of(2),
                d.sharedExp(),
                d.splitFactor(),
                d.maxSplits(),
                d.lastKernel(),
                d.interleave(),
                d.prefetch(),
                d.maxRegisters());
    }

    private static DecoderSessionOptions withOverlapOff(DecoderSessionOptions o) {
        return new DecoderSessionOptions(
                o.splitTarget(),
                o.decodesFrames(),
                o.attention(),
                o.streamAttention(),
                false,
                o.fuseFeed(),
                o.rowSplit(),
                o.streamShape(),
                o.prefillShape(),
                o.persistentSteps());
    }

    @Test
    void aValueAPropertyDoesNotTakeIsAnErrorNamingIt() {
        for (String property : new String[] {
            OpenClBackend.FRAME_LOOP_PROPERTY,
            OpenClBackend.ATTENTION_PROPERTY,
            OpenClBackend.STREAM_ATTENTION_PROPERTY,
            OpenClBackend.OVERLAP_PROPERTY,
            OpenClBackend.FUSE_FEED_PROPERTY,
            OpenClBackend.SPLIT_ROWS_PROPERTY,
            OpenClBackend.SPLIT_GROUP_ROWS_PROPERTY,
            StreamShape.LANES_PROPERTY,
            PrefillShape.ITEMS_PROPERTY
        }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> of(Map.of(property, "maybe")), property);
            assertTrue(e.getMessage().contains("-D" + property + "=maybe"), e.getMessage());
        }
    }

    @Test
    void eachWitherChangesItsSwitchAlone() {
        DecoderSessionOptions d = of(Map.of());
        RowSplit split = new RowSplit(20, 2);
        StreamShape shape =
                new StreamShape(64, 4, OptionalInt.empty(), true, 6, 16, true, false, false, OptionalInt.empty());
        PrefillShape prefill = new PrefillShape(false, 128, 2, 8, 64);
        PersistentSteps persistent = new PersistentSteps(PersistentSteps.MOST_ROWS, 132, false, true);
        // each with-method sets its component, and setting it back gives the record it started from (nothing else
        // moved)
        assertEquals(7, d.withSplitTarget(7).splitTarget());
        assertEquals(d, d.withSplitTarget(7).withSplitTarget(d.splitTarget()));
        assertFalse(d.withDecodesFrames(false).decodesFrames());
        assertEquals(d, d.withDecodesFrames(false).withDecodesFrames(true));
        assertEquals(AttentionChoice.STRIDED, d.withTiledAttention(false).attention());
        assertEquals(AttentionChoice.TILED, d.withTiledAttention(true).attention());
        assertEquals(d.withTiledAttention(false), d.withTiledAttention(true).withTiledAttention(false));
        assertFalse(d.withStreamAttention(false).streamAttention());
        assertEquals(d, d.withStreamAttention(false).withStreamAttention(true));
        assertFalse(d.withFuseFeed(false).fuseFeed());
        assertEquals(d, d.withFuseFeed(false).withFuseFeed(true));
        assertEquals(split, d.withRowSplit(split).rowSplit());
        assertEquals(d, d.withRowSplit(split).withRowSplit(RowSplit.OFF));
        assertEquals(shape, d.withStreamShape(shape).streamShape());
        assertEquals(d, d.withStreamShape(shape).withStreamShape(StreamShape.DEFAULT));
        assertEquals(prefill, d.withPrefillShape(prefill).prefillShape());
        assertEquals(d, d.withPrefillShape(prefill).withPrefillShape(PrefillShape.DEFAULT));
        assertEquals(persistent, d.withPersistentSteps(persistent).persistentSteps());
        assertEquals(d, d.withPersistentSteps(persistent).withPersistentSteps(PersistentSteps.OFF));
        assertTrue(d.withTiledAttention(true).tiledFor(1), "tiled at every batch size");
        assertFalse(d.withTiledAttention(false).tiledFor(128), "strided at every batch size");
    }
}
