package io.autogaze4j.readout.viz;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link VisualizationWriter} produced.
 *
 * @param metrics the run's metrics
 * @param pngs    the PNG files written, in order (panels, masks, interframe outputs per frame)
 * @param gif     the animated GIF, when written
 * @param html    the HTML report, when written
 */
public record VizResult(RunMetrics metrics, List<Path> pngs, Optional<Path> gif, Optional<Path> html) {

    public VizResult {
        pngs = List.copyOf(pngs);
    }
}
