package io.autogaze4j.video;

import java.nio.ByteBuffer;
import org.jcodec.api.MediaInfo;
import org.jcodec.api.specific.ContainerAdaptor;
import org.jcodec.codecs.mpeg4.MPEG4Decoder;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;

/**
 * Feeds MP4 samples of an MPEG-4 Part 2 ({@code mp4v}) track to jcodec's decoder. MP4 muxers keep the
 * video object layer header (the decoder configuration) in the {@code esds} box rather than in the
 * stream, so it is put in front of every key frame, where the decoder expects it.
 */
final class Mpeg4Part2Adaptor implements ContainerAdaptor {
    private final MPEG4Decoder decoder = new MPEG4Decoder();
    private final ByteBuffer header;
    private final Size size;

    Mpeg4Part2Adaptor(ByteBuffer header, Size size) {
        this.header = header.duplicate();
        this.size = size;
    }

    @Override
    public Picture decodeFrame(Packet packet, byte[][] buffer) {
        ByteBuffer data = packet.getData();
        if (packet.isKeyFrame()) {
            ByteBuffer joined = ByteBuffer.allocate(header.remaining() + data.remaining());
            joined.put(header.duplicate()).put(data.duplicate()).flip();
            data = joined;
        }
        return decoder.decodeFrame(data, buffer);
    }

    @Override
    public boolean canSeek(Packet packet) {
        return packet.isKeyFrame();
    }

    @Override
    public byte[][] allocatePicture() {
        int w = (size.getWidth() + 15) & ~15, h = (size.getHeight() + 15) & ~15;
        return new byte[][] {new byte[w * h], new byte[w * h / 4], new byte[w * h / 4]};
    }

    @Override
    public MediaInfo getMediaInfo() {
        return new MediaInfo(size);
    }
}
