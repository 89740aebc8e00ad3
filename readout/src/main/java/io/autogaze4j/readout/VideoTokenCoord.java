package io.autogaze4j.readout;

/**
 * The position of one video token.
 *
 * @param temporal tubelet (temporal bin) index
 * @param row      token row
 * @param col      token column
 */
public record VideoTokenCoord(int temporal, int row, int col) {}
