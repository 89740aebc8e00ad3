package io.autogaze4j.weights;

/**
 * Rotary position embedding settings of the decoder.
 *
 * @param theta                         base of the inverse frequencies
 * @param type                          "llama3" (scaled) or "default" (unscaled)
 * @param factor                        llama3 scale factor
 * @param lowFreqFactor                 llama3 low frequency factor
 * @param highFreqFactor                llama3 high frequency factor
 * @param originalMaxPositionEmbeddings llama3 original context length
 */
public record RopeConfig(
        double theta,
        String type,
        double factor,
        double lowFreqFactor,
        double highFreqFactor,
        int originalMaxPositionEmbeddings) {
    /** True when llama3 frequency scaling applies. */
    public boolean isLlama3() {
        return "llama3".equals(type);
    }
}
