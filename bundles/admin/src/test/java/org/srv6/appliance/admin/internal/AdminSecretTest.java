package org.srv6.appliance.admin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

public class AdminSecretTest {

    private Path dir;
    private Path file;

    @Before
    public void createDir() throws Exception {
        dir = Files.createTempDirectory("srv6-secret");
        file = dir.resolve("var").resolve(AdminSecret.FILE_NAME);
    }

    @After
    public void removeDir() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    private String content() throws Exception {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }

    @Test
    public void firstStartWrites32RandomBytesInHexReadableByTheOwnerOnly() throws Exception {
        AdminSecret secret = AdminSecret.loadOrCreate(file);
        assertTrue(content().matches("[0-9a-f]{64}"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertTrue(secret.matches(content()));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals("temporary files left behind", 1, s.count());
        }
    }

    @Test
    public void anExistingSecretIsKept() throws Exception {
        AdminSecret.loadOrCreate(file);
        String first = content();
        AdminSecret again = AdminSecret.loadOrCreate(file);
        assertEquals(first, content());
        assertTrue(again.matches(first));
    }

    @Test
    public void onlyTheExactSecretMatches() throws Exception {
        AdminSecret secret = AdminSecret.loadOrCreate(file);
        String s = content();
        assertFalse(secret.matches(""));
        assertFalse(secret.matches(s.substring(1)));
        assertFalse(secret.matches(s + "0"));
        assertFalse(secret.matches(s.toUpperCase()));
        char last = s.charAt(63);
        assertFalse(secret.matches(s.substring(0, 63) + (last == '0' ? '1' : '0')));
    }

    @Test
    public void aSecretReadableByOthersIsMadeOwnerOnly() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "ab".repeat(32) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        AdminSecret secret = AdminSecret.loadOrCreate(file);
        assertTrue(secret.matches("ab".repeat(32)));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }

    @Test
    public void aMalformedSecretIsReplaced() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "password\n");
        AdminSecret secret = AdminSecret.loadOrCreate(file);
        assertFalse(secret.matches("password"));
        assertTrue(content().matches("[0-9a-f]{64}"));
        assertTrue(secret.matches(content()));
    }

    @Test
    public void concurrentFirstStartsAgreeOnOneSecret() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<AdminSecret>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    return AdminSecret.loadOrCreate(file);
                }));
            }
            go.countDown();
            Set<Boolean> agree = new HashSet<>();
            String s = null;
            for (Future<AdminSecret> f : all) {
                AdminSecret secret = f.get();
                s = s == null ? content() : s;
                agree.add(secret.matches(s));
            }
            assertEquals(Set.of(true), agree);
        } finally {
            pool.shutdownNow();
        }
    }
}
