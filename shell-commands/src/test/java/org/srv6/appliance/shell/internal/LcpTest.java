package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MirrorInfo;
import org.srv6.appliance.api.dataplane.MirrorService;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SrService;

/** {@code srv6:lcp}: its words, its defaults, its table, one line for what it refuses, and its replay. */
public class LcpTest {
    /** Mirrors kept in a map; refuses an unknown port like the core. */
    private static final class Mirrors implements MirrorService {
        final Map<String, MirrorInfo> m = new LinkedHashMap<>();

        @Override
        public MirrorInfo add(String port, String netns, String ifname) throws DataplaneException {
            if (!port.startsWith("p")) {
                throw new DataplaneException("no such port " + port + "; ports: p0");
            }
            MirrorInfo i = new MirrorInfo(port, netns, ifname == null ? port : ifname, 3, 4);
            m.put(port, i);
            return i;
        }

        @Override
        public void delete(String port) throws DataplaneException {
            if (m.remove(port) == null) {
                throw new DataplaneException("port " + port + " is not mirrored");
            }
        }

        @Override
        public List<MirrorInfo> list() {
            return new ArrayList<>(m.values());
        }

        @Override
        public MirrorInfo get(String port) {
            return m.get(port);
        }
    }

    private final Mirrors mirrors = new Mirrors();

    private String lcp(String line) {
        return Lcp.execute(mirrors, line.isEmpty() ? List.of() : List.of(line.split(" ")), "srv6-cp");
    }

    private static String error(Runnable r) {
        try {
            r.run();
        } catch (ShellError e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    public void addTakesTheDefaultNamespaceAndThePortsName() {
        assertNull(lcp("add p0"));
        assertNull(lcp("add p1 netns cp name eth1"));
        assertEquals(new MirrorInfo("p0", "srv6-cp", "p0", 3, 4), mirrors.get("p0"));
        assertEquals(new MirrorInfo("p1", "cp", "eth1", 3, 4), mirrors.get("p1"));
        assertEquals("PORT            NETNS                IFNAME                PUNTED     INJECTED      POLICED\n"
                + "p0              srv6-cp              p0                         3            4            0\n"
                + "p1              cp                   eth1                       3            4            0", lcp("show"));
        assertEquals(lcp("show"), lcp(""));
        assertNull(lcp("del p0"));
        assertEquals(List.of("p1"), mirrors.list().stream().map(MirrorInfo::port).toList());
    }

    @Test
    public void wrongWordsAndRefusalsAreOneLineAndChangeNothing() {
        assertEquals("no port given", error(() -> lcp("add")));
        assertEquals("missing value after 'netns'", error(() -> lcp("add p0 netns")));
        assertEquals("unexpected 'dev'; expected netns NS or name IFNAME, each once", error(() -> lcp("add p0 dev x")));
        assertEquals("unexpected 'netns'; expected netns NS or name IFNAME, each once",
                error(() -> lcp("add p0 netns a netns b")));
        assertEquals("unknown lcp command 'frob'; expected add, del or show", error(() -> lcp("frob")));
        assertEquals("no such port x0; ports: p0", error(() -> lcp("add x0")));
        assertEquals("port p0 is not mirrored", error(() -> lcp("del p0")));
        assertEquals(0, mirrors.list().size());
        ShellCommands cmd = new ShellCommands();
        assertEquals("mirror service not available; expected the srv6-core bundle to be active", error(() -> cmd.lcp("show")));
        assertEquals("no port given; usage: " + Lcp.USAGE, error(() -> cmd.lcp("add")));
    }

    @Test
    public void theRunningConfigurationsLinesReplayThroughIp() {
        Ip ip = new Ip(new Ip.Services() {
            @Override public PortService portService() { return null; }
            @Override public AddressService addresses() { return null; }
            @Override public RouteService routes() { return null; }
            @Override public NeighborService neighbors() { return null; }
            @Override public SrService sr() { return null; }
            @Override public MirrorService mirrors() { return mirrors; }
        });
        assertNull(ip.run("srv6:lcp add p0 netns cp name eth0"));
        assertEquals(new MirrorInfo("p0", "cp", "eth0", 3, 4), mirrors.get("p0"));
        assertEquals("no such port x0; ports: p0", ip.run("srv6:lcp add x0 netns cp name eth9"));
    }

    @Test
    public void theDefaultNamespaceComesFromTheProperty() {
        assertEquals("srv6-cp", Lcp.defaultNetns(null));
        assertEquals("srv6-cp", Lcp.defaultNetns(" "));
        assertEquals("cp1", Lcp.defaultNetns("cp1"));
    }
}
