package io.autogaze4j.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.PictureWithMetadata;
import org.jcodec.api.specific.AVCMP4Adaptor;
import org.jcodec.api.specific.ContainerAdaptor;
import org.jcodec.codecs.mpeg4.mp4.EsdsBox;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.SampleEntry;
import org.jcodec.containers.mp4.boxes.VideoSampleEntry;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * The video track of an MP4 / MOV file decoded with jcodec (pure Java): H.264 ({@code avc1}) and MPEG-4
 * Part 2 ({@code mp4v}). Other codecs fail with a {@link VideoDecodeException} naming the codec.
 */
final class Mp4FrameSource implements FrameSource {
    private static final int MPEG4_VISUAL = 0x20;
    private static final String SUPPORTED = " (supported: H.264 'avc1', MPEG-4 Part 2 'mp4v'; convert with e.g."
            + " ffmpeg -i in -c:v libx264 out.mp4)";
    private final Path path;
    private final SeekableByteChannel channel;
    private final FrameGrab grab;
    private final DisplayOrder order;
    private final int frameCount;
    private int decoded;
    private int index;

    private Mp4FrameSource(Path path, SeekableByteChannel channel, FrameGrab grab, DisplayOrder order, int frameCount) {
        this.path = path;
        this.frameCount = frameCount;
        this.channel = channel;
        this.grab = grab;
        this.order = order;
    }

    static Mp4FrameSource open(Path path) throws IOException {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new VideoDecodeException("video file " + path + " does not exist or cannot be read");
        }
        if (Files.size(path) == 0) {
            throw new VideoDecodeException("video file " + path + " is empty (0 bytes)");
        }
        SeekableByteChannel channel = NIOUtils.readableChannel(path.toFile());
        try {
            AbstractMP4DemuxerTrack track = videoTrack(path, channel);
            return new Mp4FrameSource(path, channel, new FrameGrab(track, adaptor(path, track)),
                    new DisplayOrder(DisplayOrder.windowOf(track.getBox())), (int) Math.min(Integer.MAX_VALUE, track.getFrameCount()));
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
        SampleEntry entry = track.getSampleEntries()[0];
        String fourcc = entry.getFourcc();
        switch (fourcc) {
            case "avc1", "avc3":
                return new AVCMP4Adaptor(track.getMeta());
            case "mp4v":
                EsdsBox esds = NodeBox.findFirst(entry, EsdsBox.class, "esds");
                if (esds == null || esds.getStreamInfo() == null || esds.getObjectType() != MPEG4_VISUAL) {
                    throw new VideoDecodeException(path + ": unsupported video codec: an 'mp4v' track that is not MPEG-4 Part 2 visual"
                            + (esds != null ? " (object type 0x" + Integer.toHexString(esds.getObjectType()) + ")" : "") + SUPPORTED);
                }
                VideoSampleEntry video = (VideoSampleEntry) entry;
                ByteBuffer header = esds.getStreamInfo();
                return new Mpeg4Part2Adaptor(header, new Size(video.getWidth(), video.getHeight()));
            default:
                throw new VideoDecodeException(path + ": unsupported video codec '" + fourcc + "'" + SUPPORTED);
        }
    }

    /** jcodec decodes in decoding order; frames come out in display order, indexed in that order. */
    @Override
    public Optional<VideoFrame> next() throws IOException {
        Optional<VideoFrame> ready = Optional.empty();
        while (ready.isEmpty()) {
            PictureWithMetadata p = decodeNext();
            if (p == null) {
                ready = order.drain();
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
