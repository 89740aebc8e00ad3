package io.autogaze4j.cli;

/**
 * Where the time of one clip went, in nanoseconds.
 *
 * @param clip       clip index
 * @param firstFrame its first frame (trace index)
 * @param frames     its frame count
 * @param rows       model input rows (tiles per frame, or 1)
 * @param decode     decoding the frames
 * @param preprocess resizing and normalising them (and cutting tiles)
 * @param gaze       the model call
 * @param render     drawing and writing the overlay PNGs
 */
record ClipTiming(
        int clip, int firstFrame, int frames, int rows, long decode, long preprocess, long gaze, long render) {}
