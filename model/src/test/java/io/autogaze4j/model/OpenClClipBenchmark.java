package io.autogaze4j.model;

import io.autogaze4j.kernels.OpenClBackend;
import io.autogaze4j.tensor.Backend;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Times whole-clip gazing on a chosen backend (to move into the {@code bench} module later):
 * {@code java -cp ... io.autogaze4j.model.OpenClClipBenchmark <checkpoint dir> [opencl|cpu] [batches, e.g. 1,8,45] [runs]}.
 * Each clip is {@code batch} rows of 16 random 224x224 frames, ratio 0.75, no task-loss requirement (so
 * every frame uses its full budget of 198 tokens: 20 decoder steps). Prints the median wall time per clip
 * after warm-up (the decoder blocks on every step, so wall time is device time plus host gaps), valid
 * tokens per second, 224-tile frames per second, and on OpenCL the device time per kernel from
 * profiling events of one extra profiled run.
 */
public final class OpenClClipBenchmark {
    private OpenClClipBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean openCl = args.length < 2 || args[1].equals("opencl");
        int[] batches = args.length < 3 ? new int[] {1, 8} : Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = args.length < 4 ? 7 : Integer.parseInt(args[3]);
        GazeOptions options = GazeOptions.builder().gazingRatio(0.75).build();
        try (Backend backend = openCl ? OpenClBackend.open(OpenClBackend.preferredDevice()) : Backend.cpu(); AutoGaze model = AutoGaze.load(dir, backend)) {
            System.out.println("OpenCL devices: " + OpenClBackend.devices());
            System.out.println("backend: " + backend.name() + ", K = " + model.config().numHeads());
            for (int batch : batches) {
                VideoClip clip = randomClip(batch, 16, 1234 + batch);
                for (int w = 0; w < 2; w++) {
                    model.gaze(clip, options);
                }
                double[] ms = new double[runs];
                long valid = 0;
                for (int r = 0; r < runs; r++) {
                    long t0 = System.nanoTime();
                    GazeResult res = model.gaze(clip, options);
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                    valid = 0;
                    for (int b = 0; b < batch; b++) {
                        valid += res.validCount(b);
                    }
                }
                Arrays.sort(ms);
                double median = ms[runs / 2];
                System.out.printf("batch %3d: median %8.1f ms per 16-frame clip (min %.1f, max %.1f, %d runs); %,.0f valid tokens/s; "
                        + "%,.0f tile-frames/s%n", batch, median, ms[0], ms[runs - 1], runs, valid / (median / 1e3), batch * 16 / (median / 1e3));
                if (backend instanceof OpenClBackend cl) {
                    printProfile(cl, model, clip, options);
                }
            }
        }
    }

    private static void printProfile(OpenClBackend cl, AutoGaze model, VideoClip clip, GazeOptions options) {
        cl.profiling(true);
        long t0 = System.nanoTime();
        model.gaze(clip, options);
        double wall = (System.nanoTime() - t0) / 1e6;
        Map<String, long[]> p = cl.kernelProfile();
        cl.profiling(false);
        long total = p.values().stream().mapToLong(v -> v[0]).sum();
        System.out.printf("  profiled run: wall %.1f ms, device busy %.1f ms (kernels only)%n", wall, total / 1e6);
        p.forEach((k, v) -> System.out.printf("    %-14s %8.2f ms  %6d launches  %7.1f us/launch%n", k, v[0] / 1e6, v[1], v[0] / 1e3 / v[1]));
    }

    static VideoClip randomClip(int batch, int frames, long seed) {
        Random r = new Random(seed);
        float[] px = new float[batch * frames * 3 * 224 * 224];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextGaussian();
        }
        return VideoClip.of(px, batch, frames, 224, 224);
    }
}
