package io.autogaze4j.tensor;

/**
 * The greedy choice of one decoder step made next to the logits (see
 * {@link DecoderSession#forwardAndChoose}).
 *
 * @param tokens   {@code [B][K]} chosen id of each head, or -1 where every id was forbidden
 * @param margins       {@code [B][K]} best minus second-best processed logit of each head
 * @param probabilities {@code [B][K]} softmax probability of each chosen id over its head's processed logits
 * @param taskLoss      {@code [B * K]} raw task-loss predictions at each row's last new token
 */
public record TokenChoice(int[][] tokens, float[][] margins, float[][] probabilities, float[] taskLoss) {}
