package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.launcher.Client;

/** The built appliance started as a daemon in a fresh network namespace and driven through bin/srv6. */
public class DistributionSmokeIT {

    private static final String TEST_USER = "srv6test";

    private ApplianceHome app;

    @Before
    public void startAppliance() throws Exception {
        Assume.assumeTrue("needs root for ip netns; run as root", ApplianceHome.isRoot());
        app = ApplianceHome.copy(true);
        long t0 = System.nanoTime();
        ApplianceHome.Run start = app.srv6("start");
        assertEquals("start: " + start, 0, start.exit);
        System.out.printf("bin/srv6 start answered after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @After
    public void stopAppliance() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    public void startedApplianceListsItsBundlesActive() throws Exception {
        ApplianceHome.Run lb = app.srv6("client", "lb");
        assertEquals(lb.toString(), 0, lb.exit);
        int srv6Bundles = 0;
        for (String line : lb.out.split("\n")) {
            if (line.contains("SRv6 appliance ::") || line.contains("|srv6-")) {
                srv6Bundles++;
                assertTrue("not active: " + line, line.contains("|Active "));
            }
        }
        for (String name : new String[] {"admin channel", "features runtime", ":: api ", ":: core ", "shell commands"}) {
            assertTrue(name + " missing from lb:\n" + lb.out, lb.out.contains(name));
        }
        assertTrue("fewer than two srv6 bundles in lb:\n" + lb.out, srv6Bundles >= 2);
    }

    @Test
    public void adminSocketIsOwnerOnly() throws Exception {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(app.socket());
        assertEquals(PosixFilePermissions.fromString("rw-------"), perms);
    }

    @Test
    public void otherUserIsRefusedByTheSocket() throws Exception {
        ApplianceHome.Run exists = ApplianceHome.exec(null, List.of("id", "-u", TEST_USER));
        if (exists.exit != 0) {
            ApplianceHome.Run add = ApplianceHome.exec(null, List.of("useradd", "--no-create-home", TEST_USER));
            assertEquals("useradd " + TEST_USER + ": " + add, 0, add.exit);
        }
        // a path-bound Unix socket is reached from any network namespace; only its mode protects it
        ApplianceHome.Run run = ApplianceHome.exec(null, List.of("runuser", "-u", TEST_USER, "--",
                app.home.resolve("bin/srv6").toString(), "client", "lb"));
        assertNotEquals(run.toString(), 0, run.exit);
        assertTrue(run.toString(), run.err.toLowerCase().contains("permission denied"));
        assertFalse(run.toString(), run.out.contains("Active"));
    }

    @Test
    public void failingCommandGivesOneErrorLineAndApplianceKeepsRunning() throws Exception {
        ApplianceHome.Run bad = app.srv6("client", "no-such-command 1 2");
        assertNotEquals(bad.toString(), 0, bad.exit);
        String[] lines = bad.err.strip().split("\n");
        assertEquals("one line on stderr: " + bad, 1, lines.length);
        assertTrue(bad.toString(), lines[0].startsWith("Error: "));
        assertEquals(0, app.srv6("status").exit);
        assertEquals("ok\n", app.srv6("client", "echo ok").out);
    }

    @Test
    public void failingShellCommandGivesOneErrorLineWithItsMessage() throws Exception {
        // the ip parser rejects the object with an IllegalArgumentException
        ApplianceHome.Run bad = app.srv6("client", "ip frobnicate");
        assertNotEquals(bad.toString(), 0, bad.exit);
        assertEquals(bad.toString(), "Error: unknown object 'frobnicate'; expected link, addr, route, neigh, sr; usage: "
                + "ip [ -4 | -6 | -s | -d ] { link | address | route | neighbor | sr } { COMMAND | help }\n", bad.err);
        assertEquals(bad.toString(), "", bad.out);
    }

    @Test
    public void wrongArgumentsGiveOneErrorLine() throws Exception {
        ApplianceHome.Run missing = app.srv6("client", "feature:install");
        assertNotEquals(missing.toString(), 0, missing.exit);
        assertEquals(missing.toString(), 1, missing.err.strip().split("\n").length);
        assertTrue(missing.toString(), missing.err.startsWith("Error: "));
        // Gogo's own commands report wrong arguments by a status, with a usage text
        ApplianceHome.Run usage = app.srv6("client", "if { true }");
        assertNotEquals(usage.toString(), 0, usage.exit);
        assertEquals(usage.toString(), 1, usage.err.strip().split("\n").length);
        assertTrue(usage.toString(), usage.err.startsWith("Error: usage: if "));
    }

    @Test
    public void commandReturningATextPrintsItAndExitsZero() throws Exception {
        ApplianceHome.Run list = app.srv6("client", "feature:list");
        assertEquals(list.toString(), 0, list.exit);
        assertEquals(list.toString(), "", list.err);
        String[] lines = list.out.split("\n", -1);
        assertTrue(list.out, lines[0].matches("NAME\\s+VERSION\\s+INSTALLED\\s+BUNDLES\\s+BY"));
        assertTrue(list.out, list.out.matches("(?s).*\\nsrv6-core\\s+\\S+\\s+yes\\s+\\d+\\s+boot\\n.*"));
        assertTrue(list.out, list.out.matches("(?s).*\\nsrv6-all\\s+\\S+\\s+yes\\s+\\d+\\s+boot\\n.*"));
        assertTrue("no empty line after the table:\n" + list.out, list.out.endsWith("\n") && !list.out.endsWith("\n\n"));
    }

    @Test
    public void bareUninstallWithAnIdUninstallsThatBundle() throws Exception {
        String bsn = "srv6-behavior-t-insert";
        long id = bundleId(bsn);
        assertTrue(bsn + " not installed at boot:\n" + Client.run(app.socket(), "lb -s").stdout, id > 0);
        ApplianceHome.Run un = app.srv6("client", "uninstall " + id);
        assertEquals(un.toString(), 0, un.exit);
        assertEquals(un.toString(), "", un.err);
        assertEquals("bundle " + id + " still installed", -1, bundleId(bsn));
        // the other behaviors and the feature commands are untouched
        assertTrue(bundleId("srv6-behavior-end") > 0);
        ApplianceHome.Run list = app.srv6("client", "feature:list");
        assertEquals(list.toString(), 0, list.exit);
        assertTrue(list.out, list.out.contains("srv6-behavior-t-insert"));
    }

    @Test
    public void adminSecretIsCreatedAtFirstStartOwnerOnlyAndKeptAcrossRestarts() throws Exception {
        Path file = app.home.resolve("var/admin.secret");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        String first = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue("not 32 bytes in hex: " + first, first.matches("[0-9a-f]{64}\n"));
        assertEquals(0, app.srv6("stop").exit);
        assertEquals(0, app.srv6("start").exit);
        assertEquals(first, Files.readString(file, StandardCharsets.US_ASCII));
        assertEquals(0, app.srv6("client", "echo again").exit);
        // a home copied before its first start gets a secret of its own
        try (ApplianceHome other = ApplianceHome.copy(false)) {
            assertFalse(Files.exists(other.home.resolve("var/admin.secret")));
        }
    }

    @Test
    public void connectionWithAWrongOrMissingSecretIsRefused() throws Exception {
        String wrong = "0".repeat(64);
        assertNotEquals(wrong, secret());
        Path marker = app.dir.resolve("ran");
        for (String request : new String[] {wrong + "\necho x > " + marker + "\n", "echo x > " + marker + "\n", "\n\n"}) {
            String[] r = rawRequest(request);
            assertEquals("stdout of a refused request", "", r[0]);
            assertEquals("Error: authentication failed\n", r[1]);
            assertNotEquals("exit status of a refused request", "0", r[2]);
        }
        assertFalse("a refused request ran its command", Files.exists(marker));
        // the right secret through the same raw protocol works
        String[] ok = rawRequest(secret() + "\necho granted\n");
        assertEquals("granted\n", ok[0]);
        assertEquals("0", ok[2]);
    }

    @Test
    public void clientWithAWrongSecretFileExitsNonZero() throws Exception {
        Path file = app.home.resolve("var/admin.secret");
        String saved = Files.readString(file, StandardCharsets.US_ASCII);
        Files.writeString(file, "f".repeat(64) + "\n", StandardCharsets.US_ASCII);
        try {
            ApplianceHome.Run run = app.srv6("client", "echo no");
            assertNotEquals(run.toString(), 0, run.exit);
            assertEquals(run.toString(), "Error: authentication failed\n", run.err);
            assertEquals(run.toString(), "", run.out);
        } finally {
            Files.writeString(file, saved, StandardCharsets.US_ASCII);
        }
        assertEquals("yes\n", app.srv6("client", "echo yes").out);
    }

    @Test
    public void severalClientsAtOnceAndAVanishedClientDisturbNothing() throws Exception {
        // a client that leaves in the middle of a command, and one that never sends its request
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(app.socket()));
            silent.connect(UnixDomainSocketAddress.of(app.socket()));
            ch.write(ByteBuffer.wrap((secret() + "\nsleep 1; lb\n").getBytes(StandardCharsets.UTF_8)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Client.Result>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String word = "w" + i;
                results.add(pool.submit(() -> Client.run(app.socket(), "echo " + word)));
            }
            for (int i = 0; i < 6; i++) {
                Client.Result r = results.get(i).get();
                assertEquals(r.toString(), 0, r.exitCode);
                assertEquals("w" + i + "\n", r.stdout);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, app.srv6("status").exit);
    }

    @Test
    public void bundleCopiedIntoDeployIsActiveWithinTwoSecondsAndGoneWhenRemoved() throws Exception {
        String bsn = "srv6-deploy-probe";
        Path jar = app.dir.resolve(bsn + ".jar");
        writeProbeBundle(jar, bsn);
        Path deployed = app.home.resolve("deploy").resolve(bsn + ".jar");
        Files.copy(jar, deployed);
        long t0 = System.nanoTime();
        assertTrue("probe bundle not ACTIVE within 2 s", waitFor(() -> activeLine(bsn), 2000));
        System.out.printf("deployed bundle active after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Files.delete(deployed);
        assertTrue("probe bundle still installed 2 s after removal", waitFor(() -> !listed(bsn), 2000));
    }

    @Test
    public void stopEndsTheApplianceAndRemovesTheSocket() throws Exception {
        ApplianceHome.Run stop = app.srv6("stop");
        assertEquals(stop.toString(), 0, stop.exit);
        ApplianceHome.Run status = app.srv6("status");
        assertEquals(status.toString(), 3, status.exit);
        assertFalse("socket left behind", Files.exists(app.socket()));
        ApplianceHome.Run client = app.srv6("client", "lb");
        assertNotEquals(client.toString(), 0, client.exit);
    }

    @Test
    public void startTwiceIsRefused() throws Exception {
        ApplianceHome.Run again = app.srv6("start");
        assertNotEquals(again.toString(), 0, again.exit);
        assertTrue(again.toString(), again.err.contains("already running"));
    }

    @Test
    public void startAndStopWorkFromAnotherDirectoryAndThroughASymlink() throws Exception {
        assertEquals(0, app.srv6("stop").exit);
        Path elsewhere = Files.createDirectories(app.dir.resolve("elsewhere"));
        Path link = elsewhere.resolve("srv6");
        Files.createSymbolicLink(link, app.home.resolve("bin/srv6"));
        // relative symlink path from its own directory, absolute symlink path from /
        List<String> relative = List.of("ip", "netns", "exec", app.netns, "./srv6");
        List<String> absolute = List.of("ip", "netns", "exec", app.netns, link.toString());
        ApplianceHome.Run start = ApplianceHome.exec(elsewhere, concat(relative, "start"));
        assertEquals(start.toString(), 0, start.exit);
        assertEquals(0, ApplianceHome.exec(Path.of("/"), concat(absolute, "status")).exit);
        ApplianceHome.Run echo = ApplianceHome.exec(Path.of("/"), concat(absolute, "client", "echo here"));
        assertEquals("here\n", echo.out);
        assertEquals(0, ApplianceHome.exec(elsewhere, concat(relative, "stop")).exit);
        assertEquals(3, ApplianceHome.exec(Path.of("/"), concat(absolute, "status")).exit);
        assertFalse(Files.exists(elsewhere.resolve("var")));
    }

    @Test
    public void configurationIsSavedOnEveryChangeAndReplayedAtBoot() throws Exception {
        String[] lines = {
            "ip link add sm0 type tap",
            "ip link set sm0 mtu 1400",
            "ip -6 addr add fc00:5::1/64 dev sm0",
            "ip -6 neigh add fc00:5::2 lladdr 02:00:00:00:05:02 dev sm0",
            "ip -6 route add fc00:6::/64 via fc00:5::2 dev sm0 metric 1024",
            "ip -6 route add fc00:e::1 encap seg6local action End.X nh6 fc00:5::2 dev sm0 metric 1024",
            "ip -6 route add fc00:7::/64 encap seg6 mode encap segs fc00:e::1,fc00:e::2 dev sm0 metric 1024"};
        for (String l : lines) {
            ApplianceHome.Run r = app.srv6("client", l);
            assertEquals(l + ": " + r, 0, r.exit);
        }
        ApplianceHome.Run bad = app.srv6("client", "ip -6 route add fc00:e::9 encap seg6local action End.Q dev sm0");
        assertNotEquals(bad.toString(), 0, bad.exit);
        assertTrue(bad.toString(), bad.err.matches("(?s).*unknown behavior End\\.Q; installed: End, (End\\.\\S+, )*End\\.X\\b.*"));
        // saved at once: the file, then the journal of route changes since it was written
        Path journal = app.home.resolve("etc/srv6.conf.journal");
        String saved = Files.readString(app.home.resolve("etc/srv6.conf"))
                + (Files.exists(journal) ? Files.readString(journal) : "");
        for (String l : lines) {
            assertTrue("etc/srv6.conf and its journal lack '" + l + "':\n" + saved, saved.contains(l + "\n"));
        }
        assertFalse(saved, saved.contains("End.Q"));
        String before = app.srv6("client", "srv6:config show").out;

        assertEquals(0, app.srv6("stop").exit);
        assertEquals(0, app.srv6("start").exit);
        assertEquals("replayed configuration", before, app.srv6("client", "srv6:config show").out);
        String sids = app.srv6("client", "srv6:sids").out;
        assertTrue(sids, sids.matches("(?s).*fc00:e::1 +End\\.X +active.*"));
    }

    private String secret() throws Exception {
        return Files.readString(app.home.resolve("var/admin.secret"), StandardCharsets.US_ASCII).trim();
    }

    /** Sends {@code request} as it is over the admin socket; returns stdout, stderr and the exit status. */
    private String[] rawRequest(String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(app.socket()));
            ByteBuffer req = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            while (true) {
                int type = in.readUnsignedByte();
                byte[] payload = in.readNBytes(in.readInt());
                switch (type) {
                    case 'O' -> out.append(new String(payload, StandardCharsets.UTF_8));
                    case 'E' -> err.append(new String(payload, StandardCharsets.UTF_8));
                    case 'X' -> {
                        return new String[] {out.toString(), err.toString(), Integer.toString(ByteBuffer.wrap(payload).getInt())};
                    }
                    default -> throw new AssertionError("unexpected frame type " + type);
                }
            }
        }
    }

    /** The id of the bundle named {@code bsn} in {@code lb -s}, or -1. */
    private long bundleId(String bsn) throws Exception {
        for (String line : Client.run(app.socket(), "lb -s").stdout.split("\n")) {
            String[] cols = line.split("\\|");
            if (cols.length >= 4 && cols[3].startsWith(bsn + " ")) {
                return Long.parseLong(cols[0].trim());
            }
        }
        return -1;
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private boolean activeLine(String bsn) throws Exception {
        for (String line : Client.run(app.socket(), "lb -s").stdout.split("\n")) {
            if (line.contains(bsn) && line.contains("|Active ")) {
                return true;
            }
        }
        return false;
    }

    private boolean listed(String bsn) throws Exception {
        return Client.run(app.socket(), "lb -s").stdout.contains(bsn);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static boolean waitFor(Check check, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        do {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        return check.ok();
    }

    private static void writeProbeBundle(Path jar, String bsn) throws Exception {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.flush();
        }
    }
}
