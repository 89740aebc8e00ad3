package io.autogaze4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What this process holds at one moment: Java heap in use (after a GC), resident set size, open file
 * descriptors, and device memory. Linux only for RSS and descriptors ({@code /proc/self}); device memory
 * comes from {@code nvidia-smi}, because OpenCL has no query for memory in use (only the device's total,
 * {@code CL_DEVICE_GLOBAL_MEM_SIZE}).
 *
 * @param heapBytes   heap in use after {@link System#gc()}
 * @param rssBytes    resident set size ({@code VmRSS}), or empty where {@code /proc} is missing
 * @param openFiles   open file descriptors, or empty where {@code /proc} is missing
 * @param deviceBytes GPU memory in use, or empty when none can be read
 * @param deviceScope what {@code deviceBytes} covers ("this process", "whole GPU") or why it is absent
 */
public record Footprint(
        long heapBytes, OptionalLong rssBytes, OptionalLong openFiles, OptionalLong deviceBytes, String deviceScope) {
    private static final long MIB = 1L << 20;

    /** Measures now; {@code device} says whether to ask for GPU memory (false on the CPU backend). */
    public static Footprint measure(boolean device) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        OptionalLong deviceBytes = OptionalLong.empty();
        String scope = "n/a (CPU backend)";
        if (device) {
            Optional<Long> mine = nvidiaSmi("--query-compute-apps=pid,used_memory", true);
            Optional<Long> all = mine.isPresent() ? Optional.empty() : nvidiaSmi("--query-gpu=memory.used", false);
            deviceBytes = mine.or(() -> all).map(OptionalLong::of).orElse(OptionalLong.empty());
            scope = mine.isPresent()
                    ? "this process (nvidia-smi)"
                    : all.isPresent()
                            ? "whole GPU (nvidia-smi; no per-process entry)"
                            : "unavailable (no nvidia-smi; OpenCL reports only the total)";
        }
        return new Footprint(heap, readRss(), countOpenFiles(), deviceBytes, scope);
    }

    private static OptionalLong readRss() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong countOpenFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return OptionalLong.of(fds.count());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Megabytes from {@code nvidia-smi QUERY --format=csv,noheader,nounits}: with {@code perProcess} the
     * {@code used_memory} of the line whose pid is this process, else the first line's only value.
     */
    private static Optional<Long> nvidiaSmi(String query, boolean perProcess) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", query, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true)
                    .start();
            String text;
            try (InputStream in = p.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            String pid = Long.toString(ManagementFactory.getRuntimeMXBean().getPid());
            for (String line : text.strip().split("\\R")) {
                String[] f = line.split(",\\s*");
                if (perProcess && f.length == 2 && f[0].strip().equals(pid)) {
                    return Optional.of(Long.parseLong(f[1].strip()) * MIB);
                }
                if (!perProcess && f.length == 1 && f[0].strip().matches("\\d+")) {
                    return Optional.of(Long.parseLong(f[0].strip()) * MIB);
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** One line: {@code heap 41.2 MiB, RSS 512.0 MiB, 31 open files, device 230.0 MiB (this process (nvidia-smi))}. */
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "heap %.1f MiB, RSS %s, %s open files, device %s",
                heapBytes / (double) MIB,
                mib(rssBytes),
                openFiles.isPresent() ? Long.toString(openFiles.getAsLong()) : "?",
                deviceBytes.isPresent() ? mib(deviceBytes) + " (" + deviceScope + ")" : deviceScope);
    }

    /** The change from {@code start} to this one, e.g. {@code heap +0.4 MiB, RSS +3.1 MiB, +0 open files, device +0.0 MiB}. */
    public String changeSince(Footprint start) {
        return String.format(
                Locale.ROOT,
                "heap %+.1f MiB, RSS %s, %s open files, device %s",
                (heapBytes - start.heapBytes) / (double) MIB,
                delta(rssBytes, start.rssBytes, true),
                delta(openFiles, start.openFiles, false),
                deviceBytes.isEmpty() && start.deviceBytes.isEmpty()
                        ? deviceScope
                        : delta(deviceBytes, start.deviceBytes, true));
    }

    private static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format(Locale.ROOT, "%.1f MiB", bytes.getAsLong() / (double) MIB) : "?";
    }

    private static String delta(OptionalLong now, OptionalLong then, boolean bytes) {
        if (now.isEmpty() || then.isEmpty()) {
            return "?";
        }
        long d = now.getAsLong() - then.getAsLong();
        return bytes ? String.format(Locale.ROOT, "%+.1f MiB", d / (double) MIB) : String.format(Locale.ROOT, "%+d", d);
    }
}
