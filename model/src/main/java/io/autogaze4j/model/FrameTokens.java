package io.autogaze4j.model;

import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.Tensor;

/**
 * Every row's vision tokens of one frame as a decoder prefill takes them: host tensors, or a frame of tokens the vision
 * encoder kept on the device, for a decoder session that {@link io.autogaze4j.tensor.DecoderSession#readsInPlace reads
 * them in place} ({@link VisionChunks}).
 */
final class FrameTokens {
    /** {@code [row]} each {@code [tokens, hidden]}, or null when on the device. */
    private final Tensor[] host;
    /** The frame on the device, or null when on the host. */
    private final DeviceTokens.Frame device;

    private FrameTokens(Tensor[] host, DeviceTokens.Frame device) {
        this.host = host;
        this.device = device;
    }

    /** Tokens on the host: {@code [row]} each {@code [tokens, hidden]}. */
    static FrameTokens onHost(Tensor[] rows) {
        return new FrameTokens(rows, null);
    }

    /** Tokens kept on the device. */
    static FrameTokens onDevice(DeviceTokens.Frame frame) {
        return new FrameTokens(null, frame);
    }

    /** Tokens per row. */
    int count() {
        return device != null ? device.count() : host[0].dim(0);
    }

    /** The frame on the device, or null when the tokens are on the host. */
    DeviceTokens.Frame device() {
        return device;
    }

    /** {@code [row]} each {@code [tokens, hidden]}: the host tensors, read back when the tokens are on the device. */
    Tensor[] host() {
        return host != null ? host : device.toHost();
    }
}
