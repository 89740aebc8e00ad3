package io.autogaze4j.pipeline;

/**
 * Counters and latencies of a {@link LiveGazer} so far. Latency is from a frame's push to its packet being handed
 * to the sink; percentiles over the most recent gazed frames (up to {@link LiveGazer#LATENCY_WINDOW}).
 *
 * @param pushed        frames pushed
 * @param dropped       frames dropped as stale (a full queue, or older than the newest clip when the gazer took one)
 * @param gazed         frames gazed
 * @param p50Millis     median latency, ms (NaN before the first packet)
 * @param p90Millis     90th percentile, ms
 * @param p99Millis     99th percentile, ms
 */
public record LiveStats(long pushed, long dropped, long gazed, double p50Millis, double p90Millis, double p99Millis) {}
