package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * feature:list, feature:install and feature:uninstall, offline from the home's features/ and
 * system/: a feature's uninstall removes what it alone brought, a feature srv6-all includes is
 * not uninstalled behind its back, and the list says what brought each feature and bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeaturesIT extends OsgiTestSupport {
    private static final String END = "(&(objectClass=" + Behavior.class.getName() + ")(" + Behavior.KEYWORD_PROPERTY + "=End))";
    private static final String END_X = "(&(objectClass=" + Behavior.class.getName() + ")(" + Behavior.KEYWORD_PROPERTY + "=End.X))";

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("features"), "srv6-core")};
    }

    /** Every test starts from the boot state: srv6-core only, nothing remembered. */
    @Before
    public void backToBootState() throws Exception {
        // features included by another are refused until their includer is gone: repeat
        for (int round = 0; round < 3; round++) {
            for (String name : installedNames()) {
                if (!name.equals("srv6-core")) {
                    try {
                        command(context, "feature", "uninstall", false, name);
                    } catch (IllegalArgumentException refused) {
                        // included by a feature uninstalled in this or the next round
                    }
                }
            }
        }
        assertEquals(List.of("srv6-core"), installedNames());
        Files.deleteIfExists(home().resolve("var/features.state"));
    }

    /** @return the names of the installed features as feature:list shows them */
    private List<String> installedNames() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : list().split("\n\n")[0].split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[2].equals("yes")) {
                out.add(cols[0]);
            }
        }
        return out;
    }

    private String list() throws Exception {
        return (String) command(context, "feature", "list");
    }

    /** The features srv6-all includes, counted from its feature file. */
    private static int srv6AllMembers() throws Exception {
        String all = Files.readString(projectRoot().resolve("features/src/main/features/srv6-all.json"));
        return all.split(":osgifeature:srv6-behavior-", -1).length - 1;
    }

    private Path home() {
        return Path.of(context.getProperty("srv6.home"));
    }

    private void waitForService(String filter, boolean present) throws InterruptedException {
        waitFor(filter + (present ? " registered" : " gone"), 10_000, () -> {
            try {
                return (serviceObject(context, filter) != null) == present;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    public void bootFeatureIsListedAsInstalled() throws Exception {
        String list = list();
        assertTrue(list, list.startsWith("NAME "));
        assertTrue(list, list.matches("(?s).*\\nsrv6-core\\s+0\\.1\\.0-SNAPSHOT\\s+yes\\s+12\\s+boot\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+0\\.1\\.0-SNAPSHOT\\s+no\\s+1\\n.*"));
        // srv6-all brings the bundle of every behavior feature its feature file includes
        int members = srv6AllMembers();
        assertTrue("srv6-all includes " + members + " features", members >= 20);
        assertTrue(list, list.matches("(?s).*\\nsrv6-all\\s+0\\.1\\.0-SNAPSHOT\\s+no\\s+" + members + "\\n.*"));
        // each bundle of the core feature is listed with its state and the feature that brought it
        assertTrue(list, list.matches("(?s).*\\n\\nBUNDLE\\s+STATE\\s+FEATURES\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-core\\s+Active\\s+srv6-core\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nnetty-transport-native-epoll\\s+Resolved\\s+srv6-core\\n.*"));
        assertNotNull(bundleNamed(context, "srv6-core"));
        assertEquals(Bundle.RESOLVED, bundleNamed(context, "io.netty.transport-native-epoll.linux-x86_64").getState());
        // io_uring's native part, a fragment of its classes, next to epoll's
        assertTrue(list, list.matches("(?s).*\\nnetty-transport-native-io_uring\\s+Resolved\\s+srv6-core\\n.*"));
        assertEquals(Bundle.RESOLVED, bundleNamed(context, "io.netty.transport-native-io_uring.linux-x86_64").getState());
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "io.netty.transport-classes-io_uring").getState());
    }

    /** Every behavior feature is included by srv6-all, and srv6-all brings each behavior bundle. */
    @Test
    public void srv6AllBringsEveryBehaviorFeature() throws Exception {
        assertEquals("feature srv6-all installed", command(context, "feature", "install", "srv6-all"));
        String list = list();
        int members = 0;
        for (String line : list.split("\\n\\n")[0].split("\\n")) {
            if (line.startsWith("srv6-behavior-")) {
                members++;
                assertTrue(line, line.matches("srv6-behavior-\\S+\\s+0\\.1\\.0-SNAPSHOT\\s+yes\\s+1\\s+srv6-all"));
                String name = line.split("\\s+")[0];
                assertEquals(name, Bundle.ACTIVE, bundleNamed(context, name).getState());
                assertTrue(list, list.matches("(?s).*\\n" + name.replace(".", "\\.") + "\\s+Active\\s+" + name + " \\(by srv6-all\\)\\n.*"));
            }
        }
        assertEquals("every behavior feature is a member of srv6-all", srv6AllMembers(), members);
        assertTrue(list, list.matches("(?s).*\\nsrv6-all\\s+0\\.1\\.0-SNAPSHOT\\s+yes\\s+" + members + "\\s+operator\\n.*"));
        waitForService(END, true);
        waitForService(END_X, true);
    }

    @Test
    public void listShowsWhoBroughtWhat() throws Exception {
        command(context, "feature", "install", "srv6-behavior-end");
        String list = list();
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+0\\.1\\.0-SNAPSHOT\\s+yes\\s+1\\s+operator\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+Active\\s+srv6-behavior-end\\n.*"));
        command(context, "feature", "install", "srv6-all");
        list = list();
        // chosen by the operator and included by srv6-all
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+0\\.1\\.0-SNAPSHOT\\s+yes\\s+1\\s+srv6-all,operator\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-x\\s+0\\.1\\.0-SNAPSHOT\\s+yes\\s+1\\s+srv6-all\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-x\\s+Active\\s+srv6-behavior-end-x \\(by srv6-all\\)\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+Active\\s+srv6-behavior-end \\(by srv6-all\\)\\n.*"));
    }

    @Test
    public void installRegistersTheBehaviorAndUninstallRemovesOnlyItsOwnBundles() throws Exception {
        assertEquals("feature srv6-behavior-end installed", command(context, "feature", "install", "srv6-behavior-end"));
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-behavior-end").getState());
        assertTrue(Files.readString(home().resolve("var/features.state")).contains("srv6-behavior-end=installed"));
        waitForService(END, true);

        assertEquals("feature srv6-behavior-end uninstalled", command(context, "feature", "uninstall", false, "srv6-behavior-end"));
        assertNull(bundleNamed(context, "srv6-behavior-end"));
        waitForService(END, false);
        assertTrue(Files.readString(home().resolve("var/features.state")).contains("srv6-behavior-end=uninstalled"));
        // the core feature shares nothing with it and stays
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-core").getState());
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "io.netty.buffer").getState());
    }

    /**
     * The case a new user met: End.X came from srv6-all, and uninstalling its feature said
     * "uninstalled" while End.X stayed. Now it is refused, naming srv6-all, and nothing changes.
     */
    @Test
    public void uninstallOfAMemberWhileSrv6AllIsInstalledIsRefusedNamingIt() throws Exception {
        command(context, "feature", "install", "srv6-all");
        command(context, "feature", "install", "srv6-behavior-end");
        String state = Files.readString(home().resolve("var/features.state"));
        String before = list();
        for (String member : new String[] {"srv6-behavior-end-x", "srv6-behavior-end"}) {
            try {
                command(context, "feature", "uninstall", false, member);
                fail("uninstall of " + member + " accepted while srv6-all includes it");
            } catch (IllegalArgumentException e) {
                assertEquals(member + " is included by srv6-all; uninstall srv6-all (all its features go), or"
                        + " feature:uninstall --keep-members srv6-all and then " + member, e.getMessage());
            }
        }
        assertEquals("nothing changed", before, list());
        assertEquals("nothing remembered", state, Files.readString(home().resolve("var/features.state")));
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-behavior-end-x").getState());
        waitForService(END, true);
        waitForService(END_X, true);

        // srv6-all goes with the features it includes, except one chosen on its own
        assertEquals("feature srv6-all uninstalled; kept srv6-behavior-end, used by another installed feature",
                command(context, "feature", "uninstall", false, "srv6-all"));
        assertNull(bundleNamed(context, "srv6-behavior-end-x"));
        assertNull(bundleNamed(context, "srv6-behavior-t-insert"));
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-behavior-end").getState());
        waitForService(END_X, false);
        waitForService(END, true);
        assertEquals(List.of("srv6-behavior-end", "srv6-core"), installedNames());
    }

    /** The refusal through the admin socket (as bin/srv6 client shows it): one Error line, non-zero exit. */
    @Test
    public void refusalIsOneErrorLineAndKeepMembersDropsSrv6AllToItsFeatures() throws Exception {
        Path socket = home().resolve("var/srv6.sock");
        waitFor("the admin socket", 10_000, () -> Files.exists(socket));
        Path secretFile = socket.resolveSibling("admin.secret");
        waitFor("the admin secret", 10_000, () -> Files.exists(secretFile));
        String secret = Files.readString(secretFile).trim();
        command(context, "feature", "install", "srv6-all");
        String[] refused = admin(socket, secret + "\nfeature:uninstall srv6-behavior-end-x");
        assertTrue("a refused uninstall must exit non-zero", !"0".equals(refused[2]));
        assertEquals("Error: srv6-behavior-end-x is included by srv6-all; uninstall srv6-all (all its features go), or"
                + " feature:uninstall --keep-members srv6-all and then srv6-behavior-end-x\n", refused[1]);
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-behavior-end-x").getState());

        String[] kept = admin(socket, secret + "\nfeature:uninstall --keep-members srv6-all");
        assertEquals(kept[1], "0", kept[2]);
        // (in this test container, the framework's own log lines share the command's output)
        assertTrue(kept[0], kept[0].endsWith("\nfeature srv6-all uninstalled; its features stay installed\n")
                || kept[0].equals("feature srv6-all uninstalled; its features stay installed\n"));
        String list = list();
        assertTrue(list, list.matches("(?s).*\\nsrv6-all\\s+\\S+\\s+no\\s+\\d+\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-x\\s+\\S+\\s+yes\\s+1\\s+operator\\n.*"));
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-behavior-end-x").getState());
        String state = Files.readString(home().resolve("var/features.state"));
        assertTrue(state, state.contains("srv6-all=uninstalled\n") && state.contains("srv6-behavior-end-x=installed\n"));

        String[] un = admin(socket, secret + "\nfeature:uninstall srv6-behavior-end-x");
        assertEquals(un[1], "0", un[2]);
        assertTrue(un[0], un[0].endsWith("\nfeature srv6-behavior-end-x uninstalled\n") || un[0].equals("feature srv6-behavior-end-x uninstalled\n"));
        assertNull(bundleNamed(context, "srv6-behavior-end-x"));
        waitForService(END_X, false);
        waitForService(END, true);
        assertEquals(srv6AllMembers(), installedNames().size());
    }

    /**
     * A standalone feature's uninstall takes its behavior away: the SID goes inactive and its
     * packets are dropped as behavior-absent; the reinstall makes it forward again.
     */
    @Test
    public void uninstallOfAStandaloneFeatureMakesItsSidsInactiveAndReinstallBringsThemBack() throws Exception {
        command(context, "feature", "install", "srv6-behavior-end-x");
        waitForService(END_X, true);
        PortService ports = service(context, PortService.class, null, 10_000);
        AddressService addresses = service(context, AddressService.class, null, 10_000);
        RouteService routes = service(context, RouteService.class, null, 10_000);
        NeighborService neighbors = service(context, NeighborService.class, null, 10_000);
        SrService sr = service(context, SrService.class, null, 10_000);
        Counters counters = service(context, Counters.class, null, 10_000);
        assertNotNull("the core's services are not registered", counters);
        MemoryPort in = ports.addMemory("ft0");
        MemoryPort out = ports.addMemory("ft1");
        ports.setUp("ft0", true);
        ports.setUp("ft1", true);
        addresses.add("ft0", "2001:db8:f0::1/64");
        addresses.add("ft1", "2001:db8:f1::1/64");
        neighbors.add(PEER, "02:00:00:00:01:02", "ft1");
        routes.add(new RouteSpec(6, END_X_SID + "/128", null, "ft0", 254, 1024, RouteSpec.SEG6LOCAL, "End.X", List.of("nh6", PEER)));
        byte[] toEndX = frame(mac(ports.get("ft0")), END_X_SID);
        waitFor("End.X SID active", 10_000, () -> sid(sr, END_X_SID).active());
        assertForwarded(in, out, toEndX);

        command(context, "feature", "uninstall", false, "srv6-behavior-end-x");
        assertNull(bundleNamed(context, "srv6-behavior-end-x"));
        waitFor("End.X SID inactive", 10_000, () -> !sid(sr, END_X_SID).active());
        long absent = counters.drops().get("behavior-absent");
        in.inject(toEndX);
        assertNull("a packet to an inactive SID left the appliance", out.poll(200));
        waitFor("behavior-absent drop counted", 5_000, () -> counters.drops().get("behavior-absent") == absent + 1);

        command(context, "feature", "install", "srv6-behavior-end-x");
        waitFor("End.X SID active again", 10_000, () -> sid(sr, END_X_SID).active());
        assertForwarded(in, out, toEndX);
        assertEquals("no packet met an absent behavior once it was back", absent + 1, (long) counters.drops().get("behavior-absent"));
    }

    private static final String END_X_SID = "fc00:f7::2";
    private static final String NEXT = "fc00:f8::1";
    private static final String PEER = "2001:db8:f1::2";
    private static final byte[] PEER_MAC = {0x02, 0, 0, 0, 0x01, 0x02};

    /** The frame sent to ft1: DA rewritten to the next segment, SL 0, hop limit one less. */
    private static void assertForwarded(MemoryPort in, MemoryPort out, byte[] frame) throws Exception {
        in.inject(frame);
        byte[] got = out.poll(2_000);
        assertNotNull("no frame left ft1", got);
        assertEquals(frame.length, got.length);
        assertArrayEquals("destination MAC", PEER_MAC, Arrays.copyOfRange(got, 0, 6));
        assertEquals("hop limit", 63, got[21] & 0xff);
        assertArrayEquals("destination address", InetAddress.getByName(NEXT).getAddress(), Arrays.copyOfRange(got, 38, 54));
        assertEquals("segments left", 0, got[57] & 0xff);
        assertArrayEquals(Arrays.copyOfRange(frame, 58, frame.length), Arrays.copyOfRange(got, 58, got.length));
    }

    /** Ethernet + IPv6 (2001:db8:f0::2 → sid, hop limit 64) + SRH [NEXT, sid] SL 1 + 8 octets without next header. */
    private static byte[] frame(byte[] dstMac, String sid) throws Exception {
        byte[] f = new byte[14 + 40 + 40 + 8];
        System.arraycopy(dstMac, 0, f, 0, 6);
        f[6] = 0x02;
        f[11] = 0x02;
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        f[14] = 0x60;
        f[19] = 40 + 8;
        f[20] = 43;
        f[21] = 64;
        System.arraycopy(InetAddress.getByName("2001:db8:f0::2").getAddress(), 0, f, 22, 16);
        System.arraycopy(InetAddress.getByName(sid).getAddress(), 0, f, 38, 16);
        f[54] = 59;
        f[55] = 4;
        f[56] = 4;
        f[57] = 1;
        f[58] = 1;
        System.arraycopy(InetAddress.getByName(NEXT).getAddress(), 0, f, 62, 16);
        System.arraycopy(InetAddress.getByName(sid).getAddress(), 0, f, 78, 16);
        for (int i = 94; i < f.length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    @Test
    public void unknownFeatureIsRejectedWithTheAvailableOnes() throws Exception {
        try {
            command(context, "feature", "install", "srv6-foo");
            fail("srv6-foo was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("unknown feature srv6-foo; available: srv6-all, srv6-behavior-end, "));
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
        }
        assertTrue(!Files.exists(home().resolve("var/features.state")));
    }

    @Test
    public void uninstallingAFeatureThatIsNotInstalledIsRejected() throws Exception {
        try {
            command(context, "feature", "uninstall", false, "srv6-behavior-t-insert");
            fail("uninstall of a feature that is not installed was accepted");
        } catch (IllegalArgumentException e) {
            assertEquals("feature srv6-behavior-t-insert is not installed; installed: srv6-core", e.getMessage());
        }
    }

    @Test
    public void adminSocketRunsACommand() throws Exception {
        Path socket = home().resolve("var/srv6.sock");
        waitFor("the admin socket", 10_000, () -> Files.exists(socket));
        // the first line of a request is the secret the admin bundle keeps next to the socket
        Path secretFile = socket.resolveSibling("admin.secret");
        waitFor("the admin secret", 10_000, () -> Files.exists(secretFile));
        String secret = Files.readString(secretFile).trim();
        String[] r = admin(socket, secret + "\nfeature:list");
        assertEquals(r[1], "0", r[2]);
        assertTrue(r[0], r[0].contains("srv6-core"));
        String[] bad = admin(socket, secret + "\nfeature:install srv6-foo");
        assertTrue("a failing command must exit non-zero", !"0".equals(bad[2]));
        assertTrue(bad[1], bad[1].startsWith("Error: unknown feature srv6-foo; available: srv6-all, "));
        assertEquals("one error line: " + bad[1], bad[1].length() - 1, bad[1].indexOf('\n'));
        String[] refused = admin(socket, "feature:list");
        assertEquals("Error: authentication failed\n", refused[1]);
        assertTrue("a request without the secret must exit non-zero", !"0".equals(refused[2]));
        assertEquals("", refused[0]);
    }
}
