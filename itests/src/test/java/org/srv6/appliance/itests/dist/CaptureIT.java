package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * {@code srv6:capture} as an operator uses it, through the built distribution and
 * {@code bin/srv6 client}: a TAP port whose kernel side (in the appliance's namespace) pings a
 * SID and the appliance's address; the capture is read with the real {@code tcpdump -r} while
 * it runs, after {@code stop}, and streamed through the client into {@code tcpdump -r -}.
 */
public class CaptureIT {

    private static final String PORT = "cp0";
    private static final String SID = "fc00:e::1";
    private static final String HOST = "fc00:c::1";
    private static final String APPLIANCE = "fc00:c::2";
    /** An address of the appliance that no neighbor discovery uses: only echo goes to and from it. */
    private static final String LOOP = "fc00:d::2";

    private ApplianceHome app;
    private final List<Process> started = new ArrayList<>();

    @Before
    public void startAppliance() throws Exception {
        Assume.assumeTrue("needs root for ip netns; run as root", ApplianceHome.isRoot());
        app = ApplianceHome.copy("cp");
        ApplianceHome.Run start = app.srv6("start");
        assertEquals("start: " + start, 0, start.exit);
        for (String l : new String[] {
            "ip link add " + PORT + " type tap",
            "ip -6 addr add " + APPLIANCE + "/64 dev " + PORT,
            "ip -6 addr add " + LOOP + "/128 dev " + PORT,
            "ip -6 route add " + SID + " encap seg6local action End dev " + PORT}) {
            client(l);
        }
        ns("ip", "link", "set", PORT, "up");
        ns("ip", "-6", "addr", "add", HOST + "/64", "dev", PORT, "nodad");
        ns("ip", "-6", "route", "add", "fc00:e::/64", "via", APPLIANCE, "dev", PORT);
        ns("ip", "-6", "route", "add", "fc00:d::/64", "via", APPLIANCE, "dev", PORT);
        // the kernel resolves the appliance once, so that later pings go out at once
        ping(APPLIANCE, 1);
    }

    @After
    public void stopAppliance() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (app != null) {
            app.close();
        }
    }

    private String client(String line) throws Exception {
        ApplianceHome.Run r = app.srv6("client", line);
        assertEquals(line + ": " + r, 0, r.exit);
        return r.out;
    }

    private ApplianceHome.Run ns(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", app.netns));
        c.addAll(List.of(cmd));
        ApplianceHome.Run r = ApplianceHome.exec(null, c);
        assertEquals(String.join(" ", cmd) + ": " + r, 0, r.exit);
        return r;
    }

    /** {@code count} echo requests from the kernel side; replies are not required (End drops a packet without SRH). */
    private void ping(String to, int count) throws Exception {
        ApplianceHome.exec(null, List.of("ip", "netns", "exec", app.netns, "ping", "-6", "-n", "-c", Integer.toString(count),
                "-i", "0.2", "-W", "1", to));
    }

    private static ApplianceHome.Run tcpdump(Path file) throws Exception {
        return ApplianceHome.exec(null, List.of("tcpdump", "-n", "-r", file.toString()));
    }

    private static int lines(String text, String needle) {
        int n = 0;
        for (String l : text.split("\n")) {
            if (l.contains(needle)) {
                n++;
            }
        }
        return n;
    }

    /** The row of {@code port} in {@code srv6:capture list}, or null. */
    private String listRow(String port) throws Exception {
        for (String l : client("srv6:capture list").split("\n")) {
            if (l.startsWith(port + " ")) {
                return l;
            }
        }
        return null;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static boolean waitFor(Check check) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(50);
        }
        return check.ok();
    }

    @Test
    public void aRunningCaptureIsReadByTcpdumpAndStopCompletesIt() throws Exception {
        Path file = app.dir.resolve("cp0.pcap");
        assertEquals("", client("srv6:capture " + PORT + " " + file + " count 100 filter sid " + SID).strip());
        assertEquals("header at once", 24, Files.size(file));
        ping(SID, 3);
        String echo = HOST + " > " + SID + ": ICMP6, echo request";
        assertTrue("three echo requests readable while the capture runs",
                waitFor(() -> lines(tcpdump(file).out, echo) == 3));
        ApplianceHome.Run running = tcpdump(file);
        assertEquals(running.toString(), 0, running.exit);
        assertEquals("only what the filter takes: " + running.out, 3, running.out.strip().split("\n").length);
        assertFalse(running.toString(), running.err.contains("truncated"));
        for (int seq = 1; seq <= 3; seq++) {
            assertTrue(running.out, running.out.contains(echo + ", id ") && running.out.contains(", seq " + seq + ","));
        }

        String row = listRow(PORT);
        assertTrue("listed while running: " + row, row != null
                && row.matches(PORT + " +3 +0 +100 +\\d+:\\d\\d:\\d\\d +" + Pattern.quote(file.toString()) + " +sid " + SID));
        assertTrue(client("srv6:capture list").startsWith("PORT "));

        ping(SID, 1);
        assertTrue(waitFor(() -> listRow(PORT).matches(PORT + " +4 .*")));
        String stopped = client("srv6:capture stop " + PORT).strip();
        assertEquals(PORT + ": 4 frames to " + file + ", 0 dropped", stopped);
        ApplianceHome.Run all = tcpdump(file);
        assertEquals(all.toString(), 0, all.exit);
        assertEquals(all.out, 4, lines(all.out, echo));
        assertFalse(all.toString(), all.err.contains("truncated"));
        assertEquals("no capture after stop", null, listRow(PORT));
        long size = Files.size(file);
        ping(SID, 1);
        assertEquals("nothing written after stop", size, Files.size(file));
    }

    @Test
    public void bothDirectionsAndCountEndTheCapture() throws Exception {
        Path file = app.dir.resolve("both.pcap");
        String filter = "proto icmp6 and (host " + LOOP + " or sid fc00:9::9) and not proto srh";
        client("srv6:capture " + PORT + " " + file + " count 4 filter \"" + filter + "\"");
        assertTrue(listRow(PORT), listRow(PORT).endsWith(" " + filter));
        ping(LOOP, 3);
        assertTrue("the count ends the capture", waitFor(() -> listRow(PORT) == null));
        ApplianceHome.Run r = tcpdump(file);
        assertEquals(r.toString(), 0, r.exit);
        assertFalse(r.toString(), r.err.contains("truncated"));
        assertEquals(r.out, 4, r.out.strip().split("\n").length);
        assertEquals("received: " + r.out, 2, lines(r.out, HOST + " > " + LOOP + ": ICMP6, echo request"));
        assertEquals("sent: " + r.out, 2, lines(r.out, LOOP + " > " + HOST + ": ICMP6, echo reply"));
        // a second capture may start once the first has ended
        client("srv6:capture " + PORT + " " + app.dir.resolve("again.pcap") + " filter proto arp");
        assertTrue(listRow(PORT).endsWith("proto arp"));
        client("srv6:capture stop all");
        assertEquals(null, listRow(PORT));
    }

    @Test
    public void dashStreamsPcapThroughTheClientIntoTcpdump() throws Exception {
        String cmd = "ip netns exec " + app.netns + " " + app.home.resolve("bin/srv6") + " client 'srv6:capture " + PORT
                + " - count 2 filter sid " + SID + "' | tcpdump -n -r -";
        Path out = app.dir.resolve("stream.out");
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        started.add(p);
        assertTrue("the streaming capture runs", waitFor(() -> listRow(PORT) != null));
        assertTrue(listRow(PORT).matches(PORT + " +0 +0 +2 +\\S+ +- +sid " + SID));
        ping(SID, 3);
        assertTrue("the client returns when the count is reached", p.waitFor(30, TimeUnit.SECONDS));
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(text, 0, p.exitValue());
        assertTrue(text, text.contains("reading from file -, link-type EN10MB (Ethernet)"));
        assertEquals(text, 2, lines(text, HOST + " > " + SID + ": ICMP6, echo request"));
        assertTrue(text, lines(text, ", seq 1,") == 1 && lines(text, ", seq 2,") == 1);
        assertFalse(text, text.contains("truncated"));
        assertEquals(null, listRow(PORT));
    }

    @Test
    public void stopEndsAStreamAndItsClient() throws Exception {
        String cmd = "ip netns exec " + app.netns + " " + app.home.resolve("bin/srv6") + " client 'srv6:capture " + PORT
                + " - filter sid " + SID + "' | tcpdump -n -r -";
        Path out = app.dir.resolve("stopped.out");
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        started.add(p);
        assertTrue(waitFor(() -> listRow(PORT) != null));
        ping(SID, 2);
        assertTrue(waitFor(() -> listRow(PORT).matches(PORT + " +2 .*")));
        assertEquals(PORT + ": 2 frames to -, 0 dropped", client("srv6:capture stop all").strip());
        assertTrue("the client returns at stop", p.waitFor(30, TimeUnit.SECONDS));
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(text, 0, p.exitValue());
        assertEquals(text, 2, lines(text, HOST + " > " + SID + ": ICMP6, echo request"));
        assertFalse(text, text.contains("truncated"));
    }

    @Test
    public void aClientThatGoesAwayEndsItsStream() throws Exception {
        String cmd = "ip netns exec " + app.netns + " " + app.home.resolve("bin/srv6") + " client 'srv6:capture " + PORT
                + " - filter sid " + SID + "' | head -c 100 > " + app.dir.resolve("head.out");
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
        started.add(p);
        assertTrue(waitFor(() -> listRow(PORT) != null));
        // head takes the header and the first record, then exits; the next frames find the pipe closed
        for (int i = 0; i < 5 && listRow(PORT) != null; i++) {
            ping(SID, 2);
        }
        assertTrue("the capture ends with its client", waitFor(() -> listRow(PORT) == null));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        byte[] head = Files.readAllBytes(app.dir.resolve("head.out"));
        assertEquals(100, head.length);
        assertEquals("pcap magic, little-endian", (byte) 0xd4, head[0]);
        // the port can be captured again at once
        client("srv6:capture " + PORT + " " + app.dir.resolve("after.pcap"));
        client("srv6:capture stop " + PORT);
    }

    @Test
    public void badInputIsOneErrorLineWithTheUsageAndStartsNothing() throws Exception {
        Path first = app.dir.resolve("first.pcap");
        client("srv6:capture " + PORT + " " + first);
        String usage = "usage: srv6:capture PORT FILE|- [count N] [filter EXPR]";
        Path dir = Files.createDirectories(app.dir.resolve("adir"));
        String[][] cases = {
            {"srv6:capture", "Error: no port given; " + usage},
            {"srv6:capture nope " + app.dir.resolve("x.pcap"), "Error: no such port nope; ports: " + PORT + "; " + usage},
            {"srv6:capture " + PORT + " /nonexistent/dir/x.pcap", "Error: a capture runs on " + PORT + " already"},
            {"srv6:capture " + PORT, "Error: no file given; " + usage},
            {"srv6:capture " + PORT + " " + app.dir.resolve("x.pcap") + " count ten", "Error: bad count 'ten'; expected a positive number; " + usage},
            {"srv6:capture " + PORT + " " + app.dir.resolve("x.pcap") + " size 3", "Error: unexpected 'size'; " + usage},
            {"srv6:capture stop", "Error: no port given; usage: srv6:capture stop PORT|all"},
            {"srv6:capture stop nope", "Error: no such port nope; ports: " + PORT},
        };
        for (String[] c : cases) {
            assertError(c[0], c[1]);
        }
        client("srv6:capture stop " + PORT);
        String[][] afterStop = {
            {"srv6:capture " + PORT + " /nonexistent/dir/x.pcap", "Error: cannot write /nonexistent/dir/x.pcap: no such directory; " + usage},
            {"srv6:capture " + PORT + " " + dir, "Error: cannot write " + dir + ": it is a directory; " + usage},
            {"srv6:capture " + PORT + " " + app.dir.resolve("x.pcap") + " filter proto gre",
                "Error: bad filter: unknown protocol 'gre'; expected one of icmp6|icmp|udp|tcp|srh|arp|ipv6|ipv4; " + usage},
            {"srv6:capture " + PORT + " - filter sid 10.0.0.1", "Error: bad filter: sid needs an IPv6 address, not '10.0.0.1'; " + usage},
            {"srv6:capture " + PORT + " " + app.dir.resolve("x.pcap") + " filter", "Error: filter needs an expression; " + usage},
            {"srv6:capture stop " + PORT, "Error: no capture runs on " + PORT},
        };
        for (String[] c : afterStop) {
            assertError(c[0], c[1]);
        }
        assertFalse("a refused capture leaves no file", Files.exists(app.dir.resolve("x.pcap")));
        assertEquals("nothing started", null, listRow(PORT));
        assertEquals(1, client("srv6:capture list").strip().split("\n").length);
    }

    private void assertError(String line, String expected) throws Exception {
        ApplianceHome.Run r = app.srv6("client", line);
        assertNotEquals(line + ": " + r, 0, r.exit);
        assertEquals(line + ": " + r, "", r.out);
        String err = r.err.strip();
        assertFalse(line + ": one line: " + r, err.contains("\n"));
        assertTrue(line + ": " + r, err.startsWith(expected));
    }
}
