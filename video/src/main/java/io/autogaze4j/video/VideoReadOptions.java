package io.autogaze4j.video;

/**
 * How video files are read.
 *
 * @param decoder         the decoder; {@link VideoDecoder#FFMPEG} falls back to jcodec, with a WARNING log line
 *                        naming the cause, when FFmpeg's native libraries cannot load
 * @param decoderThreads  threads FFmpeg may use to decode one file (0 = FFmpeg's choice); 1 when several files
 *                        are decoded at once, one thread each
 * @param strict          a file that ends before the frame count its container declares is an error
 *                        ({@link VideoDecodeException}) instead of a WARNING and a shorter video
 */
public record VideoReadOptions(VideoDecoder decoder, int decoderThreads, boolean strict) {

    public VideoReadOptions {
        if (decoder == null) {
            throw new IllegalArgumentException("a decoder must be given");
        }
        if (decoderThreads < 0 || decoderThreads > 64) {
            throw new IllegalArgumentException(
                    "decoder threads must be in 0..64 (0 = FFmpeg's choice), got " + decoderThreads);
        }
    }

    /** FFmpeg with its own thread count, truncated files a warning. */
    public static VideoReadOptions defaults() {
        return new VideoReadOptions(VideoDecoder.FFMPEG, 0, false);
    }

    /** The same options with another decoder. */
    public VideoReadOptions withDecoder(VideoDecoder other) {
        return new VideoReadOptions(other, decoderThreads, strict);
    }

    /** The same options with another thread count. */
    public VideoReadOptions withDecoderThreads(int threads) {
        return new VideoReadOptions(decoder, threads, strict);
    }

    /** The same options, strict or not about truncated files. */
    public VideoReadOptions withStrict(boolean isStrict) {
        return new VideoReadOptions(decoder, decoderThreads, isStrict);
    }
}
