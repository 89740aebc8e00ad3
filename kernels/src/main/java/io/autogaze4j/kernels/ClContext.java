package io.autogaze4j.kernels;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_buffer_region;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;
import org.jocl.cl_queue_properties;

/**
 * One OpenCL device with its context, an in-order command queue (profiling-enabled while kernel times are collected),
 * compiled programs and small helpers for buffers and launches. Callers serialise their use by synchronising on it.
 *
 * <p>Programs are built when first asked for, or earlier in the background when a caller knows it will need them
 * ({@link #prebuild}; which programs a run needs, and when it knows it, is {@link DecoderBuilds}' rule): from the binary
 * in the {@link ProgramCache} when it holds one for this device, driver, source and options, else from source (an INFO
 * line on stderr says so, another how long it took) and then stored there. Background builds run one after another, in
 * the order they were asked for, on one thread beside the caller's work, because a cold build takes seconds on the
 * NVIDIA compiler and that compiler serialises builds (H200: four builds side by side took 18.2 s for the first clip,
 * one after another 16.0 s); {@value #PREBUILD_PROPERTY} ({@link Prebuild}) {@code =off} builds each program on the
 * thread that first asks for it, {@code =all} asks callers to start every program a model may run when it loads
 * ({@link #prebuildsAll}). A caller with a stand-in for a program may ask whether it is ready without waiting
 * ({@link #programIfBuilt}). Closing waits for the builds that were started and are still running, so that their
 * binaries reach the cache (an INFO line says so); it starts none.
 */
final class ClContext implements AutoCloseable {
    /** A line that includes another kernel source of this package: {@code #include "name.cl"}. */
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([a-z_]+\\.cl)\"$");

    private static final System.Logger LOG = System.getLogger("io.autogaze4j.opencl");
    /**
     * System property, when programs are built ({@link Prebuild}): {@code on} (default) in the background, each as soon
     * as the run shows it needs it (a batch-1 run builds neither the tiled attention nor the wide row kernels);
     * {@code off} each on first use, on the thread that uses it, one at a time; {@code all} in the background, every
     * program a model may run, from when the model loads (servers that want everything built at start).
     */
    static final String PREBUILD_PROPERTY = "autogaze.opencl.prebuild";
    /** System property: compiler options added to every build (diagnostics and compile-time knobs, e.g. -D K_UNROLL=4). */
    static final String OPTIONS_PROPERTY = "autogaze.opencl.options";

    /** A {@code -D} define of one of {@code constants} in compiler options (for {@link #refuseDefines}). */
    static Pattern defines(String... constants) {
        return Pattern.compile("-D\\s*(" + String.join("|", constants) + ")(?![A-Za-z0-9_])");
    }

    /**
     * Refuses compiler options ({@link #OPTIONS_PROPERTY}, as {@code property} looks it up) that define a constant
     * {@code defines} matches: a shape that sets those constants itself (StreamShape, PrefillShape) would launch
     * another shape than the kernel was built for.
     *
     * @param sets    what the constants set, for the message ("the streamed attention's launch")
     * @param instead what to use instead, for the message
     * @throws IllegalArgumentException naming the property and the constant
     */
    static void refuseDefines(UnaryOperator<String> property, Pattern defines, String sets, String instead) {
        String options = property.apply(OPTIONS_PROPERTY);
        Matcher set = defines.matcher(options == null ? "" : options);
        if (set.find()) {
            throw new IllegalArgumentException(
                    "-D" + OPTIONS_PROPERTY + " defines " + set.group(1) + ", which sets " + sets + " too: " + instead);
        }
    }
    /**
     * System property: commands enqueued on a GPU between two flushes (default 1: a flush after each launch and copy,
     * so the device starts each one at once; more: fewer driver calls per command, for A/B runs of the host's enqueue
     * cost, docs/benchmarks.md).
     */
    static final String FLUSH_PROPERTY = "autogaze.opencl.flushEvery";
    /**
     * System property: {@code on} keeps the command queue profiling-enabled all the time (as before); {@code off}, the
     * default, uses a plain queue and a profiling-enabled one only while kernel times are collected ({@link #profiling}),
     * since a profiling queue timestamps every command. For A/B runs.
     */
    static final String PROFILED_QUEUE_PROPERTY = "autogaze.opencl.profiledQueue";
    /**
     * Host-time labels of the driver calls behind each command: with the phases around them ("host: enqueue frame")
     * they say where the host's time per command goes (a kernel enqueue with profiling adds its event).
     */
    private static final String LAUNCH_LABEL = "host: driver: clEnqueueNDRangeKernel",
            FLUSH_LABEL = "host: driver: clFlush";

    final OpenClDevice info;
    final cl_context context;
    final cl_device_id device;
    /**
     * The in-order queue every command goes to: {@link #plainQueue}, or {@link #profiledQueue} while kernel times are
     * collected (or always, {@link #PROFILED_QUEUE_PROPERTY}); switched only after the one before finished. Read it at
     * each use, under this context's lock.
     */
    cl_command_queue queue;

    private final cl_command_queue plainQueue;
    /** The profiling-enabled queue, made when first needed; null before. */
    private cl_command_queue profiledQueue;
    /** The second in-order queue ({@link #onSideQueue}), made when first needed; null before. */
    private cl_command_queue sideQueue;
    /** Alignment in bytes of a sub-buffer's origin ({@code CL_DEVICE_MEM_BASE_ADDR_ALIGN}). */
    final int subBufferAlign;
    /** The device reports {@code cl_khr_command_buffer} (recording a frame's commands once: docs/benchmarks.md). */
    final boolean commandBuffers;
    /** Commands between two flushes on a GPU ({@link #FLUSH_PROPERTY}). */
    private final int flushEvery;
    /** Commands enqueued since the last flush. */
    private int unflushed;
    /** Every program build started, done or not, by source, variant and options; guarded by itself (not by this). */
    private final Map<ProgramSource, CompletableFuture<cl_program>> programs = new HashMap<>();

    private final ProgramCache cache;
    /** Compiler options added to every build ({@link #OPTIONS_PROPERTY}); part of each cache key. */
    private final String extraOptions;
    /** Platform, device and driver names and versions: what a cached binary is valid for. */
    private final String identity;
    /** When programs are built ({@link #PREBUILD_PROPERTY}): {@link #prebuild} queues builds unless {@link Prebuild#OFF}. */
    private final Prebuild prebuild;
    /** The one thread of the background builds, started by the first {@link #prebuild}; guarded by {@link #programs}. */
    private ExecutorService builder;

    private final AtomicInteger sourceBuilds = new AtomicInteger();
    private final AtomicInteger cacheLoads = new AtomicInteger();
    private final List<cl_kernel> kernels = new ArrayList<>();
    /** Launch events awaiting their profile, or null when profiling is off. */
    private List<Map.Entry<String, cl_event>> pending;

    private boolean hostTiming;

    private final Map<String, long[]> profile = new LinkedHashMap<>();

    private ClContext(
            OpenClDevice info,
            cl_platform_id platform,
            cl_device_id device,
            ProgramCache cache,
            String extraOptions,
            Prebuild prebuild) {
        this.info = info;
        this.device = device;
        this.cache = cache;
        this.extraOptions = extraOptions;
        this.prebuild = prebuild;
        this.identity = String.join(
                "\n",
                platformString(platform, CL_PLATFORM_NAME),
                platformString(platform, CL_PLATFORM_VERSION),
                deviceString(device, CL_DEVICE_NAME),
                deviceString(device, CL_DEVICE_VERSION),
                deviceString(device, CL_DRIVER_VERSION));
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        this.context = clCreateContext(props, 1, new cl_device_id[] {device}, null, null, null);
        boolean alwaysProfiled = OnOffProperty.isOn(
                PROFILED_QUEUE_PROPERTY,
                System.getProperty(PROFILED_QUEUE_PROPERTY, "off"),
                "a profiling-enabled command queue all the time");
        this.plainQueue = createQueue(alwaysProfiled);
        this.profiledQueue = alwaysProfiled ? plainQueue : null;
        this.queue = plainQueue;
        int[] alignBits = new int[1];
        clGetDeviceInfo(device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, Sizeof.cl_uint, Pointer.to(alignBits), null);
        this.subBufferAlign = Math.max(4, alignBits[0] / 8);
        this.commandBuffers = List.of(deviceString(device, CL_DEVICE_EXTENSIONS).split("\\s+"))
                .contains("cl_khr_command_buffer");
        this.flushEvery = flushEvery(System.getProperty(FLUSH_PROPERTY));
    }

    private cl_command_queue createQueue(boolean profiled) {
        cl_queue_properties qp = new cl_queue_properties();
        if (profiled) {
            qp.addProperty(CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE);
        }
        return clCreateCommandQueueWithProperties(context, device, qp, null);
    }

    /**
     * The value of {@link #FLUSH_PROPERTY}: unset 1, else a positive count.
     *
     * @throws IllegalArgumentException for anything else
     */
    static int flushEvery(String value) {
        if (value == null) {
            return 1;
        }
        return CountProperty.count(FLUSH_PROPERTY, value, Integer.MAX_VALUE, "commands between two flushes");
    }

    /** Every OpenCL device of every platform; empty when no runtime or driver is installed. */
    static List<OpenClDevice> list() {
        List<OpenClDevice> out = new ArrayList<>();
        forEachDevice((d, p, id) -> out.add(d));
        return out;
    }

    /** Device {@code index} of {@link #list()}, with the {@link ProgramCache#configured() configured} program cache. */
    static ClContext open(int index) {
        return open(index, ProgramCache.configured());
    }

    static ClContext open(int index, ProgramCache cache) {
        return open(index, cache, System.getProperty(OPTIONS_PROPERTY, ""));
    }

    /** Device {@code index} with {@code cache}, adding {@code extraOptions} to every build (not the system property). */
    static ClContext open(int index, ProgramCache cache, String extraOptions) {
        return open(index, cache, extraOptions, Prebuild.of(System.getProperty(PREBUILD_PROPERTY)));
    }

    /** Device {@code index} with {@code cache}, building programs as {@code prebuild} says (not the system property). */
    static ClContext open(int index, ProgramCache cache, Prebuild prebuild) {
        return open(index, cache, System.getProperty(OPTIONS_PROPERTY, ""), prebuild);
    }

    private static ClContext open(int index, ProgramCache cache, String extraOptions, Prebuild prebuild) {
        ClContext[] found = new ClContext[1];
        forEachDevice((d, p, id) -> {
            if (d.index() == index) {
                found[0] = new ClContext(d, p, id, cache, extraOptions, prebuild);
            }
        });
        if (found[0] == null) {
            throw new IllegalStateException("no OpenCL device #" + index + "; devices: " + list());
        }
        return found[0];
    }

    private interface DeviceVisitor {
        void visit(OpenClDevice d, cl_platform_id platform, cl_device_id device);
    }

    private static void forEachDevice(DeviceVisitor v) {
        CL.setExceptionsEnabled(true);
        int[] n = new int[1];
        try {
            clGetPlatformIDs(0, null, n);
        } catch (CLException | UnsatisfiedLinkError e) {
            return; // no ICD loader or no platform: no devices
        }
        cl_platform_id[] platforms = new cl_platform_id[n[0]];
        clGetPlatformIDs(n[0], platforms, null);
        int index = 0;
        for (cl_platform_id p : platforms) {
            int[] nd = new int[1];
            try {
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
            } catch (CLException e) {
                continue;
            }
            cl_device_id[] ids = new cl_device_id[nd[0]];
            clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd[0], ids, null);
            String platformName = platformString(p, CL_PLATFORM_NAME);
            for (cl_device_id id : ids) {
                long[] type = new long[1];
                clGetDeviceInfo(id, CL_DEVICE_TYPE, Sizeof.cl_long, Pointer.to(type), null);
                long[] mem = new long[1];
                clGetDeviceInfo(id, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_long, Pointer.to(mem), null);
                int[] units = new int[1];
                clGetDeviceInfo(id, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
                OpenClDevice d = new OpenClDevice(
                        index++,
                        platformName,
                        deviceString(id, CL_DEVICE_NAME),
                        (type[0] & CL_DEVICE_TYPE_CPU) != 0,
                        deviceString(id, CL_DEVICE_VERSION),
                        mem[0],
                        units[0]);
                v.visit(d, p, id);
            }
        }
    }

    private interface InfoQuery {
        void get(int param, long size, Pointer value, long[] sizeOut);
    }

    private static String platformString(cl_platform_id p, int param) {
        return infoString((q, n, v, o) -> clGetPlatformInfo(p, q, n, v, o), param);
    }

    static String deviceString(cl_device_id d, int param) {
        return infoString((q, n, v, o) -> clGetDeviceInfo(d, q, n, v, o), param);
    }

    private static String infoString(InfoQuery query, int param) {
        long[] size = new long[1];
        query.get(param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        query.get(param, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8).trim();
    }

    /**
     * One build of a program: kernel source {@code resource} of this package compiled with {@code options}.
     *
     * @param variant what this build is for, in a few words (log lines only)
     */
    record ProgramSource(String resource, String variant, String options) {}

    /**
     * Whether callers start every program a model may run when it loads, not only those the run shows it needs
     * ({@link Prebuild#ALL}).
     */
    boolean prebuildsAll() {
        return prebuild == Prebuild.ALL;
    }

    /**
     * Queues a build of {@code source} on the background build thread, after the builds queued before it, unless it was
     * started already or background builds are off ({@link #PREBUILD_PROPERTY}); {@link #program} then waits for it. A
     * failure is reported by {@link #program}.
     */
    void prebuild(ProgramSource source) {
        if (prebuild == Prebuild.OFF) {
            return;
        }
        CompletableFuture<cl_program> build = new CompletableFuture<>();
        synchronized (programs) {
            if (programs.putIfAbsent(source, build) != null) {
                return; // started already
            }
            if (builder == null) {
                builder = Executors.newSingleThreadExecutor(Thread.ofPlatform()
                        .daemon()
                        .name("autogaze4j-opencl-build")
                        .factory());
            }
            builder.execute(() -> complete(build, source, true));
        }
    }

    /**
     * The program {@code source} (built once per context): loaded from the program cache when it holds a binary the
     * driver accepts, else built from source and stored there. Waits for a build {@link #prebuild} started; builds on
     * this thread when none was.
     *
     * @throws IllegalStateException when the build fails (with the compiler's log)
     */
    cl_program program(ProgramSource source) {
        CompletableFuture<cl_program> mine = new CompletableFuture<>();
        CompletableFuture<cl_program> build;
        synchronized (programs) {
            build = programs.putIfAbsent(source, mine);
        }
        if (build == null) {
            complete(mine, source, false);
            build = mine;
        }
        try {
            return build.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IllegalStateException failed
                    ? new IllegalStateException(failed.getMessage(), failed)
                    : new IllegalStateException("OpenCL build of " + source.resource() + " failed", e.getCause());
        }
    }

    /**
     * The program {@code source} if it needs no wait: built or loaded already, else empty while a background build of
     * it is queued or running. When no build of it was started (background builds off), builds it on this thread, as
     * {@link #program} does.
     *
     * @throws IllegalStateException when the build failed (with the compiler's log)
     */
    Optional<cl_program> programIfBuilt(ProgramSource source) {
        CompletableFuture<cl_program> build;
        synchronized (programs) {
            build = programs.get(source);
        }
        return build != null && !build.isDone() ? Optional.empty() : Optional.of(program(source));
    }

    private void complete(CompletableFuture<cl_program> build, ProgramSource source, boolean inBackground) {
        try {
            build.complete(loadOrBuild(source, inBackground));
        } catch (RuntimeException | Error e) {
            build.completeExceptionally(e);
        }
    }

    private cl_program loadOrBuild(ProgramSource source, boolean inBackground) {
        String name = source.resource();
        String text = source(name);
        // diagnostics: extra compiler options (e.g. -cl-nv-verbose for register and spill counts) and the build log
        String all = source.options() + " " + extraOptions;
        String entry = ProgramCache.key(identity, name, all, text);
        cl_program p =
                cache.load(entry).map(binary -> fromBinary(name, binary, all)).orElse(null);
        if (p != null) {
            return p;
        }
        String what = name + " (" + source.variant() + ")";
        LOG.log(
                System.Logger.Level.INFO,
                "autogaze4j: building OpenCL program " + what + " for " + info.name()
                        + (inBackground ? " in the background" : "")
                        + ": a one-time cost per device and driver (program cache: " + cache.describe() + ")");
        long start = System.nanoTime();
        p = fromSource(name, text, all);
        byte[] binary = binary(p); // (PoCL compiles part of the program only when asked for its binary)
        long ms = (System.nanoTime() - start) / 1_000_000;
        String kept;
        if (binary.length == 0) {
            kept = "the driver gives no binary to keep, so later runs build it again";
        } else if (cache.store(entry, binary)) {
            kept = "cached for later runs";
        } else {
            kept = "not cached (program cache " + cache.describe() + "), so later runs build it again";
        }
        LOG.log(
                System.Logger.Level.INFO,
                String.format(Locale.ROOT, "autogaze4j: built OpenCL program %s in %,d ms; %s", what, ms, kept));
        return p;
    }

    /** Programs this context built from source and programs it loaded from the program cache (for tests and logs). */
    record ProgramBuilds(int fromSource, int fromCache) {}

    ProgramBuilds programBuilds() {
        return new ProgramBuilds(sourceBuilds.get(), cacheLoads.get());
    }

    /** The programs whose build (or load) was started, in the background or not, done or not, until closing (tests). */
    Set<ProgramSource> startedBuilds() {
        synchronized (programs) {
            return Set.copyOf(programs.keySet());
        }
    }

    /**
     * The text of kernel source {@code name} with each line {@code #include "other.cl"} replaced by that source of this
     * package (shared helpers such as grid_barrier.cl live once; the compiler never sees the include).
     */
    static String source(String name) {
        String text;
        try (InputStream in = ClContext.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + name + " missing from the jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source " + name, e);
        }
        return INCLUDE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(source(m.group(1))));
    }

    private cl_program fromSource(String name, String source, String options) {
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        try {
            clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new IllegalStateException(
                    "OpenCL build of " + name + " failed on " + info.name() + " with options '" + options + "':\n"
                            + log,
                    e);
        }
        if (Boolean.getBoolean("autogaze.opencl.printBuildLog")) {
            System.err.println("build log of " + name + " (" + options + "):\n" + buildLog(p));
        }
        sourceBuilds.incrementAndGet();
        return p;
    }

    /** The program from a cached binary, or null (logged) when the driver rejects it: the caller builds from source. */
    private cl_program fromBinary(String name, byte[] binary, String options) {
        cl_program p = null;
        try {
            p = clCreateProgramWithBinary(
                    context,
                    1,
                    new cl_device_id[] {device},
                    new long[] {binary.length},
                    new byte[][] {binary},
                    new int[1],
                    null);
            clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "autogaze4j: " + info.name() + " rejected the cached binary of OpenCL program " + name + " ("
                            + e.getMessage() + "); building it from source");
            if (p != null) {
                clReleaseProgram(p);
            }
            return null;
        }
        cacheLoads.incrementAndGet();
        return p;
    }

    /** The device binary of a built program ({@code CL_PROGRAM_BINARIES} of this context's one device). */
    private static byte[] binary(cl_program p) {
        long[] size = new long[1];
        clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
        byte[] binary = new byte[(int) size[0]];
        clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(new Pointer[] {Pointer.to(binary)}), null);
        return binary;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8);
    }

    /** A kernel of {@code program}, released with this context. */
    synchronized cl_kernel kernel(cl_program program, String name) {
        cl_kernel k = clCreateKernel(program, name, null);
        kernels.add(k);
        return k;
    }

    /** A kernel the caller releases itself (with {@link #release(cl_kernel)}). */
    static cl_kernel ownedKernel(cl_program program, String name) {
        return clCreateKernel(program, name, null);
    }

    static void release(cl_kernel k) {
        clReleaseKernel(k);
    }

    cl_mem alloc(long bytes) {
        return clCreateBuffer(context, CL_MEM_READ_WRITE, Math.max(4, bytes), null, null);
    }

    cl_mem upload(float[] data) {
        return clCreateBuffer(
                context,
                CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                (long) Sizeof.cl_float * Math.max(1, data.length),
                Pointer.to(data.length == 0 ? new float[1] : data),
                null);
    }

    /** Blocking write of {@code data} at float offset {@code at}. */
    void write(cl_mem mem, long at, float[] data, int count) {
        clEnqueueWriteBuffer(
                queue,
                mem,
                CL_TRUE,
                at * Sizeof.cl_float,
                (long) count * Sizeof.cl_float,
                Pointer.to(data),
                0,
                null,
                null);
    }

    /** Blocking write of packed ints. */
    void write(cl_mem mem, int[] data, int count) {
        clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, (long) count * Sizeof.cl_int, Pointer.to(data), 0, null, null);
    }

    /** Enqueues a device-side copy of {@code bytes} from {@code src} at {@code srcAt} to {@code dst} at {@code dstAt} (bytes). */
    void copy(cl_mem src, long srcAt, cl_mem dst, long dstAt, long bytes) {
        clEnqueueCopyBuffer(queue, src, dst, srcAt, dstAt, bytes, 0, null, null);
        enqueued(); // as launch: keep the device fed while the host enqueues
    }

    /**
     * Counts a command just enqueued and, on a GPU, flushes every {@link #flushEvery} commands: the NVIDIA driver holds
     * commands back until a flush, and without one the device idles while the host enqueues a whole decoder step (H100:
     * batch 1 273 -> 245 ms per clip with a flush after each launch). Every wait flushes first anyway.
     */
    void enqueued() {
        if (!info.cpu() && ++unflushed >= flushEvery) {
            flush();
        }
    }

    /** Sends every command enqueued so far to the device. */
    private void flush() {
        long start = hostTiming ? System.nanoTime() : 0;
        clFlush(queue);
        unflushed = 0;
        if (hostTiming) {
            hostTime(FLUSH_LABEL, System.nanoTime() - start);
        }
    }

    /**
     * Region {@code [origin, origin + bytes)} of {@code parent} as a buffer of its own (released by the caller, before
     * or after {@code parent}); {@code origin} a multiple of {@link #subBufferAlign}.
     */
    static cl_mem subBuffer(cl_mem parent, long origin, long bytes) {
        return clCreateSubBuffer(
                parent, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, new cl_buffer_region(origin, bytes), null);
    }

    /** Blocking read of {@code count} floats starting at float offset {@code at}. */
    void read(cl_mem mem, long at, float[] dst, int count) {
        clEnqueueReadBuffer(
                queue,
                mem,
                CL_TRUE,
                at * Sizeof.cl_float,
                (long) count * Sizeof.cl_float,
                Pointer.to(dst),
                0,
                null,
                null);
    }

    /** Blocking read of the first {@code bytes} of {@code mem} into {@code dst} (a direct buffer). */
    void read(cl_mem mem, ByteBuffer dst, long bytes) {
        clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, bytes, Pointer.to(dst), 0, null, null);
    }

    /**
     * Reads {@code count} floats into {@code dst} (direct buffer) and waits by polling the read's event
     * rather than blocking in the driver: on GPUs a blocking call may sleep and wake up late, which
     * costs more than the step itself.
     */
    void readPolling(cl_mem mem, FloatBuffer dst, int count) {
        readPolling(mem, Pointer.to(dst), (long) count * Sizeof.cl_float);
    }

    /** {@link #readPolling(cl_mem, FloatBuffer, int)} of the first {@code bytes} of {@code mem} into a direct byte buffer. */
    void readPolling(cl_mem mem, ByteBuffer dst, long bytes) {
        readPolling(mem, Pointer.to(dst), bytes);
    }

    /** Waits for the queue and reads the first {@code bytes} of {@code mem}: polling on GPUs, blocking on CPUs. */
    void readWhenDone(cl_mem mem, ByteBuffer dst, long bytes) {
        if (info.cpu()) {
            read(mem, dst, bytes);
        } else {
            readPolling(mem, dst, bytes);
        }
    }

    private void readPolling(cl_mem mem, Pointer dst, long bytes) {
        cl_event ev = new cl_event();
        clEnqueueReadBuffer(queue, mem, CL_FALSE, 0, bytes, dst, 0, null, ev);
        flush();
        poll(ev);
    }

    /**
     * Enqueues a read of the first {@code bytes} of {@code mem} into {@code dst} (a direct buffer the caller keeps) after
     * everything enqueued before, without waiting; {@link #await} waits for the returned event.
     */
    cl_event readLater(cl_mem mem, ByteBuffer dst, long bytes) {
        cl_event ev = new cl_event();
        clEnqueueReadBuffer(queue, mem, CL_FALSE, 0, bytes, Pointer.to(dst), 0, null, ev);
        flush();
        return ev;
    }

    /**
     * Enqueues a marker and sends it to the device: its event is done once every command enqueued before it is; wait for
     * it with {@link #await}.
     */
    cl_event marker() {
        cl_event ev = new cl_event();
        clEnqueueMarkerWithWaitList(queue, 0, null, ev);
        flush();
        return ev;
    }

    /** Waits for a {@link #readLater} and releases its event: polling on GPUs (see {@link #readPolling}), blocking on CPUs. */
    void await(cl_event ev) {
        if (info.cpu()) {
            int status = clWaitForEvents(1, new cl_event[] {ev});
            clReleaseEvent(ev);
            if (status != CL_SUCCESS) {
                throw new IllegalStateException("OpenCL read failed with status " + status);
            }
        } else {
            poll(ev);
        }
    }

    /** Spins until {@code ev} completes, then releases it. */
    private static void poll(cl_event ev) {
        int[] status = {1};
        while (status[0] > CL_COMPLETE) {
            clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, Sizeof.cl_int, Pointer.to(status), null);
            if (status[0] > CL_COMPLETE) {
                Thread.onSpinWait();
            }
        }
        clReleaseEvent(ev);
        if (status[0] < 0) {
            throw new IllegalStateException("OpenCL read failed with status " + status[0]);
        }
    }

    /** Sets every argument of {@code k}: cl_mem, Integer or Float values in order. */
    static void args(cl_kernel k, Object... values) {
        argsFrom(k, 0, values);
    }

    /** Sets arguments {@code first, first + 1, ...} of {@code k}: cl_mem, Integer or Float values in order. */
    static void argsFrom(cl_kernel k, int first, Object... values) {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof cl_mem m) {
                arg(k, first + i, m);
            } else if (v instanceof Integer n) {
                clSetKernelArg(k, first + i, Sizeof.cl_int, Pointer.to(new int[] {n}));
            } else if (v instanceof Float f) {
                clSetKernelArg(k, first + i, Sizeof.cl_float, Pointer.to(new float[] {f}));
            } else {
                throw new IllegalArgumentException("unsupported kernel argument " + v);
            }
        }
    }

    /** Sets buffer argument {@code index} of {@code k} (a launch takes the value set when it is enqueued). */
    static void arg(cl_kernel k, int index, cl_mem m) {
        clSetKernelArg(k, index, Sizeof.cl_mem, Pointer.to(m));
    }

    /** Enqueues {@code k}; {@code local} may be null. With profiling on, the launch is timed under {@code label}. */
    void launch(cl_kernel k, String label, long[] global, long[] local) {
        long start = hostTiming ? System.nanoTime() : 0;
        cl_event ev = pending == null ? null : new cl_event();
        clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, ev);
        if (ev != null) {
            pending.add(Map.entry(label, ev));
        }
        if (hostTiming) {
            hostTime(LAUNCH_LABEL, System.nanoTime() - start);
        }
        enqueued();
    }

    /** With profiling on, adds {@code nanos} of host time under {@code label} (shown beside the kernels). */
    synchronized void hostTime(String label, long nanos) {
        if (hostTiming) {
            long[] acc = profile.computeIfAbsent(label, x -> new long[2]);
            acc[0] += nanos;
            acc[1]++;
        }
    }

    /**
     * With profiling on, adds {@code nanos} of device time in {@code calls} calls under {@code label}, measured by a
     * kernel itself (the persistent step's phase clock) rather than by launch events.
     */
    synchronized void deviceTime(String label, long nanos, int calls) {
        if (hostTiming) {
            long[] acc = profile.computeIfAbsent(label, x -> new long[2]);
            acc[0] += nanos;
            acc[1] += calls;
        }
    }

    void finish() {
        clFinish(queue);
    }

    /**
     * Returns {@code work}'s result with the commands it enqueues on the side queue, a second in-order queue of this
     * context, sent to the device after it; while kernel times are collected, on the queue in use (which profiles
     * them). Commands of the two queues are ordered only by events: the caller makes a command wait for the other
     * queue's where it reads what that one writes. Under this context's lock.
     */
    <T> T onSideQueue(Supplier<T> work) {
        if (pending != null) {
            return work.get();
        }
        if (sideQueue == null) {
            sideQueue = createQueue(false);
        }
        flush(); // the main queue's commands so far (flushEvery > 1 may hold some back)
        cl_command_queue main = queue;
        queue = sideQueue;
        try {
            return work.get();
        } finally {
            flush();
            queue = main;
        }
    }

    /**
     * Enqueues a barrier on the queue in use that waits for {@code ev} (of either queue), then releases {@code ev}: later
     * commands of this queue start after it.
     */
    void waitOn(cl_event ev) {
        clEnqueueBarrierWithWaitList(queue, 1, new cl_event[] {ev}, null);
        clReleaseEvent(ev);
    }

    /**
     * Starts (or stops) collecting host times and, with {@code kernels}, device-side kernel times per label
     * (one profiling event per launch, which itself adds host time).
     */
    synchronized void profiling(boolean on, boolean kernels) {
        collect();
        cl_command_queue wanted = on && kernels ? profiled() : plainQueue;
        if (wanted != queue) {
            clFinish(queue); // the queues are in order, but not with each other
            if (sideQueue != null) {
                clFinish(sideQueue); // kernel times move the side queue's work to the profiled queue, and back
            }
            queue = wanted;
            unflushed = 0;
        }
        pending = on && kernels ? new ArrayList<>() : null;
        hostTiming = on;
        profile.clear();
    }

    /** Whether the queue in use now is profiling-enabled (the driver's answer; tests). */
    synchronized boolean queueProfiles() {
        long[] properties = new long[1];
        clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES, Sizeof.cl_long, Pointer.to(properties), null);
        return (properties[0] & CL_QUEUE_PROFILING_ENABLE) != 0;
    }

    private cl_command_queue profiled() {
        if (profiledQueue == null) {
            profiledQueue = createQueue(true);
        }
        return profiledQueue;
    }

    /** Device nanoseconds and launch counts per label since profiling started: label -> {ns, count}. */
    synchronized Map<String, long[]> profile() {
        collect();
        Map<String, long[]> copy = new LinkedHashMap<>();
        profile.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    private void collect() {
        if (pending == null || pending.isEmpty()) {
            return;
        }
        clFinish(queue);
        long[] t0 = new long[1];
        long[] t1 = new long[1];
        for (Map.Entry<String, cl_event> e : pending) {
            clGetEventProfilingInfo(e.getValue(), CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(t0), null);
            clGetEventProfilingInfo(e.getValue(), CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(t1), null);
            long[] acc = profile.computeIfAbsent(e.getKey(), x -> new long[2]);
            acc[0] += t1[0] - t0[0];
            acc[1]++;
            clReleaseEvent(e.getValue());
        }
        pending.clear();
    }

    /** A direct native-order buffer of at least {@code bytes}. */
    static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect((int) Math.max(16, bytes)).order(ByteOrder.nativeOrder());
    }

    static void release(cl_mem m) {
        if (m != null) {
            clReleaseMemObject(m);
        }
    }

    /** Releases each buffer of {@code ms}; nulls (never allocated) are skipped. */
    static void release(cl_mem... ms) {
        for (cl_mem m : ms) {
            release(m);
        }
    }

    @Override
    public synchronized void close() {
        profiling(false, false);
        for (cl_kernel k : kernels) {
            clReleaseKernel(k);
        }
        kernels.clear();
        Map<ProgramSource, CompletableFuture<cl_program>> builds;
        synchronized (programs) {
            builds = Map.copyOf(programs);
            programs.clear();
            if (builder != null) {
                builder.shutdown(); // the queued builds still run; their programs are released below
            }
        }
        builds.forEach((source, build) -> {
            if (!build.isDone()) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "autogaze4j: waiting for the background build of OpenCL program " + source.resource() + " ("
                                + source.variant() + ") to finish, so that later runs find it in the program cache");
            }
        });
        for (CompletableFuture<cl_program> build : builds.values()) {
            // a build still running (started in the background, never asked for) must end before the context goes
            cl_program p = build.exceptionally(failed -> null).join();
            if (p != null) {
                clReleaseProgram(p);
            }
        }
        if (profiledQueue != null && profiledQueue != plainQueue) {
            clReleaseCommandQueue(profiledQueue);
        }
        if (sideQueue != null) {
            clFinish(sideQueue);
            clReleaseCommandQueue(sideQueue);
        }
        clReleaseCommandQueue(plainQueue);
        clReleaseContext(context);
    }
}
