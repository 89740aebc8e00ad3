package io.autogaze4j.video;

/**
 * Which decoder reads video files.
 *
 * <ul>
 *   <li>{@link #FFMPEG}: FFmpeg 8.1 through JavaCV (native libraries in the {@code org.bytedeco:ffmpeg} jar of the
 *       platform, LGPL v3 build): every codec and container FFmpeg reads (H.264, HEVC, VP9, AV1, MPEG-4 Part 2,
 *       ... in MP4, MOV, MKV, WebM), RGB exactly as FFmpeg converts it. The default.</li>
 *   <li>{@link #JCODEC}: jcodec, pure Java, H.264 in MP4 / MOV only, one thread, about a tenth of FFmpeg's speed.
 *       The fallback where FFmpeg's natives cannot load. Known wrong on H.264 streams coded without the
 *       deblocking filter (x264 {@code -tune fastdecode}); MPEG-4 Part 2 is refused (its decoder breaks on
 *       some P-frames without an error).</li>
 * </ul>
 */
public enum VideoDecoder {
    /** FFmpeg through JavaCV (native, all codecs). */
    FFMPEG,
    /** jcodec (pure Java, H.264 only). */
    JCODEC
}
