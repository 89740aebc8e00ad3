package io.autogaze4j.readout.viz;

/**
 * A picture embedded in an {@link HtmlReport} as a data URI.
 *
 * @param caption  text shown under it
 * @param mimeType e.g. {@code image/gif} or {@code image/png}
 * @param data     the encoded file
 */
public record ReportImage(String caption, String mimeType, byte[] data) {

    public ReportImage {
        if (caption == null || mimeType == null || !mimeType.startsWith("image/") || data == null || data.length == 0) {
            throw new IllegalArgumentException("a report image needs a caption, an image/* MIME type and data");
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
