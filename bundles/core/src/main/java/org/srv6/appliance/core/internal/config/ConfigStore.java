package org.srv6.appliance.core.internal.config;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The persisted configuration: {@code srv6.conf}, a file of shell lines, and its journal
 * {@code srv6.conf.journal}, the lines of the changes made since the file was last written.
 * Boot replays the file, then the journal.
 *
 * <ul>
 * <li>A change of one route costs one appended journal line, whatever the size of the
 * configuration; {@link #write} (compaction, or a change of something other than routes)
 * rewrites the file and empties the journal.</li>
 * <li>A rewrite goes to a temporary file in the same directory, is forced to disk, then renamed
 * over the old file, which is kept as {@code srv6.conf.bak}: a crash at any point leaves either
 * the old or the new file, never a torn one. A journal line is written with one system call, so
 * {@code kill -9} leaves whole lines; only a power loss can leave a half line, which is then not
 * applied (it has no newline) but reported.</li>
 * <li>Nothing is lost: a line that cannot be read (bad encoding, too long) or applied is kept in
 * {@code srv6.conf.rejected}, with the time and the reason, for the operator to mend.</li>
 * <li>Every file is readable by its owner only (HMAC secrets live in it).</li>
 * </ul>
 */
public final class ConfigStore {
    private static final String HEADER = "# SRv6 appliance running configuration; replayed at boot, then srv6.conf.journal (the route changes since)\n";
    private static final int MAX_LINE = 64 * 1024;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** The journal is forced to disk at most this often; a kill -9 loses nothing written before it. */
    private static final long SYNC_NANOS = 100_000_000L;

    /** A line as read: its number in its file, its text, and why it cannot be applied (null when it can). */
    public record Line(String file, int number, String text, String problem) {
        public String where() {
            return file + ":" + number;
        }
    }

    private final Path file;
    private FileChannel journal;
    private int journalLines = -1;
    private long lastSync;

    public ConfigStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    public Path journalFile() {
        return sibling(".journal");
    }

    public Path backupFile() {
        return sibling(".bak");
    }

    public Path rejectedFile() {
        return sibling(".rejected");
    }

    private Path sibling(String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Rewrites the configuration as {@code lines}, keeps the previous file as .bak and empties the journal. */
    public synchronized void write(List<String> lines) throws IOException {
        write(lines::forEach);
    }

    /** {@link #write(List)} of the lines {@code lines} hands out, one at a time (a million need not be held at once). */
    public synchronized void write(Consumer<Consumer<String>> lines) throws IOException {
        if (Files.exists(file)) {
            Path bak = backupFile();
            Path tmp = file.resolveSibling("." + bak.getFileName() + ".tmp");
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            Files.move(tmp, bak, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        write(file, lines);
        closeJournal();
        Files.deleteIfExists(journalFile());
        journalLines = 0;
    }

    /** Appends the line of one change to the journal; @return the journal's length in lines */
    public synchronized int append(String line) throws IOException {
        if (journal == null) {
            Path j = journalFile();
            if (!Files.exists(j)) {
                Files.createFile(j, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            journal = FileChannel.open(j, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (journalLines < 0) {
                journalLines = lines(j).size();
            }
        }
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            journal.write(b);
        }
        long now = System.nanoTime();
        if (now - lastSync > SYNC_NANOS) {
            journal.force(false);
            lastSync = now;
        }
        return ++journalLines;
    }

    /** Forces the journal to disk (the appliance stops). */
    public synchronized void close() {
        closeJournal();
    }

    private void closeJournal() {
        if (journal != null) {
            try {
                journal.force(false);
                journal.close();
            } catch (IOException ignored) {
                // the lines were written; only their sync failed
            }
            journal = null;
        }
    }

    /** Writes {@code lines} atomically to {@code target}, readable by its owner only. */
    public static void write(Path target, List<String> lines) throws IOException {
        write(target, lines::forEach);
    }

    /** {@link #write(Path, List)} of the lines {@code lines} hands out, streamed to the file. */
    public static void write(Path target, Consumer<Consumer<String>> lines) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            // replaces what cannot be encoded, as String.getBytes does
            Writer w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8), 1 << 16);
            w.write(HEADER);
            try {
                lines.accept(l -> {
                    try {
                        w.write(l);
                        w.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            w.flush();
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

    /** @return the file's lines, then the journal's: what boot replays, problems included */
    public synchronized List<Line> load() throws IOException {
        List<Line> out = new ArrayList<>();
        load(out::add);
        return out;
    }

    /**
     * {@link #load()} handed out one line at a time, the file read a block at a time (a million
     * lines are never all in memory). Holds no lock while it hands out: {@code out} may change
     * the configuration.
     */
    public void load(Consumer<Line> out) throws IOException {
        forEachLine(file, out);
        Path j = journalFile();
        if (Files.exists(j)) {
            List<Line> jl = lines(j);
            synchronized (this) {
                journalLines = jl.size();
            }
            byte[] all = Files.readAllBytes(j);
            if (all.length > 0 && all[all.length - 1] != '\n' && !jl.isEmpty()) {
                Line last = jl.get(jl.size() - 1);
                jl.set(jl.size() - 1, new Line(last.file(), last.number(), last.text(),
                        "half-written last line of the journal (no newline)"));
            }
            jl.forEach(out);
        }
    }

    /** @return the stored lines that can be applied (file, then journal) */
    public synchronized List<String> read() throws IOException {
        return texts(load());
    }

    /** @return the lines of {@code source} that can be applied; empty when absent */
    public static List<String> read(Path source) throws IOException {
        return texts(lines(source));
    }

    private static List<String> texts(List<Line> lines) {
        List<String> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.problem() == null) {
                out.add(l.text());
            }
        }
        return out;
    }

    /**
     * @return the non-blank, non-comment lines of {@code source}, each with its number and, for a
     *         line that is not valid UTF-8 or is too long, the problem; empty when absent
     */
    public static List<Line> lines(Path source) throws IOException {
        List<Line> out = new ArrayList<>();
        forEachLine(source, out::add);
        return out;
    }

    /** {@link #lines(Path)} handed out one at a time, read a block at a time; nothing when absent. */
    public static void forEachLine(Path source, Consumer<Line> out) throws IOException {
        if (!Files.exists(source)) {
            return;
        }
        String name = source.getFileName().toString();
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] block = new byte[1 << 16];
        byte[] line = new byte[256];
        int len = 0;
        int number = 0;
        try (InputStream in = Files.newInputStream(source)) {
            for (int n; (n = in.read(block)) >= 0;) {
                for (int i = 0; i < n; i++) {
                    byte b = block[i];
                    if (b == '\n') {
                        line(name, ++number, line, len, strict, out);
                        len = 0;
                    } else {
                        if (len == line.length) {
                            line = Arrays.copyOf(line, len * 2);
                        }
                        line[len++] = b;
                    }
                }
            }
        }
        if (len > 0) {
            line(name, ++number, line, len, strict, out); // the last line, without a newline
        }
    }

    /** Hands out one line unless it is blank or a comment, with the problem that keeps it from being applied. */
    private static void line(String name, int number, byte[] b, int len, CharsetDecoder strict, Consumer<Line> out) {
        String problem = null;
        String text;
        try {
            CharBuffer c = strict.reset().decode(ByteBuffer.wrap(b, 0, len));
            text = c.toString();
        } catch (CharacterCodingException e) {
            text = new String(b, 0, len, StandardCharsets.UTF_8);
            problem = "not valid UTF-8";
        }
        text = text.strip();
        if (problem == null && text.length() > MAX_LINE) {
            problem = "line longer than " + MAX_LINE + " characters";
        }
        if (problem == null && text.chars().anyMatch(ch -> ch < 0x20 && ch != '\t')) {
            problem = "control characters in the line";
        }
        if (!text.isEmpty() && !text.startsWith("#")) {
            out.accept(new Line(name, number, text, problem));
        }
    }

    /** Keeps lines that could not be applied in srv6.conf.rejected, each under a comment saying when and why. */
    public synchronized void reject(List<Line> lines, List<String> reasons) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        Path r = rejectedFile();
        if (!Files.exists(r)) {
            Files.createFile(r, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        StringBuilder sb = new StringBuilder();
        String now = Instant.now().toString();
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            sb.append("# ").append(now).append(' ').append(l.where()).append(": ").append(reasons.get(i)).append('\n')
                    .append(l.text()).append('\n');
        }
        try (FileChannel ch = FileChannel.open(r, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
    }
}
