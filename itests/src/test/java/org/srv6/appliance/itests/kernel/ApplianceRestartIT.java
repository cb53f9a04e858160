package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * A router that comes back: the appliance runs in namespace r with its ports made directly in
 * the hosts' namespaces ({@code ip link add r1 type tap netns H1}); it is stopped and started
 * again and again while H1 pings H2 through the appliance's End.X SIDs ({@link EndToEndHosts}),
 * and after each start the ping resumes by itself within 2 s, the hosts keep their addresses and
 * the replay is clean. A configuration with a
 * bad byte, a garbage line and a half-written journal line applies every good line and keeps and
 * reports the others.
 */
public class ApplianceRestartIT {
    private static final int RESTARTS = 20;

    private Netns r;
    private Netns h;
    private Netns h2;
    private Appliance app;

    @Before
    public void setUp() throws IOException {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        r = Netns.create("krs", "r");
        h = Netns.create("krs", "h1");
        h2 = Netns.create("krs", "h2");
        app = Appliance.copy(r);
    }

    @After
    public void tearDown() {
        if (app != null) {
            app.close();
        }
        for (Netns n : new Netns[] {h, h2, r}) {
            if (n != null) {
                n.close(); // a host's namespace takes the appliance's persistent netdev with it
            }
        }
    }

    private void configure() {
        app.ok("ip link add r1 type tap netns " + h.name());
        app.ok("ip link add r2 type tap netns " + h2.name());
        h.sh("sysctl -qw net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.all.accept_dad=0"
                + " && ip -6 addr add fc00:12::1/64 dev r1 nodad");
        h2.sh("sysctl -qw net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.all.accept_dad=0"
                + " && ip -6 addr add fc00:23::3/64 dev r2 nodad");
        app.ok("ip -6 addr add fc00:12::2/64 dev r1");
        app.ok("ip -6 addr add fc00:23::2/64 dev r2");
        EndToEndHosts.MIDDLE.forEach(app::ok);
        EndToEndHosts.configure(h, "r1", h2, "r2");
    }

    /** Milliseconds until a ping from H1 to H2 through the appliance is answered, or -1 after {@code limitMillis}. */
    private long pingResumes(long limitMillis) {
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < limitMillis) {
            Netns.Result p = h.exec("ping", "-6", "-c", "1", "-W", "1", "-I", "fc00:a1::1", "fc00:a2::1");
            if (p.exitCode() == 0) {
                return System.currentTimeMillis() - start;
            }
        }
        return -1;
    }

    private boolean hostsKeepTheirAddresses() {
        return h.exec("ip", "-6", "addr", "show", "dev", "r1").check().stdout().contains("fc00:12::1/64")
                && h2.exec("ip", "-6", "addr", "show", "dev", "r2").check().stdout().contains("fc00:23::3/64");
    }

    @Test
    public void stopStartTwentyTimesUnderPingResumesWithoutACommandAndTheHostKeepsItsAddress() throws Exception {
        app.boot();
        configure();
        assertTrue("ping before any restart", pingResumes(5000) >= 0);
        Process traffic = new ProcessBuilder("ip", "netns", "exec", h.name(), "ping", "-6", "-q", "-i", "0.2",
                "-I", "fc00:a1::1", "fc00:a2::1").redirectErrorStream(true).start();
        List<Long> resumed = new ArrayList<>();
        try {
            for (int i = 0; i < RESTARTS; i++) {
                assertEquals("stop " + i, 0, app.srv6("stop").exitCode());
                assertTrue("host addresses kept while stopped (" + i + ")", hostsKeepTheirAddresses());
                Netns.Result start = app.srv6("start");
                assertEquals("start " + i + ": " + start.stderr() + app.logTail(20), 0, start.exitCode());
                long ms = pingResumes(2000);
                assertTrue("restart " + i + ": ping did not resume within 2 s\n" + app.logTail(30), ms >= 0);
                resumed.add(ms);
                assertTrue("host addresses after restart " + i, hostsKeepTheirAddresses());
                String status = app.ok("srv6:config status");
                assertTrue("replay clean after restart " + i + ": " + status, status.contains(" 0 rejected"));
            }
        } finally {
            traffic.destroy();
        }
        System.out.println("ping resumed after each of " + RESTARTS + " restarts within (ms): " + resumed);
        // the configuration did not grow or change with the restarts
        assertTrue(app.ok("srv6:config show").contains("ip link add r1 type tap netns " + h.name() + "\n"));
    }

    @Test
    public void badByteGarbageLineAndHalfWrittenJournalLineAreKeptAndReportedAndTheRestApplied() throws Exception {
        Path etc = app.home().resolve("etc");
        byte[] good = ("ip link add r0 type tap netns " + h.name() + " name eth0\n"
                + "ip -6 addr add fc00:12::1/64 dev r0\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'i', 'p', ' ', 'x', (byte) 0xff, '\n'};
        byte[] rest = ("this is garbage\n"
                + "ip -6 route add fc00:e::1 encap seg6local action End dev r0\n").getBytes(StandardCharsets.UTF_8);
        Path conf = etc.resolve("srv6.conf");
        Files.write(conf, concat(good, bad, rest));
        Files.writeString(etc.resolve("srv6.conf.journal"), "ip -6 route add fc00:e::2 encap seg6local action End dev r0\n"
                + "ip -6 route add fc00:e::3 encap seg6local act");
        Netns.Result start = app.boot();
        assertTrue("start warns about rejected lines: " + start.stdout() + start.stderr(),
                (start.stdout() + start.stderr()).contains("3 configuration lines were rejected"));
        Netns.Result status = app.srv6("status");
        assertTrue("status says degraded: " + status.stdout(), status.stdout().contains("degraded"));
        String sids = app.ok("srv6:sids");
        assertTrue(sids, sids.contains("fc00:e::1") && sids.contains("fc00:e::2") && !sids.contains("fc00:e::3"));
        assertTrue(app.ok("ip -6 addr show").contains("fc00:12::1/64"));
        String report = app.ok("srv6:config status");
        assertTrue(report, report.contains("4 lines applied, 3 rejected"));
        assertTrue(report, report.contains("line 3: not valid UTF-8"));
        assertTrue(report, report.contains("line 4: ") && report.contains("this is garbage"));
        assertTrue(report, report.contains("srv6.conf.journal line 2: half-written last line"));
        String kept = Files.readString(etc.resolve("srv6.conf.rejected"), StandardCharsets.UTF_8);
        assertTrue(kept, kept.contains("this is garbage") && kept.contains("ip -6 route add fc00:e::3 encap seg6local act")
                && kept.contains("ip x"));
        assertTrue("the previous file is kept as .bak", Files.exists(etc.resolve("srv6.conf.bak")));
        String log = Files.readString(app.home().resolve("var/log/srv6.log"), StandardCharsets.UTF_8);
        assertTrue(log, log.contains("this is garbage") && log.contains("not valid UTF-8"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
