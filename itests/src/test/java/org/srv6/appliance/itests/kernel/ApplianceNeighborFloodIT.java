package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * A neighbor-table flood: H3, on a third port r3 of the appliance, sends Neighbor Solicitations
 * from unique link-local sources (each with its own source link-layer address) and ARP requests
 * from unique senders of r3's /16, as fast as it can, for {@code flood.seconds} (60 by default),
 * while H1 pings H2 through the appliance (which resolves both itself: no static entries). The
 * table ({@code ip neigh show}) must never list more than gc_thresh3 (1024) entries and fewer
 * than 1 % of the pings may be lost. The flood has a port of its own because it outruns the
 * appliance: the kernel drops what overflows r3's queue, and the pings must not share that queue
 * (what is tested is that the table and the loop keep serving the other ports).
 */
public class ApplianceNeighborFloodIT {
    private static final int BOUND = 1024;
    private static final int SECONDS = Integer.getInteger("flood.seconds", 60);
    /** Frames per second to aim at; 0: as fast as the sending thread can. */
    private static final int PPS = Integer.getInteger("flood.pps", 0);

    private static ApplianceTopology topo;
    private static Netns h3;
    private static RawSocket flood;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            topo = new ApplianceTopology("kn", false);
            h3 = Netns.create("kn", "h3");
            topo.app.ok("ip link add r3 type tap");
            topo.r.sh("ip link set r3 netns " + h3.name());
            h3.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                    + " net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0"
                    + " && ip link set r3 up");
            topo.app.ok("ip link set r3 up");
            topo.app.ok("ip -6 addr add fc00:34::2/64 dev r3");
            topo.app.ok("ip -4 addr add 10.200.0.2/16 dev r3");
            topo.h1.sh("ip -6 route add fc00:23::/64 via fc00:12::2 dev r1");
            topo.h2.sh("ip -6 route add fc00:12::/64 via fc00:23::2 dev r2");
            flood = RawSocket.open(h3, "r3");
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(flood, topo, h3);
    }

    /** Sums 16-bit words of {@code b[off..off+len)} into {@code s}. */
    private static long sum(byte[] b, int off, int len, long s) {
        for (int i = 0; i < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        }
        return s;
    }

    /** Sends NS and ARP requests from unique senders until {@code stop}; returns frames sent. */
    private static long flood(AtomicBoolean stop) {
        byte[] ns = Packets.ethernet(new byte[] {0x33, 0x33, (byte) 0xff, 0, 0, 2}, new byte[6], Packets.ETH_IPV6,
                Packets.ipv6("fe80::1", "ff02::1:ff00:2", 58, 255, 0,
                        Packets.icmpv6(135, 0, "fe80::1", "ff02::1:ff00:2",
                                Packets.cat(new byte[4], Packets.ip6("fc00:34::2"), Packets.bytes(1, 1),
                                        new byte[6]))));
        byte[] arp = Packets.ethernet(Packets.mac("ff:ff:ff:ff:ff:ff"), new byte[6], Packets.ETH_ARP,
                Packets.arp(1, "02:00:00:00:00:00", "10.200.0.3", "00:00:00:00:00:00", "10.200.0.2"));
        long sent = 0;
        long start = System.nanoTime();
        for (int i = 0; !stop.get(); i++) {
            // a unicast, locally administered MAC and a link-local address of its own per frame
            byte m3 = (byte) (i >>> 16);
            byte m4 = (byte) (i >>> 8);
            byte m5 = (byte) i;
            byte[] mac = {0x02, 0x5a, 0, m3, m4, m5};
            System.arraycopy(mac, 0, ns, 6, 6);
            int l3 = 14;
            ns[l3 + 8 + 13] = m3; // fe80::5a:XXXX:XX
            ns[l3 + 8 + 14] = m4;
            ns[l3 + 8 + 15] = m5;
            ns[l3 + 8 + 11] = 0x5a;
            int icmp = l3 + 40;
            System.arraycopy(mac, 0, ns, icmp + 26, 6);
            ns[icmp + 2] = 0;
            ns[icmp + 3] = 0;
            long s = sum(ns, l3 + 8, 32, 32 + 58);
            s = sum(ns, icmp, 32, s);
            while ((s >> 16) != 0) {
                s = (s & 0xffff) + (s >> 16);
            }
            int c = (int) ~s & 0xffff;
            ns[icmp + 2] = (byte) (c >> 8);
            ns[icmp + 3] = (byte) c;
            flood.send(ns);
            System.arraycopy(mac, 0, arp, 6, 6);
            System.arraycopy(mac, 0, arp, 14 + 8, 6);
            int host = 3 + (i % 65000); // 10.200.0.3 ... 10.200.253.237: unique senders of the /16
            arp[14 + 14 + 2] = (byte) (host >>> 8);
            arp[14 + 14 + 3] = (byte) host;
            flood.send(arp);
            sent += 2;
            if (PPS > 0) {
                long due = start + sent * 1_000_000_000L / PPS;
                while (System.nanoTime() < due && !stop.get()) {
                    Thread.onSpinWait();
                }
            }
        }
        return sent;
    }

    private static int tableSize() {
        String out = topo.app.ok("ip neigh show");
        int n = 0;
        for (String line : out.split("\\R")) {
            if (!line.isBlank()) {
                n++;
            }
        }
        return n;
    }

    @Test
    public void tableStaysBoundedAndPingsGetThroughUnderAFloodOfUniqueSenders() throws Exception {
        Netns.Result warm = EndToEndHosts.ping(topo.h1, true, "fc00:12::1", "fc00:23::3");
        assertTrue("ping before the flood: " + EndToEndHosts.explain(warm), warm.exitCode() == 0);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        Thread sender = new Thread(() -> sent.set(flood(stop)), "neighbor-flood");
        List<Integer> sizes = new ArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                int n = tableSize();
                synchronized (sizes) {
                    sizes.add(n);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "ip-neigh-show");
        long rx0 = rx();
        long t0 = System.nanoTime();
        sender.start();
        sampler.start();
        int count = SECONDS * 20;
        Netns.Result ping = Netns.run(SECONDS + 30, List.of("ip", "netns", "exec", topo.h1.name(), "ping", "-6",
                "-c", Integer.toString(count), "-i", "0.05", "-W", "1", "-I", "fc00:12::1", "fc00:23::3"));
        stop.set(true);
        sender.join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long rx1 = rx();
        sampling.set(false);
        sampler.join();
        int end = tableSize();
        Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(ping.stdout());
        assertTrue("ping output: " + EndToEndHosts.explain(ping), m.find());
        int tx = Integer.parseInt(m.group(1));
        int rx = Integer.parseInt(m.group(2));
        double loss = 100.0 * (tx - rx) / tx;
        int max;
        synchronized (sizes) {
            max = sizes.stream().mapToInt(Integer::intValue).max().orElse(end);
        }
        String stats = topo.app.ok("srv6:stats");
        String figures = String.format("flood: %d frames in %.1f s (%.0f/s sent, %.0f/s taken in by the appliance);"
                + " ip neigh show: %d samples, max %d lines, %d at the end; ping: %d sent, %d received, %.2f%% loss;%n%s",
                sent.get(), seconds, sent.get() / seconds, (rx1 - rx0) / seconds, sizes.size(), max, end, tx, rx, loss,
                stats);
        System.out.println("ApplianceNeighborFloodIT " + figures);
        assertTrue("table over gc_thresh3: " + figures, max <= BOUND && end <= BOUND);
        assertTrue("ping loss: " + figures, loss < 1.0);
    }

    /** Frames the appliance took in on r3 (RX-PACKETS of srv6:stats). */
    private static long rx() {
        for (String line : topo.app.ok("srv6:stats").split("\\R")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("r3")) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }

}
