package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
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
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.core.internal.config.ConfigStore;
import org.srv6.appliance.core.internal.control.Provider;

/**
 * A proxy SID's line in the running configuration survives its service port: deleted, the SID
 * stays (inactive) and is saved as typed; after a restart whose configuration no longer creates the
 * port, the replay keeps the SID (nothing in {@code .rejected}) and it is active once the port is
 * added. TAP ports are what is saved, so this test makes two (root), named px + this run's pid.
 */
public class ProxyRunningConfigTest {
    private static final String D = "px" + ProcessHandle.current().pid() % 100000 + "d";
    private static final String I = "px" + ProcessHandle.current().pid() % 100000 + "i";
    private static final String SID = "fc00::50";

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
        d.behaviors().addProvider(new Provider("End.PX", "ENDPOINT", new TestProxyBehavior(), 1, 0, 1, "test.px",
                "1.0.0"));
        return d;
    }

    private static SidInfo sid(Dataplane d) {
        return d.sr().sids().stream().filter(i -> i.sid().startsWith(SID)).findFirst().orElseThrow();
    }

    @Test
    public void aProxySidsLineOutlivesItsServicePortAndComesBackWithIt() throws Exception {
        String line = "ip -6 route add " + SID + " encap seg6local action End.PX oif " + D + " iif " + I + " dev " + D
                + " metric 1024";
        Dataplane first = open(file);
        first.ports().addTap(D, 1);
        first.ports().addTap(I, 1);
        first.routes().add(new RouteSpec(6, SID + "/128", null, D, 254, 0, "seg6local", "End.PX",
                List.of("oif", D, "iif", I)));
        assertTrue(first.config().running().contains(line));
        assertTrue(sid(first).proxy());

        first.ports().delete(I);
        List<String> running = first.config().running();
        assertTrue("the SID's line is kept: " + running, running.contains(line));
        assertFalse("the port's are not: " + running, running.stream().anyMatch(l -> l.startsWith("ip link add " + I)));
        assertEquals("port " + I + " (iif) absent", sid(first).status());
        first.close();
        assertEquals("saved", running, ConfigStore.read(file));

        Dataplane second = open(file);
        List<String> errors = new ArrayList<>();
        assertTrue(second.config().replayOnce(l -> {
            try {
                execute(second, l);
                return null;
            } catch (DataplaneException | RuntimeException e) {
                errors.add(l + ": " + e.getMessage());
                return e.getMessage();
            }
        }));
        assertEquals("replay errors", List.of(), errors);
        assertFalse(".rejected", Files.exists(file.resolveSibling("srv6.conf.rejected")));
        assertEquals(running, second.config().running());
        assertFalse(sid(second).active());

        second.ports().addTap(I, 1);
        SidInfo back = sid(second);
        assertTrue("active once " + I + " exists", back.active());
        assertEquals("0 taken back", back.status());
        assertTrue(second.config().running().contains(line));
    }

    /** The lines this test's configuration has: TAP ports, their MACs, routes. */
    private static void execute(Dataplane d, String line) throws DataplaneException {
        List<String> t = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
        if (line.startsWith("ip link add ")) {
            d.ports().addTap(t.get(3), 1);
        } else if (line.startsWith("ip link set ") && t.get(4).equals("address")) {
            d.ports().setMac(t.get(3), t.get(5));
        } else if (line.startsWith("ip -6 route add ")) {
            d.routes().add(RouteGrammar.parse(t.subList(4, t.size()), 6));
        } else {
            throw new IllegalArgumentException("unexpected line " + line);
        }
    }
}
