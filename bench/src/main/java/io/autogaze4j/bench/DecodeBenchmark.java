package io.autogaze4j.bench;

import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.FrameSources;
import io.autogaze4j.video.VideoDecoder;
import io.autogaze4j.video.VideoFrame;
import io.autogaze4j.video.VideoReadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decode-only speed: frames per second of reading a whole video file into RGB frames (what the pipeline's decoding
 * thread does), per decoder and FFmpeg thread count, median over several runs after a warm-up run. Usage:
 * {@code DecodeBenchmark --video a.mp4[,b.mp4] [--decoders ffmpeg,jcodec] [--ffmpeg-threads 1,0] [--runs 3]}
 * ({@code --ffmpeg-threads 0}: FFmpeg's own choice). Make 720p and 1080p H.264 inputs with
 * {@code scripts/bench/make-videos.sh}.
 */
public final class DecodeBenchmark {
    private DecodeBenchmark() {}

    public static void main(String[] args) throws IOException {
        List<Path> videos = new ArrayList<>();
        List<VideoDecoder> decoders = List.of(VideoDecoder.FFMPEG, VideoDecoder.JCODEC);
        int[] threads = {1, 0};
        int runs = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--video" -> Arrays.stream(v.split(",")).map(Path::of).forEach(videos::add);
                case "--decoders" ->
                    decoders = Arrays.stream(v.split(","))
                            .map(d -> VideoDecoder.valueOf(d.toUpperCase(Locale.ROOT)))
                            .toList();
                case "--ffmpeg-threads" ->
                    threads = Arrays.stream(v.split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "--runs" -> runs = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (videos.isEmpty()) {
            throw new IllegalArgumentException("--video FILE[,FILE] is required");
        }
        System.out.printf(
                Locale.ROOT,
                "%s %s, %d cores%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        for (Path video : videos) {
            for (VideoDecoder decoder : decoders) {
                for (int t : decoder == VideoDecoder.FFMPEG ? threads : new int[] {1}) {
                    VideoReadOptions read =
                            VideoReadOptions.defaults().withDecoder(decoder).withDecoderThreads(t);
                    measure(video, read, runs).ifPresent(line -> System.out.println(line));
                }
            }
        }
    }

    /** One result line, or empty (with the reason printed) when the decoder cannot read the file. */
    private static Optional<String> measure(Path video, VideoReadOptions read, int runs) throws IOException {
        double[] fps = new double[runs];
        int frames = 0;
        String size = "";
        for (int r = -1; r < runs; r++) {
            long t0 = System.nanoTime();
            int n = 0;
            try (FrameSource source = FrameSources.video(video, read)) {
                for (Optional<VideoFrame> f = source.next(); f.isPresent(); f = source.next()) {
                    size = f.get().image().width() + "x" + f.get().image().height();
                    n++;
                }
            } catch (IOException e) {
                System.out.println(video.getFileName() + " " + read.decoder() + ": " + e.getMessage());
                return Optional.empty();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r >= 0) {
                fps[r] = n / seconds;
            }
            frames = n;
        }
        Arrays.sort(fps);
        String threads = read.decoder() == VideoDecoder.FFMPEG
                ? (read.decoderThreads() == 0
                        ? ", FFmpeg's threads"
                        : ", " + read.decoderThreads() + " thread" + (read.decoderThreads() == 1 ? "" : "s"))
                : ", 1 thread";
        return Optional.of(String.format(
                Locale.ROOT,
                "decode %s (%s, %d frames) %s%s: median %.1f frames/s (min %.1f, max %.1f, %d runs)",
                video.getFileName(),
                size,
                frames,
                read.decoder().name().toLowerCase(Locale.ROOT),
                threads,
                fps[runs / 2],
                fps[0],
                fps[runs - 1],
                runs));
    }
}
