package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.List;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * SPEC §1 differential: the appliance as router R (its TAP ports moved into H1 and H2) and a
 * kernel router namespace, both configured with the same {@code ip} lines, receive the same
 * crafted frame; the frames captured at H2 must be equal byte for byte from the ethertype on.
 */
public class ApplianceDifferentialIT {

    static final String SID = KernelRouterIT.SID;
    static final String FINAL = KernelRouterIT.FINAL;
    static final String SRC = KernelRouterIT.SRC;

    private static KernelTopology kernel;
    private static RawSocket ktx;
    private static RawSocket krx;

    private static Netns r;
    private static Netns h1;
    private static Netns h2;
    private static Appliance app;
    private static RawSocket atx;
    private static RawSocket arx;
    private static byte[] appR1Mac;
    private static byte[] h1Mac;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            kernel = new KernelTopology("ktd");
            ktx = RawSocket.open(kernel.h1, "e0");
            krx = RawSocket.open(kernel.h2, "e0");
            r = Netns.create("kta", "r");
            h1 = Netns.create("kta", "h1");
            h2 = Netns.create("kta", "h2");
            app = Appliance.start(r);
            app.ok("ip link add r1 type tap");
            app.ok("ip link add r2 type tap");
            r.sh("ip link set r1 netns " + h1.name() + " && ip link set r2 netns " + h2.name());
            h1.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                    + " && ip link set r1 up && ip -6 addr add fc00:12::1/64 dev r1 nodad");
            h2.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                    + " && ip link set r2 up && ip -6 addr add fc00:23::3/64 dev r2 nodad");
            h1Mac = h1.mac("r1");
            byte[] h2Mac = h2.mac("r2");
            app.ok("ip link set r1 up");
            app.ok("ip link set r2 up");
            app.ok("ip -6 addr add fc00:12::2/64 dev r1");
            app.ok("ip -6 addr add fc00:23::2/64 dev r2");
            app.ok("ip -6 neigh add fc00:23::3 lladdr " + KernelTopology.hex(h2Mac) + " dev r2");
            app.ok("ip -6 neigh add fc00:12::1 lladdr " + KernelTopology.hex(h1Mac) + " dev r1");
            appR1Mac = app.mac("r1");
            atx = RawSocket.open(h1, "r1");
            arx = RawSocket.open(h2, "r2");
            both("ip -6 route add fc00:2::/64 via fc00:23::3 dev r2");
        } catch (RuntimeException | Error e) {
            tearDown();
            throw e;
        }
    }

    /** Applies one line to both routers; the appliance must accept it. */
    static void both(String line) {
        kernel.router(line);
        app.ok(line);
    }

    @AfterClass
    public static void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {ktx, krx, atx, arx, app, kernel, h1, h2, r}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort cleanup
                }
            }
        }
    }

    @Before
    public void drain() {
        krx.drain();
        arx.drain();
    }

    private static byte[] srv6(String dst, int sl, int hopLimit, byte[] tlvs) {
        byte[] payload = Frames.srh(17, sl, 0, 0x1234, List.of(FINAL, SID), tlvs,
                Frames.udp(SRC, FINAL, 1234, 5678, "differential".getBytes()));
        return Frames.ipv6(SRC, dst, 43, hopLimit, 0xabcde, payload);
    }

    private static void compare(byte[] packet) {
        ktx.send(Frames.ethernet(kernel.rH1Mac, kernel.h1Mac, 0x86DD, packet));
        atx.send(Frames.ethernet(appR1Mac, h1Mac, 0x86DD, packet));
        byte[] k = krx.receive(2000, RawSocket::ipv6NoNoise);
        byte[] a = arx.receive(2000, RawSocket::ipv6NoNoise);
        assertNotNull("kernel router forwarded nothing", k);
        assertNotNull("appliance forwarded nothing", a);
        assertNull(Frames.diff(k, a, false));
    }

    @Test
    public void endWithTlvsAndTag() {
        both("ip -6 route replace " + SID + "/128 encap seg6local action End dev r1");
        compare(srv6(SID, 1, 64, Frames.concat(Frames.tlv(5, new byte[12]), Frames.padN(2))));
    }

    @Test
    public void endX() {
        both("ip -6 route replace " + SID + "/128 encap seg6local action End.X nh6 fc00:23::3 dev r1");
        compare(srv6(SID, 1, 9, Frames.padN(8)));
    }
}
