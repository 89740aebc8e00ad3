package io.autogaze4j.cli;

import java.util.List;

/**
 * The readout of a run.
 *
 * @param spec         what was asked for
 * @param coords       video-token coordinates {@code (clip, temporal, row, col)}, clip by clip, each clip's in id order
 * @param skippedClips clips whose frames are not whole tubelets (a short last clip), left out
 */
record ReadoutRecord(ReadoutSpec spec, List<int[]> coords, int skippedClips) {
    /** The file the coordinates go to with {@link ReadoutSpec.Format#NPY}, inside the output directory. */
    static final String NPY_FILE = "readout.npy";

    ReadoutRecord {
        coords = List.copyOf(coords);
    }
}
