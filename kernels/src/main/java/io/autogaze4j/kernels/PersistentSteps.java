package io.autogaze4j.kernels;

/**
 * Which decoder steps run as one launch of decoder.cl's {@code persistent_step} ({@link ClPersistentStep}), from
 * {@link OpenClBackend#PERSISTENT_PROPERTY}.
 *
 * @param most   the most rows (batch x new tokens) of a step that runs so; 0: none. Below
 *               {@link DecoderBuilds#WIDE_FROM} (from there the wide kernels run, whose sums are not the split ones')
 * @param groups work-groups of the launch: at most one per compute unit, so that all are resident at once (its grid
 *               barriers wait for every one); tests run one, which takes every phase's work-groups in turn
 * @param phaseClock whether the build times its phases ({@link OpenClBackend#PHASE_CLOCK_PROPERTY}: a profile, not a
 *                   default)
 * @param frames     whether a frame's consecutive steps that run so run as one launch of {@code persistent_frame} (else
 *                   one launch per step; {@link OpenClBackend#PERSISTENT_FRAMES_PROPERTY})
 */
record PersistentSteps(int most, int groups, boolean phaseClock, boolean frames) {
    /** No step runs as one launch. */
    static final PersistentSteps OFF = new PersistentSteps(0, 1, false, false);
    /**
     * The most rows of a persistent step when the switch is on: decode steps up to batch 4 at K = 10, the calls the
     * split kernels were measured on (their phases; docs/benchmarks.md, "Split row kernels for few rows").
     */
    static final int MOST_ROWS = 40;

    PersistentSteps {
        if (most < 0 || most >= DecoderBuilds.WIDE_FROM) {
            throw new IllegalArgumentException(
                    "persistent step rows " + most + " outside [0, " + DecoderBuilds.WIDE_FROM + ")");
        }
        if (groups < 1) {
            throw new IllegalArgumentException("persistent step work-groups must be >= 1, got " + groups);
        }
    }

    /** Whether a step of {@code rows} rows runs as one launch. */
    boolean takes(int rows) {
        return rows <= most;
    }
}
