package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
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
    public void severalClientsAtOnceAndAVanishedClientDisturbNothing() throws Exception {
        // a client that leaves in the middle of a command
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(app.socket()));
            ch.write(ByteBuffer.wrap("lb\n".getBytes(StandardCharsets.UTF_8)));
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
