package org.srv6.appliance.admin.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Writes the entries of the OSGi Log Service to {@code ${srv6.home}/var/log/srv6.log}: one line
 * {@code timestamp LEVEL bundle: message}, then the stack trace of the exception if any. Entries
 * below {@code srv6.log.level} (default: {@code org.osgi.service.log.admin.loglevel}, else INFO)
 * are skipped, and so are the framework's bundle and service events below WARN (one per bundle
 * and service at every boot). The file is opened for each entry (a rotated log is followed) and
 * written with one append, so lines never interleave with the daemon's own standard output,
 * which goes to the same file; nothing is copied to standard output, so no line appears twice.
 */
@Component(immediate = true, service = {})
public final class LogFile implements LogListener {

    /** Framework property: the lowest level written (DEBUG, INFO, WARN, ERROR, ...). */
    static final String LEVEL_PROPERTY = "srv6.log.level";
    static final String ADMIN_LEVEL_PROPERTY = "org.osgi.service.log.admin.loglevel";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    /** Sequence of the last entry written in this framework run: a re-activation replays only newer history. */
    private static volatile long lastSequence = -1;

    private final LogReaderService reader;
    private final Path file;
    private final LogLevel threshold;

    @Activate
    public LogFile(BundleContext context, @Reference LogReaderService reader) {
        this.reader = reader;
        String home = context.getProperty("srv6.home");
        this.file = home == null || home.isBlank() ? null : Path.of(home, "var", "log", "srv6.log");
        this.threshold = level(context.getProperty(LEVEL_PROPERTY), level(context.getProperty(ADMIN_LEVEL_PROPERTY), LogLevel.INFO));
        if (file == null) {
            return;
        }
        synchronized (this) {
            // listening first, then what was logged before this bundle started (the log keeps a
            // short history, newest first); the lock holds new entries back until it is written
            reader.addLogListener(this);
            List<LogEntry> history = new ArrayList<>();
            for (Enumeration<LogEntry> e = reader.getLog(); e.hasMoreElements();) {
                history.add(e.nextElement());
            }
            Collections.reverse(history);
            for (LogEntry e : history) {
                logged(e);
            }
        }
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public synchronized void logged(LogEntry entry) {
        if (file == null || entry.getSequence() <= lastSequence || !accepted(entry, threshold)) {
            return;
        }
        lastSequence = entry.getSequence();
        try {
            append(file, format(entry));
        } catch (IOException e) {
            // no log to report it to: the entry is lost, the appliance goes on
        }
    }

    /** @return {@code text} as a level, else {@code otherwise} */
    static LogLevel level(String text, LogLevel otherwise) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return LogLevel.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return otherwise;
        }
    }

    static boolean accepted(LogEntry entry, LogLevel threshold) {
        LogLevel level = entry.getLogLevel();
        if (!threshold.implies(level)) {
            return false;
        }
        String name = entry.getLoggerName();
        boolean event = name != null && (name.startsWith("Events.Bundle") || name.startsWith("Events.Service"));
        return !event || LogLevel.WARN.implies(level);
    }

    /** One line, then the stack trace of the entry's exception, if any. */
    static String format(LogEntry entry) {
        Bundle b = entry.getBundle();
        String source = b != null && b.getSymbolicName() != null ? b.getSymbolicName() : String.valueOf(entry.getLoggerName());
        StringBuilder sb = new StringBuilder(128)
                .append(TIME.format(Instant.ofEpochMilli(entry.getTime()))).append(' ')
                .append(entry.getLogLevel()).append(' ')
                .append(source).append(": ")
                .append(String.valueOf(entry.getMessage()).replace("\r\n", " ").replace('\n', ' ').replace('\r', ' '))
                .append('\n');
        Throwable t = entry.getException();
        if (t != null) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            sb.append(trace);
        }
        return sb.toString();
    }

    /** Appends {@code text} in one write; creates var/log 0750 and the file 0640 when absent. */
    static void append(Path file, String text) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            // set, not requested at creation: the appliance's umask (077) would narrow it
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        }
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            if (created) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
            }
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }
}
