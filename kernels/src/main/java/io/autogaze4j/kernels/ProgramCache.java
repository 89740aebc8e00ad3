package io.autogaze4j.kernels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Our own on-disk cache of built OpenCL program binaries ({@code CL_PROGRAM_BINARIES}), one file per program
 * build: a fresh GPU machine spent 22.4 s building the kernels of its first run (H100, the driver's own cache
 * empty), later processes load the binary instead.
 *
 * <p>An entry's name is the SHA-256 {@link #key} of everything that decides the binary: platform, device, device
 * and driver versions, program name, source text and build options, so a new driver or a changed kernel simply
 * misses. A file holds {@code MAGIC}, the key, the SHA-256 of the binary, then the binary; it is written to a
 * temporary file and renamed into place, so readers never see half a file. A file that does not verify is
 * reported by {@link #load} as absent (and logged): the caller builds from source and stores over it.
 *
 * <p>Where: system property {@value #DIRECTORY_PROPERTY}, else environment variable {@value #DIRECTORY_ENV}, else
 * {@code $XDG_CACHE_HOME/autogaze4j/opencl}, else {@code ~/.cache/autogaze4j/opencl}; the value {@code off}
 * turns the cache off.
 */
final class ProgramCache {
    static final String DIRECTORY_PROPERTY = "autogaze.opencl.cache";
    static final String DIRECTORY_ENV = "AUTOGAZE_OPENCL_CACHE";
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.opencl");
    private static final byte[] MAGIC = "AG4JCLB1".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST = 32;
    private static final int HEADER = MAGIC.length + 2 * DIGEST;

    /** The directory of the entries; empty when the cache is off. */
    private final Optional<Path> directory;

    private ProgramCache(Optional<Path> directory) {
        this.directory = directory;
    }

    /** The cache at {@code directory} (created on the first store). */
    static ProgramCache at(Path directory) {
        return new ProgramCache(Optional.of(directory));
    }

    /** No cache: every program is built from source. */
    static ProgramCache off() {
        return new ProgramCache(Optional.empty());
    }

    /** The cache the system property, the environment or the user's cache directory names (see the class comment). */
    static ProgramCache configured() {
        String named = System.getProperty(DIRECTORY_PROPERTY, System.getenv(DIRECTORY_ENV));
        if (named != null && !named.isBlank()) {
            return named.trim().equals("off") ? off() : at(Path.of(named.trim()));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return at(base.resolve("autogaze4j").resolve("opencl"));
    }

    /** Where the entries live, for messages. */
    String describe() {
        return directory.map(Path::toString).orElse("off");
    }

    /** The entry name of a program build: hex SHA-256 over the device's identity, program name, options and source. */
    static String key(String deviceIdentity, String program, String options, String source) {
        MessageDigest sha = sha256();
        for (String part : new String[] {deviceIdentity, program, options, source}) {
            byte[] b = part.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(8)
                    .putLong(b.length)
                    .array()); // length-prefixed: parts cannot run into each other
            sha.update(b);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The binary stored under {@code key}; empty when there is none or the file does not verify (logged). */
    Optional<byte[]> load(String key) {
        if (directory.isEmpty()) {
            return Optional.empty();
        }
        Path file = file(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "autogaze4j: cannot read cached OpenCL binary " + file + " (" + e + "); building from source");
            return Optional.empty();
        }
        byte[] binary = bytes.length > HEADER ? Arrays.copyOfRange(bytes, HEADER, bytes.length) : new byte[0];
        boolean valid = bytes.length > HEADER
                && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                && Arrays.equals(
                        bytes,
                        MAGIC.length,
                        MAGIC.length + DIGEST,
                        HexFormat.of().parseHex(key),
                        0,
                        DIGEST)
                && Arrays.equals(bytes, MAGIC.length + DIGEST, HEADER, sha256().digest(binary), 0, DIGEST);
        if (!valid) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "autogaze4j: cached OpenCL binary " + file + " is damaged (" + bytes.length
                            + " bytes that do not verify); building from source and replacing it");
            return Optional.empty();
        }
        return Optional.of(binary);
    }

    /**
     * Stores {@code binary} under {@code key}: written to a temporary file beside the entry, then renamed over it.
     * A cache that cannot be written is logged and otherwise ignored (the run goes on, the next one builds again).
     *
     * @return whether the entry was written (false: the cache is off or could not be written)
     */
    boolean store(String key, byte[] binary) {
        if (directory.isEmpty()) {
            return false;
        }
        Path file = file(key);
        Path temp = null;
        try {
            Files.createDirectories(directory.get());
            temp = Files.createTempFile(directory.get(), key, ".tmp");
            Files.write(temp, entry(key, binary));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "autogaze4j: cannot store the OpenCL binary in " + describe() + " (" + e
                            + "); the next run builds it again (set " + DIRECTORY_PROPERTY + " or " + DIRECTORY_ENV
                            + " to a writable directory)");
            deleteQuietly(temp);
            return false;
        }
    }

    /** The file of entry {@code key}. */
    Path file(String key) {
        return directory.orElseThrow().resolve(key + ".bin");
    }

    private static byte[] entry(String key, byte[] binary) {
        return ByteBuffer.allocate(HEADER + binary.length)
                .put(MAGIC)
                .put(HexFormat.of().parseHex(key))
                .put(sha256().digest(binary))
                .put(binary)
                .array();
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the store failed already and says so; a stray temporary file is harmless
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
