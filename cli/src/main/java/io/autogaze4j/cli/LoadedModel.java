package io.autogaze4j.cli;

import io.autogaze4j.model.AutoGaze;

/**
 * A loaded model and where it came from.
 *
 * @param model      the model (its backend belongs to the caller)
 * @param source     the checkpoint directory, or a description of the bundled demo checkpoint
 * @param demo       whether these are the bundled demo weights (random: their gaze means nothing)
 * @param parameters number of weights in {@code model.safetensors}
 */
record LoadedModel(AutoGaze model, String source, boolean demo, long parameters) implements AutoCloseable {
    @Override
    public void close() {
        model.close();
    }
}
