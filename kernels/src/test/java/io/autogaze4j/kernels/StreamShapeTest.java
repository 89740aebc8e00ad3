package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The streamed attention's shape from system properties: defaults, values, the constants it sets, refusals. */
class StreamShapeTest {
    private static final OpenClDevice NVIDIA =
            new OpenClDevice(0, "NVIDIA CUDA", "H200", false, "OpenCL 3.0", 1L << 37, 132);
    private static final OpenClDevice PORTABLE =
            new OpenClDevice(0, "Portable Computing Language", "cpu", true, "OpenCL 3.0", 1L << 33, 2);

    private static StreamShape of(Map<String, String> properties) {
        return StreamShape.of(properties::get);
    }

    @Test
    void unsetPropertiesGiveTheDefaults() {
        StreamShape shape = of(Map.of());
        assertEquals(StreamShape.DEFAULT, shape);
        assertEquals(128, shape.groupSize(32));
        assertEquals(" -D SQ=10 -D SL=32 -D SD=8 -D SR=10 -D SE=1 -D SI=0 -D STREAM_PREFETCH=0", shape.defines(10));
        assertEquals("", shape.differences());
        assertEquals("", shape.compilerOptions(PORTABLE));
    }

    @Test
    void propertiesSetEveryKnob() {
        StreamShape shape = of(Map.of(
                StreamShape.LANES_PROPERTY, "64",
                StreamShape.DIMS_PROPERTY, " 4 ",
                StreamShape.REGISTER_QUERIES_PROPERTY, "2",
                StreamShape.SHARED_EXP_PROPERTY, "Off",
                StreamShape.SPLIT_FACTOR_PROPERTY, "12",
                StreamShape.MAX_SPLITS_PROPERTY, "4",
                StreamShape.LAST_KERNEL_PROPERTY, "off",
                StreamShape.INTERLEAVE_PROPERTY, "on",
                StreamShape.PREFETCH_PROPERTY, " ON",
                StreamShape.MAX_REGISTERS_PROPERTY, "96"));
        assertEquals(
                new StreamShape(64, 4, OptionalInt.of(2), false, 12, 4, false, true, true, OptionalInt.of(96)), shape);
        assertEquals(512, shape.groupSize(32));
        assertEquals(" -D SQ=10 -D SL=64 -D SD=4 -D SR=2 -D SE=0 -D SI=1 -D STREAM_PREFETCH=1", shape.defines(10));
        assertEquals(" -cl-nv-maxrregcount=96", shape.compilerOptions(NVIDIA));
        assertTrue(shape.differences().contains("not shared"), shape.differences());
        assertTrue(shape.differences().contains("interleaved"), shape.differences());
        assertTrue(shape.differences().contains("96 registers"), shape.differences());
        assertTrue(shape.differences().contains("prefetched"), shape.differences());
        assertFalse(shape.defaultLaunch());
        shape.check(10, 32);
    }

    @Test
    void shapesTheKernelCannotTakeAreRefusedByName() {
        assertRefused(Map.of(StreamShape.LANES_PROPERTY, "eight"), StreamShape.LANES_PROPERTY);
        assertRefused(Map.of(StreamShape.LANES_PROPERTY, "8"), StreamShape.LANES_PROPERTY);
        assertRefused(Map.of(StreamShape.REGISTER_QUERIES_PROPERTY, "-1"), StreamShape.REGISTER_QUERIES_PROPERTY);
        assertRefused(Map.of(StreamShape.SPLIT_FACTOR_PROPERTY, "0"), StreamShape.SPLIT_FACTOR_PROPERTY);
        assertRefused(Map.of(StreamShape.SHARED_EXP_PROPERTY, "yes"), StreamShape.SHARED_EXP_PROPERTY);
        assertRefused(Map.of(ClContext.OPTIONS_PROPERTY, "-D K_UNROLL=4 -DSL=16"), StreamShape.LANES_PROPERTY);
        assertRefused(Map.of(ClContext.OPTIONS_PROPERTY, "-D SR=2"), StreamShape.REGISTER_QUERIES_PROPERTY);
        assertRefused(Map.of(ClContext.OPTIONS_PROPERTY, "-DSI=1"), StreamShape.INTERLEAVE_PROPERTY);
        assertRefused(Map.of(StreamShape.INTERLEAVE_PROPERTY, "1"), StreamShape.INTERLEAVE_PROPERTY);
        assertRefused(Map.of(StreamShape.MAX_REGISTERS_PROPERTY, "8"), StreamShape.MAX_REGISTERS_PROPERTY);
        assertRefused(Map.of(StreamShape.MAX_REGISTERS_PROPERTY, "256"), StreamShape.MAX_REGISTERS_PROPERTY);
        assertRefused(Map.of(StreamShape.MAX_REGISTERS_PROPERTY, "many"), StreamShape.MAX_REGISTERS_PROPERTY);
        IllegalArgumentException notNvidia = assertThrows(
                IllegalArgumentException.class,
                () -> of(Map.of(StreamShape.MAX_REGISTERS_PROPERTY, "128")).compilerOptions(PORTABLE));
        assertTrue(notNvidia.getMessage().contains("Portable Computing Language"), notNvidia.getMessage());
        assertRefused(Map.of(ClContext.OPTIONS_PROPERTY, "-D STREAM_PREFETCH=1"), StreamShape.PREFETCH_PROPERTY);
        of(Map.of(ClContext.OPTIONS_PROPERTY, "-D K_UNROLL=4 -D SLOW=1")); // other constants pass
        IllegalArgumentException dims = assertThrows(
                IllegalArgumentException.class,
                () -> of(Map.of(StreamShape.DIMS_PROPERTY, "3")).check(10, 32));
        assertTrue(dims.getMessage().contains(StreamShape.DIMS_PROPERTY), dims.getMessage());
        IllegalArgumentException queries = assertThrows(
                IllegalArgumentException.class,
                () -> of(Map.of(StreamShape.REGISTER_QUERIES_PROPERTY, "11")).check(10, 32));
        assertTrue(queries.getMessage().contains("10 queries"), queries.getMessage());
    }

    private static void assertRefused(Map<String, String> properties, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(properties));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
