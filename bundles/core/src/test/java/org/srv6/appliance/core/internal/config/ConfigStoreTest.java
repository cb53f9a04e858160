package org.srv6.appliance.core.internal.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ConfigStoreTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** Two distinct configurations, big enough that a write takes several system calls. */
    static List<String> config(char variant) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            l.add("ip -6 route add fc00:" + variant + ":" + Integer.toHexString(i) + "::/64 encap seg6local action End dev tap" + variant);
        }
        return l;
    }

    @Test
    public void writeThenReadReturnsTheLines() throws IOException {
        ConfigStore store = new ConfigStore(tmp.getRoot().toPath().resolve("etc/srv6.conf"));
        List<String> lines = Arrays.asList("ip link add tap0 type tap", "ip -6 addr add 2001:db8::1/64 dev tap0");
        store.write(lines);
        assertEquals(lines, store.read());
    }

    @Test
    public void writeLeavesNoTemporaryFile() throws IOException {
        Path f = tmp.getRoot().toPath().resolve("srv6.conf");
        ConfigStore.write(f, config('a'));
        ConfigStore.write(f, config('b'));
        try (var s = Files.list(tmp.getRoot().toPath())) {
            assertEquals(List.of(f), s.toList());
        }
        assertEquals(config('b'), ConfigStore.read(f));
    }

    @Test
    public void everyRewriteKeepsThePreviousFileAsBakAndEveryFileIsOwnerOnly() throws IOException {
        ConfigStore store = new ConfigStore(tmp.getRoot().toPath().resolve("srv6.conf"));
        store.write(config('a'));
        store.write(config('b'));
        assertEquals(config('b'), ConfigStore.read(store.file()));
        assertEquals(config('a'), ConfigStore.read(store.backupFile()));
        store.append("ip sr tunsrc set 2001:db8::1");
        store.reject(List.of(new ConfigStore.Line("srv6.conf", 3, "ip frob", null)), List.of("unknown object frob"));
        for (Path p : List.of(store.file(), store.backupFile(), store.journalFile(), store.rejectedFile())) {
            assertEquals(p.toString(), "rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p)));
        }
    }

    @Test
    public void journalLinesFollowTheFileAndARewriteEmptiesTheJournal() throws IOException {
        ConfigStore store = new ConfigStore(tmp.getRoot().toPath().resolve("srv6.conf"));
        store.write(List.of("ip link add tap0 type tap"));
        assertEquals(1, store.append("ip -6 route add fc00::/64 dev tap0"));
        assertEquals(2, store.append("ip -6 route del fc00::/64"));
        store.close();
        ConfigStore again = new ConfigStore(store.file());
        assertEquals(List.of("ip link add tap0 type tap", "ip -6 route add fc00::/64 dev tap0", "ip -6 route del fc00::/64"),
                again.read());
        assertEquals(3, again.append("ip sr tunsrc set 2001:db8::1"));
        again.write(List.of("ip link add tap1 type tap"));
        assertFalse(Files.exists(again.journalFile()));
        assertEquals(List.of("ip link add tap1 type tap"), again.read());
    }

    @Test
    public void aBadByteAGarbageLineAndAHalfWrittenJournalLineAreReportedAndTheRestIsRead() throws IOException {
        ConfigStore store = new ConfigStore(tmp.getRoot().toPath().resolve("srv6.conf"));
        Files.write(store.file(), new byte[] {'i', 'p', ' ', 'l', 'i', 'n', 'k', ' ', 'a', 'd', 'd', ' ', 'a', ' ',
            't', 'y', 'p', 'e', ' ', 't', 'a', 'p', '\n', 'x', (byte) 0xff, '\n', 'g', 'a', 'r', 'b', 'a', 'g', 'e', '\n',
            'i', 'p', ' ', 's', 'r', ' ', 't', 'u', 'n', 's', 'r', 'c', ' ', 's', 'e', 't', ' ', ':', ':', '1'});
        Files.writeString(store.journalFile(), "ip -6 route add fc00::/64 dev a\nip -6 route add fc00:1::/6");
        List<ConfigStore.Line> lines = store.load();
        assertEquals(6, lines.size());
        assertEquals(null, lines.get(0).problem());
        assertEquals("not valid UTF-8", lines.get(1).problem());
        assertEquals("srv6.conf:2", lines.get(1).where());
        assertEquals("garbage", lines.get(2).text());
        assertEquals(null, lines.get(2).problem()); // readable: the shell rejects it when it is applied
        assertEquals("ip sr tunsrc set ::1", lines.get(3).text()); // the file's last line needs no newline
        assertEquals(null, lines.get(3).problem());
        assertEquals(null, lines.get(4).problem());
        assertEquals("half-written last line of the journal (no newline)", lines.get(5).problem());
        assertEquals("srv6.conf.journal:2", lines.get(5).where());
    }

    @Test
    public void readIgnoresCommentsAndBlankLines() throws IOException {
        Path f = tmp.getRoot().toPath().resolve("srv6.conf");
        Files.writeString(f, "# header\n\n   \nip link add tap0 type tap\n  # indented comment\n  ip sr tunsrc set 2001:db8::1  \n");
        assertEquals(Arrays.asList("ip link add tap0 type tap", "ip sr tunsrc set 2001:db8::1"), ConfigStore.read(f));
    }

    @Test
    public void readOfAMissingFileIsEmpty() throws IOException {
        assertTrue(ConfigStore.read(tmp.getRoot().toPath().resolve("absent.conf")).isEmpty());
    }

    @Test
    public void writtenFileStartsWithACommentThatReadSkips() throws IOException {
        Path f = tmp.getRoot().toPath().resolve("srv6.conf");
        ConfigStore.write(f, List.of("ip link add tap0 type tap"));
        String text = Files.readString(f);
        assertTrue(text.startsWith("#"));
        assertTrue(text.endsWith("ip link add tap0 type tap\n"));
    }

    /**
     * SIGKILL at random moments while a child JVM rewrites the file in a loop: every time, the file
     * on disk must be exactly one of the two versions, never a mix or a truncated one.
     */
    @Test
    public void killDashNineLeavesOneWholeVersion() throws Exception {
        Path f = tmp.getRoot().toPath().resolve("srv6.conf");
        Path ra = tmp.getRoot().toPath().resolve("ref/a.conf");
        Path rb = tmp.getRoot().toPath().resolve("ref/b.conf");
        ConfigStore.write(ra, config('a'));
        ConfigStore.write(rb, config('b'));
        byte[] a = Files.readAllBytes(ra);
        byte[] b = Files.readAllBytes(rb);
        assertFalse(Arrays.equals(a, b));

        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Random random = new Random(8986);
        int sawA = 0;
        int sawB = 0;
        for (int round = 0; round < 25; round++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Writer.class.getName(), f.toString())
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertEquals("child JVM did not start writing", "writing", line);
                Thread.sleep(random.nextInt(200));
                assertTrue("child JVM exited before it was killed", p.isAlive());
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            }
            byte[] now = Files.readAllBytes(f);
            if (Arrays.equals(now, a)) {
                sawA++;
            } else if (Arrays.equals(now, b)) {
                sawB++;
            } else {
                fail("round " + round + ": the file is neither version a nor version b (" + now.length + " bytes)");
            }
        }
        assertEquals(25, sawA + sawB);
    }

    /** The child JVM: rewrites the file alternating the two versions until killed. */
    public static final class Writer {
        public static void main(String[] args) throws IOException {
            Path f = Path.of(args[0]);
            List<String> a = config('a');
            List<String> b = config('b');
            ConfigStore.write(f, a);
            System.out.println("writing");
            System.out.flush();
            for (long i = 1; ; i++) {
                ConfigStore.write(f, (i & 1) == 0 ? a : b);
            }
        }
    }
}
