package io.autogaze4j.tensor;

import java.util.Arrays;
import java.util.Locale;

/** Where the model runs, as a caller asks for it ({@link Backend#named}) and as a backend reports it ({@link Backend#kind}). */
public enum BackendKind {
    /** The pure-Java Vector API backend, the reference. */
    CPU,
    /** The OpenCL backend of the {@code autogaze4j-kernels} module. */
    OPENCL,
    /** A request only: OpenCL when a device exists, else the CPU; a backend reports {@link #CPU} or {@link #OPENCL}. */
    AUTO;

    /** The kind named {@code name} ({@code cpu}, {@code opencl} or {@code auto}, any case, surrounding blanks ignored). */
    public static BackendKind parse(String name) {
        String key = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
        for (BackendKind k : values()) {
            if (k.name().equals(key)) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "backend must be one of " + Arrays.toString(names()) + ", got '" + name + "'");
    }

    /** The lower-case names of every kind, as {@link #parse} takes them. */
    public static String[] names() {
        return Arrays.stream(values()).map(BackendKind::toString).toArray(String[]::new);
    }

    /** The lower-case name ({@code cpu}, {@code opencl}, {@code auto}). */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
