package io.autogaze4j.kernels;

/**
 * One OpenCL device as the runtime reports it.
 *
 * @param index          position in {@link OpenClBackend#devices()} (platforms in order, then devices)
 * @param platform       platform name, e.g. "NVIDIA CUDA" or "Portable Computing Language"
 * @param name           device name
 * @param cpu            true for a CPU device (such as PoCL), which gets CPU-shaped kernels
 * @param version        device OpenCL version string
 * @param globalMemBytes device memory
 * @param computeUnits   parallel compute units (streaming multiprocessors of a GPU, cores of a CPU)
 */
public record OpenClDevice(
        int index, String platform, String name, boolean cpu, String version, long globalMemBytes, int computeUnits) {

    @Override
    public String toString() {
        return "#" + index + " " + name + " (" + platform + ", " + version + ", " + (globalMemBytes >> 20) + " MiB, "
                + computeUnits + " compute units)";
    }
}
