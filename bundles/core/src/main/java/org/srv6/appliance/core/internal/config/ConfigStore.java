package org.srv6.appliance.core.internal.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The persisted configuration: a file of shell lines. Every write goes to a temporary file in
 * the same directory, is forced to disk, then renamed over the old file, and the directory is
 * forced too; a crash at any point leaves either the old or the new file, never a torn one.
 */
public final class ConfigStore {
    private static final String HEADER = "# SRv6 appliance running configuration; replayed at boot, rewritten on every change\n";

    private final Path file;

    public ConfigStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** Writes {@code lines} atomically to {@link #file()}. */
    public synchronized void write(List<String> lines) throws IOException {
        write(file, lines);
    }

    /** Writes {@code lines} atomically to {@code target}. */
    public static void write(Path target, List<String> lines) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder(HEADER);
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename itself is still atomic
        }
    }

    /** @return the stored lines without comments and blank lines; empty when there is no file */
    public synchronized List<String> read() throws IOException {
        return read(file);
    }

    /** @return the lines of {@code source} without comments and blank lines; empty when absent */
    public static List<String> read(Path source) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.exists(source)) {
            return out;
        }
        for (String l : Files.readAllLines(source, StandardCharsets.UTF_8)) {
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t);
            }
        }
        return out;
    }
}
