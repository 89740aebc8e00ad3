package io.autogaze4j.weights;

import java.util.Locale;
import java.util.Optional;

/** Element types a safetensors file may hold, with their on-disk names and byte sizes. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4),
    U8(1),
    BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name used in safetensors headers ("F32", "BF16", ...). */
    public String headerName() {
        return name();
    }

    /** Looks a header dtype name up; empty when unknown. */
    public static Optional<DType> fromHeaderName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** True for the floating point types that convert to float. */
    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16;
    }
}
