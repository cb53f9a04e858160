package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.core.internal.config.ConfigStore;

/**
 * The running configuration (SPEC §4 srv6:config): replayable lines, persisted on every change,
 * unchanged by a rejected change. Only TAP ports are persisted, so this test creates two kernel
 * TAP devices (root) with names unique to this run; they vanish when the dataplane closes.
 */
public class RunningConfigTest {
    private static final String A = "u6c" + ProcessHandle.current().pid() % 100000 + "a";
    private static final String B = "u6c" + ProcessHandle.current().pid() % 100000 + "b";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final List<Dataplane> opened = new ArrayList<>();
    private Path file;

    @Before
    public void root() {
        assumeTrue("TAP ports need root; run as root (CI does)", "root".equals(System.getProperty("user.name")));
        file = tmp.getRoot().toPath().resolve("etc/srv6.conf");
    }

    @After
    public void close() {
        for (Dataplane d : opened) {
            d.close();
        }
    }

    private Dataplane open(Path f) {
        Dataplane d = new Dataplane(f, 1);
        opened.add(d);
        d.behaviors().addProvider(new Provider("End", "ENDPOINT", new TestEndBehavior(), 1, 0, 1, "test.end", "1.0.0"));
        d.behaviors().addProvider(new Provider("encap", "TRANSIT", ScriptedBehavior.transit(
                ctx -> ctx.drop(org.srv6.appliance.api.behavior.DropReason.NONE)), 2, 0, 2, "test.tmode", "1.0.0"));
        return d;
    }

    private static final List<String> EXPECTED = List.of(
            "ip link add " + A + " type tap",
            "ip link set " + A + " address 02:00:00:00:bb:01",
            "ip link set " + A + " mtu 1400",
            "ip link add " + B + " type tap",
            "ip link set " + B + " address 02:00:00:00:bb:0b",
            "ip link set " + B + " down",
            "ip link set " + B + " vrf 100",
            "ip -6 addr add 2001:db8:5::1/64 dev " + A,
            "ip -4 addr add 10.5.0.1/24 dev " + A,
            "ip -6 addr add 2001:db8:6::1/64 dev " + B,
            "ip -6 neigh add 2001:db8:5::2 lladdr 02:00:00:00:bb:02 dev " + A,
            "ip -4 neigh add 10.5.0.2 lladdr 02:00:00:00:bb:03 dev " + A,
            "ip sr tunsrc set fc00:5::ff",
            "ip sr hmac set 7 sha256 s3cret",
            "ip sr hmac policy " + A + " 1",
            "ip -6 route add 2001:db8:77::/48 via 2001:db8:5::2 dev " + A + " metric 1024",
            "ip -4 route add 10.77.0.0/16 via 10.5.0.2 dev " + A,
            "ip -6 route add 2001:db8:88::/64 dev " + B + " table 100 metric 50",
            "ip -6 route add fc00:5::1 encap seg6local action End dev " + A + " metric 1024",
            "ip -6 route add fc00:5::2 encap seg6local action End flavors psp dev " + A + " metric 1024",
            "ip -6 route add fc00:6::/64 encap seg6 mode encap segs fc00::3 hmac 7 dev " + A + " metric 1024",
            "ip sr steer add iif " + B + " mode encap segs fc00::1");

    /** The sequence of changes; the memory port and what is on it are not persisted. */
    private static void configure(Dataplane d) throws DataplaneException {
        d.ports().addTap(A, 1);
        d.ports().addTap(B, 1);
        d.ports().addMemory("m0");
        d.addresses().add("m0", "2001:db8:9::1/64");
        d.ports().setMac(A, "02:00:00:00:bb:01");
        d.ports().setMtu(A, 1400);
        d.ports().setMac(B, "02:00:00:00:bb:0b");
        d.ports().setUp(B, false);
        d.ports().setTable(B, 100);
        d.addresses().add(A, "2001:db8:5::1/64");
        d.addresses().add(A, "10.5.0.1/24");
        d.addresses().add(B, "2001:db8:6::1/64");
        d.addresses().add(B, "2001:db8:6::7/64");
        d.addresses().delete(B, "2001:db8:6::7/64");
        d.neighbors().add("2001:db8:5::2", "02:00:00:00:bb:02", A);
        d.neighbors().add("10.5.0.2", "02:00:00:00:bb:03", A);
        d.sr().setTunnelSource("fc00:5::ff");
        d.sr().setHmacKey(7, "sha256", "s3cret");
        d.sr().setHmacKey(8, "sha1", "gone");
        d.sr().setHmacKey(8, "sha1", "");
        d.sr().setHmacPolicy(A, 1);
        d.sr().addSteer(B, "encap", List.of("segs", "fc00::1"));
        d.sr().addSteer("m0", "encap", List.of("segs", "fc00::2"));
        d.routes().add(new RouteSpec(6, "2001:db8:77::/48", "2001:db8:5::2", null, 254, 0, null, null, null));
        d.routes().add(new RouteSpec(4, "10.77.0.0/16", "10.5.0.2", null, 254, 0, null, null, null));
        d.routes().add(new RouteSpec(6, "2001:db8:88::/64", null, B, 100, 50, null, null, null));
        d.routes().add(new RouteSpec(6, "2001:db8:99::/64", null, B, 254, 0, null, null, null));
        d.routes().delete(new RouteSpec(6, "2001:db8:99::/64", null, null, 254, 0, null, null, null));
        d.routes().add(new RouteSpec(6, "fc00:5::1/128", null, A, 254, 0, "seg6local", "End", List.of()));
        d.routes().add(new RouteSpec(6, "fc00:5::2/128", null, A, 254, 0, "seg6local", "End", List.of()));
        d.routes().replace(new RouteSpec(6, "fc00:5::2/128", null, A, 254, 0, "seg6local", "End", List.of("flavors", "psp")));
        d.routes().add(new RouteSpec(6, "fc00:9::1/128", null, "m0", 254, 0, "seg6local", "End", List.of()));
        // a route naming an HMAC key: the key's line is replayed first
        d.routes().add(new RouteSpec(6, "fc00:6::/64", null, A, 254, 0, "seg6", "encap",
                List.of("segs", "fc00::3", "hmac", "7")));
    }

    @Test
    public void runningConfigurationIsPersistedOnEveryChangeAndReplaysToTheSameLines() throws Exception {
        Dataplane first = open(file);
        configure(first);
        List<String> running = first.config().running();
        assertEquals(String.join("\n", EXPECTED), String.join("\n", running));
        assertEquals(file.toAbsolutePath(), first.config().file());
        first.close();
        assertEquals("etc/srv6.conf", running, ConfigStore.read(file));

        Path copy = tmp.getRoot().toPath().resolve("replay/etc/srv6.conf");
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
        Dataplane second = open(copy);
        List<String> errors = new ArrayList<>();
        assertTrue("first replay", second.config().replayOnce(line -> {
            try {
                execute(second, line);
                return null;
            } catch (DataplaneException | RuntimeException e) {
                errors.add(line + ": " + e.getMessage());
                return e.getMessage();
            }
        }));
        assertEquals("replay errors", List.of(), errors);
        assertFalse("replayed only once", second.config().replayOnce(line -> "again"));
        assertEquals(String.join("\n", EXPECTED), String.join("\n", second.config().running()));
        assertTrue("the route naming hmac 7 is active after the replay", second.routes().list(6, 254).stream()
                .filter(r -> r.text().contains("hmac 7")).allMatch(r -> r.active())
                && second.routes().list(6, 254).stream().anyMatch(r -> r.text().contains("hmac 7")));
        assertEquals("file after replay", EXPECTED, ConfigStore.read(copy));
    }

    @Test
    public void aTapPortKeepsTheMacItWasGivenAtCreationAcrossARestart() throws Exception {
        Dataplane d = open(file);
        d.ports().addTap(A, 1);
        String mac = d.ports().get(A).mac();
        assertEquals(List.of("ip link add " + A + " type tap", "ip link set " + A + " address " + mac),
                d.config().running());
    }

    @Test
    public void rejectedChangeThrowsOneLineAndChangesNothing() throws Exception {
        Dataplane d = open(file);
        configure(d);
        List<String> before = d.config().running();
        byte[] fileBefore = Files.readAllBytes(file);
        expectRejected(() -> d.addresses().add(A, "2001:db8::zz/64"), "bad address");
        expectRejected(() -> d.addresses().add("nope0", "2001:db8:7::1/64"), "no such port");
        expectRejected(() -> d.routes().add(new RouteSpec(6, "2001:db8:77::/48", "2001:db8:5::2", null, 254, 0, null, null,
                null)), "exists");
        expectRejected(() -> d.routes().add(new RouteSpec(6, "2001:db8:55::/48", null, "nope0", 254, 0, null, null, null)),
                "no such port");
        expectRejected(() -> d.neighbors().add("2001:db8:5::9", "zz:00", A), "bad lladdr");
        expectRejected(() -> d.ports().setMtu(A, 20), "mtu");
        assertEquals(before, d.config().running());
        assertTrue("file unchanged", Arrays.equals(fileBefore, Files.readAllBytes(file)));
    }

    @Test
    public void deletedPortTakesItsNeighborsAndSidsOutOfTheRunningConfiguration() throws Exception {
        Dataplane d = open(file);
        d.ports().addTap(A, 1);
        d.addresses().add(A, "2001:db8:5::1/64");
        d.neighbors().add("2001:db8:5::2", "02:00:00:00:bb:02", A);
        d.routes().add(new RouteSpec(6, "fc00:5::1/128", null, A, 254, 0, "seg6local", "End", List.of()));
        d.ports().delete(A);
        d.ports().addTap(B, 1); // takes the index A had
        d.ports().addTap(A, 1); // a new port with the old name
        assertEquals("neighbors of the new " + A, List.of(), d.neighbors().list(0).stream()
                .filter(n -> n.port().equals(A)).toList());
        for (String line : d.config().running()) {
            assertFalse("the deleted port's neighbor came back: " + d.config().running(), line.contains(" neigh "));
            assertFalse("the deleted port's SID moved to " + B + ": " + d.config().running(),
                    line.contains("fc00:5::1") && line.contains(" dev " + B));
        }
    }

    /**
     * A neighbor a control plane owns (the netlink follower's, proto kernel) is in the table and shown
     * with its proto, never in the running configuration or the file; it never replaces nor removes a
     * typed one, and the operator typing it makes it theirs (saved, no proto).
     */
    @Test
    public void aControlPlanesNeighborIsNeverSavedAndNeverTouchesATypedOne() throws Exception {
        Dataplane d = open(file);
        d.ports().addTap(A, 1);
        d.neighbors().add("2001:db8:5::2", "02:00:00:00:bb:02", A);
        List<String> typedOnly = d.config().running();
        byte[] fileBefore = Files.readAllBytes(file);
        d.neighbors().add("2001:db8:5::3", "02:00:00:00:bb:03", A, "kernel");
        d.neighbors().add("10.5.0.3", "02:00:00:00:bb:04", A, "kernel");
        assertEquals(typedOnly, d.config().running());
        assertTrue("file unchanged", Arrays.equals(fileBefore, Files.readAllBytes(file)));
        assertEquals(List.of(
                new org.srv6.appliance.api.dataplane.NeighborInfo("10.5.0.3", A, "02:00:00:00:bb:04", "PERMANENT", "kernel"),
                new org.srv6.appliance.api.dataplane.NeighborInfo("2001:db8:5::2", A, "02:00:00:00:bb:02", "PERMANENT", null),
                new org.srv6.appliance.api.dataplane.NeighborInfo("2001:db8:5::3", A, "02:00:00:00:bb:03", "PERMANENT", "kernel")),
                d.neighbors().list(0).stream().sorted(java.util.Comparator.comparing(
                        org.srv6.appliance.api.dataplane.NeighborInfo::address)).toList());
        expectRejected(() -> d.neighbors().add("2001:db8:5::2", "02:00:00:00:bb:99", A, "kernel"), "typed in the shell");
        expectRejected(() -> d.neighbors().delete("2001:db8:5::2", A, "kernel"), "not added by kernel");
        assertTrue("the typed entry keeps its MAC", d.neighbors().list(6).stream().anyMatch(
                n -> n.address().equals("2001:db8:5::2") && "02:00:00:00:bb:02".equals(n.lladdr())));
        d.neighbors().delete("10.5.0.3", A, "kernel");
        assertTrue("gone", d.neighbors().list(4).isEmpty());
        assertEquals(typedOnly, d.config().running());
        d.neighbors().add("2001:db8:5::3", "02:00:00:00:bb:05", A); // typed over the control plane's: the operator's
        assertEquals(List.of("ip -6 neigh add 2001:db8:5::3 lladdr 02:00:00:00:bb:05 dev " + A),
                d.config().running().stream().filter(l -> l.contains("5::3")).toList());
        expectRejected(() -> d.neighbors().delete("2001:db8:5::3", A, "kernel"), "not added by kernel");
        assertTrue("typed: no proto", d.neighbors().list(6).stream().allMatch(n -> n.proto() == null));
        assertEquals("the file as the running configuration", d.config().running(), ConfigStore.read(file));
    }

    interface Change {
        void run() throws DataplaneException;
    }

    private static void expectRejected(Change c, String fragment) {
        try {
            c.run();
            fail("accepted; expected a rejection mentioning '" + fragment + "'");
        } catch (DataplaneException e) {
            String m = e.getMessage();
            assertTrue("message '" + m + "' should mention '" + fragment + "'", m != null && m.contains(fragment));
            assertFalse("one line: " + m, m.contains("\n"));
        }
    }

    /** The subset of the {@code ip} dialect that {@link #EXPECTED} uses, straight onto the services; routes through the shared grammar. */
    private static void execute(Dataplane d, String line) throws DataplaneException {
        List<String> t = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
        if (!t.remove(0).equals("ip")) {
            throw new IllegalArgumentException("not an ip line");
        }
        int family = 0;
        if (t.get(0).equals("-6") || t.get(0).equals("-4")) {
            family = t.remove(0).equals("-6") ? 6 : 4;
        }
        String object = t.remove(0);
        switch (object) {
            case "link" -> {
                String verb = t.remove(0);
                String name = t.remove(0);
                if (verb.equals("add")) {
                    d.ports().addTap(name, 1);
                } else if (t.get(0).equals("address")) {
                    d.ports().setMac(name, t.get(1));
                } else if (t.get(0).equals("mtu")) {
                    d.ports().setMtu(name, Integer.parseInt(t.get(1)));
                } else if (t.get(0).equals("vrf")) {
                    d.ports().setTable(name, Integer.parseInt(t.get(1)));
                } else {
                    d.ports().setUp(name, t.get(0).equals("up"));
                }
            }
            case "addr" -> d.addresses().add(t.get(3), t.get(1));
            case "neigh" -> d.neighbors().add(t.get(1), t.get(3), t.get(5));
            case "sr" -> {
                switch (t.get(0)) {
                    case "tunsrc" -> d.sr().setTunnelSource(t.get(2));
                    case "hmac" -> {
                        if (t.get(1).equals("set")) {
                            d.sr().setHmacKey(Integer.parseInt(t.get(2)), t.get(3), t.get(4));
                        } else {
                            d.sr().setHmacPolicy(t.get(2), Integer.parseInt(t.get(3)));
                        }
                    }
                    case "steer" -> d.sr().addSteer(t.get(3), t.get(5), t.subList(6, t.size()));
                    default -> throw new IllegalArgumentException("unexpected sr " + t.get(0));
                }
            }
            case "route" -> {
                t.remove(0); // add
                d.routes().add(RouteGrammar.parse(t, family));
            }
            default -> throw new IllegalArgumentException("unexpected " + object);
        }
    }

    /**
     * Routes and addresses a control plane owns ({@code proto}) work as any but are left out of
     * the running configuration and its file; {@code ip route show} prints their proto; a route
     * of the file replaced by a learnt one leaves the file.
     */
    @Test
    public void learntRoutesAndAddressesAreShownWithTheirProtoAndNeverSaved() throws Exception {
        Dataplane d = open(file);
        d.ports().addTap(A, 1);
        d.addresses().add(A, "2001:db8:5::1/64");
        d.addresses().add(A, "2001:db8:7::1/64", "kernel");
        d.routes().add(new RouteSpec(6, "2001:db8:77::/48", "2001:db8:5::2", A, 254, 0, null, null, null));
        d.routes().replace(new RouteSpec(6, "2001:db8:78::/48", "2001:db8:5::2", A, 254, 0, null, null, null, "ospf"));
        d.routes().replace(new RouteSpec(6, "fc00:5::1/128", null, A, 254, 0, "seg6local", "End", List.of(), "static"));
        d.routes().add(new RouteSpec(6, "2001:db8:79::/48", "2001:db8:5::2", A, 254, 0, null, null, null));
        d.routes().replace(new RouteSpec(6, "2001:db8:79::/48", "2001:db8:7::2", A, 254, 0, null, null, null, "bgp"));
        List<String> expected = List.of("ip link add " + A + " type tap",
                "ip -6 addr add 2001:db8:5::1/64 dev " + A,
                "ip -6 route add 2001:db8:77::/48 via 2001:db8:5::2 dev " + A + " metric 1024");
        assertEquals(String.join("\n", expected), String.join("\n", withoutMac(d.config().running())));
        d.config().compact();
        String saved = Files.readString(file);
        assertFalse(saved, saved.contains("2001:db8:78::") || saved.contains("fc00:5::1") || saved.contains("2001:db8:7::1")
                || saved.contains("2001:db8:79::"));
        List<String> shown = new ArrayList<>();
        d.routes().list(6, 254).forEach(r -> shown.add(r.text()));
        assertTrue(shown.toString(), shown.contains("2001:db8:78::/48 via 2001:db8:5::2 dev " + A + " proto ospf metric 1024"));
        assertTrue(shown.toString(), shown.contains("fc00:5::1 encap seg6local action End dev " + A + " proto static metric 1024"));
        assertTrue(shown.toString(), shown.contains("2001:db8:77::/48 via 2001:db8:5::2 dev " + A + " metric 1024"));
        d.addresses().delete(A, "2001:db8:7::1/64");
        d.routes().delete(new RouteSpec(6, "2001:db8:78::/48", null, null, 254, 0, null, null, null));
        assertEquals(String.join("\n", expected), String.join("\n", withoutMac(d.config().running())));
    }

    /** The lines without the TAP's kernel-chosen MAC. */
    private static List<String> withoutMac(List<String> lines) {
        return lines.stream().filter(l -> !l.contains(" address ")).toList();
    }
}
