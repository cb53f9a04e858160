package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * What a home keeps and shows as an operator runs it: moved and copied homes boot with their
 * configuration and runtime bundles, file modes, the log, status as another user, admin
 * request limits, and a boot with the loopback down.
 */
public class HomeStateIT {

    private static final String TEST_USER = "srv6test";

    private ApplianceHome app;

    @Before
    public void copyHome() throws Exception {
        Assume.assumeTrue("needs root for ip netns; run as root", ApplianceHome.isRoot());
        app = ApplianceHome.copy(true);
    }

    @After
    public void removeHome() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    private void start(ApplianceHome home) throws Exception {
        ApplianceHome.Run start = home.srv6("start");
        assertEquals("start: " + start, 0, start.exit);
    }

    @Test
    public void movedAndCopiedHomesBootWithConfigurationAndRuntimeBundles() throws Exception {
        start(app);
        assertEquals(0, app.srv6("client", "ip link add hs0 type tap").exit);
        writeProbeBundle(app.home.resolve("deploy/hs-deploy-probe.jar"), "hs-deploy-probe");
        Path outside = app.dir.resolve("hs-outside-probe.jar");
        writeProbeBundle(outside, "hs-outside-probe");
        assertEquals(0, app.srv6("client", "install " + outside.toUri()).exit);
        assertTrue("deployed probe not active", waitFor(app, "hs-deploy-probe"));
        assertEquals(0, app.srv6("stop").exit);

        Path movedPath = app.dir.resolve("moved");
        assertEquals(0, ApplianceHome.exec(null, List.of("mv", app.home.toString(), movedPath.toString())).exit);
        try (ApplianceHome moved = app.at(movedPath)) {
            start(moved);
            assertKeptState(moved);
            assertEquals(0, moved.srv6("stop").exit);

            Path copiedPath = app.dir.resolve("copied");
            assertEquals(0, ApplianceHome.exec(null, List.of("cp", "-a", movedPath.toString(), copiedPath.toString())).exit);
            try (ApplianceHome copied = app.at(copiedPath)) {
                start(copied);
                assertKeptState(copied);
            }
        }
    }

    private static void assertKeptState(ApplianceHome home) throws Exception {
        ApplianceHome.Run link = home.srv6("client", "ip link show hs0");
        assertEquals("configuration not replayed in " + home.home + ": " + link, 0, link.exit);
        assertTrue(home.home + " lost its deployed bundle", waitFor(home, "hs-deploy-probe"));
        ApplianceHome.Run lb = home.srv6("client", "lb -s");
        assertTrue(home.home + " lost the bundle installed from outside:\n" + lb.out, lb.out.contains("hs-outside-probe"));
    }

    @Test
    public void configurationIsOwnerOnlyAndTheLogGroupReadable() throws Exception {
        start(app);
        assertEquals(0, app.srv6("client", "ip link add hs1 type tap").exit);
        assertEquals("rw-------", mode(app.home.resolve("etc/srv6.conf")));
        assertEquals("rw-r-----", mode(app.home.resolve("var/log/srv6.log")));
        assertEquals("rwxr-x---", mode(app.home.resolve("var/log")));
        // a file made readable by hand is owner-only again after a restart
        Files.setPosixFilePermissions(app.home.resolve("etc/srv6.conf"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(0, app.srv6("stop").exit);
        start(app);
        assertEquals("rw-------", mode(app.home.resolve("etc/srv6.conf")));
        List<String> log = Files.readAllLines(app.home.resolve("var/log/srv6.log"));
        assertTrue("no Log Service line in the log:\n" + log, log.stream().anyMatch(
                l -> l.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+\\S* INFO org\\.apache\\.felix\\.framework: FrameworkEvent STARTED")));
    }

    @Test
    public void statusAsAnotherUserNamesTheOwner() throws Exception {
        start(app);
        if (ApplianceHome.exec(null, List.of("id", "-u", TEST_USER)).exit != 0) {
            ApplianceHome.Run add = ApplianceHome.exec(null, List.of("useradd", "--no-create-home", TEST_USER));
            assertEquals("useradd " + TEST_USER + ": " + add, 0, add.exit);
        }
        ApplianceHome.Run status = ApplianceHome.exec(null, List.of("runuser", "-u", TEST_USER, "--",
                app.home.resolve("bin/srv6").toString(), "status"));
        assertEquals(status.toString(), 0, status.exit);
        assertTrue(status.toString(), status.out.matches("srv6: running, pid \\d+ \\(owned by root\\)\\n"));
    }

    @Test
    public void silentConnectionsDoNotLockClientsOutAndLongLinesGetAnError() throws Exception {
        start(app);
        List<SocketChannel> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(app.socket()));
                silent.add(ch);
            }
            long t0 = System.nanoTime();
            ApplianceHome.Run echo = app.srv6("client", "echo through");
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(echo.toString(), "through\n", echo.out);
            assertTrue("answered after " + millis + " ms", millis < 5000);
        } finally {
            for (SocketChannel ch : silent) {
                ch.close();
            }
        }
        String secret = Files.readString(app.home.resolve("var/admin.secret"), StandardCharsets.US_ASCII).trim();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(app.socket()));
            ByteBuffer request = ByteBuffer.wrap((secret + "\necho " + "x".repeat(1 << 20) + "\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                ch.write(request);
            }
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            assertEquals('E', in.readUnsignedByte());
            assertEquals("Error: request line too long (max 1 MiB)\n", new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8));
            assertEquals('X', in.readUnsignedByte());
            byte[] exit = in.readNBytes(in.readInt());
            assertEquals(1, ByteBuffer.wrap(exit).getInt());
        }
    }

    @Test
    public void bootWithTheLoopbackDownLogsOneLineNoStackTrace() throws Exception {
        assertEquals(0, ApplianceHome.exec(null, List.of("ip", "-n", app.netns, "link", "set", "lo", "down")).exit);
        start(app);
        List<String> log = Files.readAllLines(app.home.resolve("var/log/srv6.log"));
        assertFalse("a stack trace in the log:\n" + String.join("\n", log), log.stream().anyMatch(l -> l.startsWith("\tat ")));
        // Netty may not look at the interfaces at all in this boot; when it does, it says so in one line
        assertTrue("network interface lines:\n" + String.join("\n", log),
                log.stream().filter(l -> l.contains("network interfaces") || l.contains("loopback interface")).count() <= 1);
        assertTrue("the appliance answers", app.srv6("client", "ip link show").exit == 0);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static boolean waitFor(ApplianceHome home, String bsn) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        do {
            ApplianceHome.Run lb = home.srv6("client", "lb -s");
            for (String line : lb.out.split("\n")) {
                if (line.contains("|" + bsn + " ") && line.contains("|Active ")) {
                    return true;
                }
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return false;
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
