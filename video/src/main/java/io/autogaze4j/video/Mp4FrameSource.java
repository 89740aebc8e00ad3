package io.autogaze4j.video;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.PictureWithMetadata;
import org.jcodec.api.specific.AVCMP4Adaptor;
import org.jcodec.api.specific.ContainerAdaptor;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * The video track of an MP4 / MOV file decoded with jcodec (pure Java), the fallback where FFmpeg's natives cannot
 * load: H.264 ({@code avc1}, {@code avc3}) only. Other codecs fail with a {@link VideoDecodeException} naming the
 * codec; MPEG-4 Part 2 ({@code mp4v}) too, because jcodec's decoder of it breaks on some P-frames (those of FFmpeg's
 * own {@code mpeg4} encoder) with no error and keeps its reference pictures in the caller's output buffer.
 */
final class Mp4FrameSource implements FrameSource {
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.video");
    private static final String SUPPORTED =
            " (jcodec decodes H.264 'avc1' only; use the FFmpeg decoder, or convert with e.g."
                    + " ffmpeg -i in -c:v libx264 out.mp4)";
    private final Path path;
    private final SeekableByteChannel channel;
    private final FrameGrab grab;
    private final DisplayOrder order;
    private final int frameCount;
    private final boolean strict;
    private int decoded;
    private int index;
    private boolean ended;

    private Mp4FrameSource(
            Path path,
            SeekableByteChannel channel,
            FrameGrab grab,
            DisplayOrder order,
            int frameCount,
            boolean strict) {
        this.path = path;
        this.strict = strict;
        this.frameCount = frameCount;
        this.channel = channel;
        this.grab = grab;
        this.order = order;
    }

    /** Opens an existing, non-empty file; {@code strict}: fewer frames than the sample table lists is an error. */
    static Mp4FrameSource open(Path path, boolean strict) throws IOException {
        SeekableByteChannel channel = NIOUtils.readableChannel(path.toFile());
        try {
            AbstractMP4DemuxerTrack track = videoTrack(path, channel);
            return new Mp4FrameSource(
                    path,
                    channel,
                    new FrameGrab(track, adaptor(path, track)),
                    new DisplayOrder(DisplayOrder.windowOf(track.getBox())),
                    (int) Math.min(Integer.MAX_VALUE, track.getFrameCount()),
                    strict);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (e instanceof VideoDecodeException v) {
                throw v;
            }
            throw new VideoDecodeException("cannot read " + path + " as an MP4 video: " + e, e);
        }
    }

    private static AbstractMP4DemuxerTrack videoTrack(Path path, SeekableByteChannel channel) throws IOException {
        MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(channel);
        if (demuxer.getVideoTrack() == null) {
            throw new VideoDecodeException(path + " has no video track");
        }
        AbstractMP4DemuxerTrack track = (AbstractMP4DemuxerTrack) demuxer.getVideoTrack();
        if (track.getFrameCount() == 0) {
            throw new VideoDecodeException("the video track of " + path + " has no frames");
        }
        return track;
    }

    /** The decoder for the track's codec, chosen by its sample entry four-cc. */
    private static ContainerAdaptor adaptor(Path path, AbstractMP4DemuxerTrack track) throws IOException {
        String fourcc = track.getSampleEntries()[0].getFourcc();
        return switch (fourcc) {
            case "avc1", "avc3" -> new AVCMP4Adaptor(track.getMeta());
            case "mp4v" ->
                throw new VideoDecodeException(
                        path + ": MPEG-4 Part 2 ('mp4v') is not decoded with jcodec, whose decoder"
                                + " breaks on some P-frames without an error; use the FFmpeg decoder"
                                + SUPPORTED.substring(SUPPORTED.indexOf(',')));
            default -> throw new VideoDecodeException(path + ": unsupported video codec '" + fourcc + "'" + SUPPORTED);
        };
    }

    /** jcodec decodes in decoding order; frames come out in display order, indexed in that order. */
    @Override
    public Optional<VideoFrame> next() throws IOException {
        Optional<VideoFrame> ready = Optional.empty();
        while (ready.isEmpty()) {
            PictureWithMetadata p = decodeNext();
            if (p == null) {
                ready = order.drain();
                if (!ended) {
                    ended = true;
                    checkComplete();
                }
                break;
            }
            ready = order.push(new VideoFrame(decoded++, Math.max(0, p.getTimestamp()), Yuv420.toRgb(p.getPicture())));
        }
        return ready.map(f -> new VideoFrame(index++, f.seconds(), f.image()));
    }

    private PictureWithMetadata decodeNext() throws VideoDecodeException {
        try {
            return grab.getNativeFrameWithMetadata();
        } catch (IOException | RuntimeException e) {
            throw new VideoDecodeException("decoding sample " + decoded + " of " + path + " failed: " + e, e);
        }
    }

    /** At the end: fewer frames than the sample table lists is refused (strict) or reported. */
    private void checkComplete() throws VideoDecodeException {
        if (status().truncated()) {
            String problem = path + " ends after " + decoded + " of the " + frameCount
                    + " frames its sample table lists (truncated" + " or damaged): frame " + decoded
                    + " cannot be read";
            if (strict) {
                throw new VideoDecodeException(problem);
            }
            LOG.log(Level.WARNING, problem + "; using the " + decoded + " frames that decode");
        }
    }

    @Override
    public DecodeStatus status() {
        return new DecodeStatus(OptionalInt.of(frameCount), decoded, ended);
    }

    @Override
    public OptionalInt frameCount() {
        return OptionalInt.of(frameCount);
    }

    @Override
    public String description() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
