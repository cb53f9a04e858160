package org.srv6.appliance.admin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

public class LogFileTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static LogEntry entry(LogLevel level, String logger, String message, Throwable t) {
        return new LogEntry() {
            @Override public Bundle getBundle() { return null; }
            @Override public ServiceReference<?> getServiceReference() { return null; }
            @Override @SuppressWarnings("deprecation") public int getLevel() { return level.ordinal(); }
            @Override public String getMessage() { return message; }
            @Override public Throwable getException() { return t; }
            @Override public long getTime() { return 0; }
            @Override public LogLevel getLogLevel() { return level; }
            @Override public String getLoggerName() { return logger; }
            @Override public long getSequence() { return 1; }
            @Override public String getThreadInfo() { return "main"; }
            @Override public StackTraceElement getLocation() { return null; }
        };
    }

    @Test
    public void oneLinePerEntryThenTheStackTrace() {
        String text = LogFile.format(entry(LogLevel.ERROR, "org.srv6.appliance.core", "two\nlines", new IllegalStateException("boom")));
        String[] lines = text.split("\n");
        assertTrue(lines[0], lines[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ ERROR org.srv6.appliance.core: two lines"));
        assertEquals("java.lang.IllegalStateException: boom", lines[1]);
        assertTrue(lines[2], lines[2].startsWith("\tat "));
    }

    @Test
    public void levelAndEventFilter() {
        assertTrue(LogFile.accepted(entry(LogLevel.INFO, "org.srv6.appliance.core", "m", null), LogLevel.INFO));
        assertFalse(LogFile.accepted(entry(LogLevel.DEBUG, "org.srv6.appliance.core", "m", null), LogLevel.INFO));
        assertFalse(LogFile.accepted(entry(LogLevel.INFO, "org.srv6.appliance.core", "m", null), LogLevel.WARN));
        assertFalse(LogFile.accepted(entry(LogLevel.INFO, "Events.Bundle.org.x", "BundleEvent STARTED", null), LogLevel.INFO));
        assertFalse(LogFile.accepted(entry(LogLevel.INFO, "Events.Service.org.x", "ServiceEvent REGISTERED", null), LogLevel.INFO));
        assertTrue(LogFile.accepted(entry(LogLevel.ERROR, "Events.Framework.org.x", "FrameworkEvent ERROR", null), LogLevel.INFO));
        assertEquals(LogLevel.WARN, LogFile.level(" warn ", LogLevel.INFO));
        assertEquals(LogLevel.INFO, LogFile.level("loud", LogLevel.INFO));
    }

    @Test
    public void fileAndFolderAreNotWorldReadable() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("home/var/log/srv6.log");
        LogFile.append(file, "a\n");
        LogFile.append(file, "b\n");
        assertEquals("a\nb\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }
}
