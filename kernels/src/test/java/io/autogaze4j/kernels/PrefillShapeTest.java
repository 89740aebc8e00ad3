package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prefill attention's kernel and shape from system properties: defaults, values, the constants, refusals. */
class PrefillShapeTest {
    private static PrefillShape of(Map<String, String> properties) {
        return PrefillShape.of(properties::get);
    }

    @Test
    void unsetPropertiesGiveTheDefaults() {
        PrefillShape shape = of(Map.of());
        assertEquals(PrefillShape.DEFAULT, shape);
        assertEquals(224, shape.queries());
        assertEquals(" -D PW=224 -D PQI=1 -D PB=8 -D PKC=64", shape.defines());
        assertEquals("", shape.differences());
        shape.check(32);
    }

    @Test
    void propertiesSetEveryKnob() {
        PrefillShape shape = of(Map.of(
                PrefillShape.ITEMS_PROPERTY, "128",
                PrefillShape.QUERIES_PROPERTY, " 2 ",
                PrefillShape.KEY_BLOCK_PROPERTY, "16",
                PrefillShape.CHUNK_PROPERTY, "32"));
        assertEquals(new PrefillShape(true, 128, 2, 16, 32), shape);
        assertEquals(256, shape.queries());
        assertEquals(" -D PW=128 -D PQI=2 -D PB=16 -D PKC=32", shape.defines());
        assertTrue(shape.differences().contains("128 x 2"), shape.differences());
        PrefillShape tiled = of(Map.of(PrefillShape.REGISTERS_PROPERTY, "OFF"));
        assertEquals("", tiled.defines(), "the tiled prefill needs no constants");
        assertTrue(tiled.differences().contains("attention_prefill"), tiled.differences());
    }

    @Test
    void shapesTheKernelCannotTakeAreRefusedByName() {
        assertRefused(Map.of(PrefillShape.ITEMS_PROPERTY, "many"), PrefillShape.ITEMS_PROPERTY);
        assertRefused(Map.of(PrefillShape.ITEMS_PROPERTY, "2048"), PrefillShape.ITEMS_PROPERTY);
        assertRefused(Map.of(PrefillShape.QUERIES_PROPERTY, "0"), PrefillShape.QUERIES_PROPERTY);
        assertRefused(Map.of(PrefillShape.QUERIES_PROPERTY, "5"), PrefillShape.QUERIES_PROPERTY);
        assertRefused(Map.of(PrefillShape.KEY_BLOCK_PROPERTY, "12"), PrefillShape.KEY_BLOCK_PROPERTY);
        assertRefused(Map.of(PrefillShape.CHUNK_PROPERTY, "4"), PrefillShape.CHUNK_PROPERTY);
        assertRefused(Map.of(PrefillShape.REGISTERS_PROPERTY, "yes"), PrefillShape.REGISTERS_PROPERTY);
        assertRefused(Map.of(ClContext.OPTIONS_PROPERTY, "-D K_UNROLL=4 -DPW=64"), PrefillShape.ITEMS_PROPERTY);
        of(Map.of(ClContext.OPTIONS_PROPERTY, "-D PWX=1 -D SL2=3")); // other constants pass
        IllegalArgumentException staged = assertThrows(
                IllegalArgumentException.class,
                () -> of(Map.of(PrefillShape.CHUNK_PROPERTY, "128")).check(32));
        assertTrue(staged.getMessage().contains(PrefillShape.CHUNK_PROPERTY), staged.getMessage());
        of(Map.of(PrefillShape.CHUNK_PROPERTY, "128", PrefillShape.REGISTERS_PROPERTY, "off"))
                .check(32); // the tiled kernel stages no such chunk
    }

    private static void assertRefused(Map<String, String> properties, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(properties));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
