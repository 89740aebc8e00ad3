package io.autogaze4j.model;

/**
 * What one decoder call of generation did, for debugging and parity checks (recorded only when
 * {@link GazeOptions#recordTrace()} is set). Arrays are indexed by batch row first.
 *
 * @param frame           frame index
 * @param step            step within the frame (0 = the prefill)
 * @param queryLength     tokens fed to every row in this call
 * @param cacheLengthBefore KV-cache length of row 0 before the call
 * @param positions       rotary positions of the fed tokens
 * @param tokens          local ids chosen by this call (after padding; the pad id marks padding)
 * @param taskLoss        raw task-loss predictions of all K heads at the last position
 * @param margins         top-1 minus top-2 processed score of each selection (NaN where the row had finished)
 * @param meet            where the task-loss requirement was met (that token became a pad)
 */
public record StepTrace(
        int frame,
        int step,
        int queryLength,
        int cacheLengthBefore,
        int[][] positions,
        int[][] tokens,
        float[][] taskLoss,
        float[][] margins,
        boolean[][] meet) {}
