package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * End to end through the built distribution, the appliance configured only with
 * {@code bin/srv6 client}: a binding-SID chain between kernel hosts A (namespace H1, port r1)
 * and B (H2, port r2), no static neighbors anywhere.
 *
 * <pre>
 *  A: fc00:a1::1 --T.Encaps segs fc00:e::b6,fc00:b2::d6--&gt; appliance End.B6.Encaps fc00:e::b6
 *     (End step: DA fc00:b2::d6; pushes policy fc00:b1::e,fc00:b2::dd from tunsrc fc00:12::2)
 *  --&gt; A's kernel End fc00:b1::e (DA fc00:b2::dd, sent back to the appliance) --&gt; appliance routes
 *  --&gt; B's kernel End.DT6 fc00:b2::dd table 254 (removes the policy's header) --&gt; B's End.DT6
 *      fc00:b2::d6 table 255 (removes A's header) --&gt; fc00:a2::1
 * </pre>
 *
 * B answers A routed, through the appliance's plain route to fc00:a1::/64.
 */
public class ApplianceBindingSidEndToEndIT {
    private static final String B6 = "fc00:e::b6";

    private static ApplianceTopology topo;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        topo = new ApplianceTopology("bse", false);
        try {
            awaitKeyword("End.B6.Encaps");
            topo.app.ok("ip sr tunsrc set fc00:12::2");
            topo.app.ok("ip -6 route add fc00:b1::/64 via fc00:12::1 dev r1");
            topo.app.ok("ip -6 route add fc00:a1::/64 via fc00:12::1 dev r1");
            topo.app.ok("ip -6 route add fc00:b2::/64 via fc00:23::3 dev r2");
            topo.app.ok("ip -6 route add " + B6 + "/128 encap seg6local action End.B6.Encaps srh segs fc00:b1::e,fc00:b2::dd dev r1");
            topo.h1.sh("sysctl -qw net.ipv6.conf.all.forwarding=1"
                    + " && ip -6 addr add fc00:a1::1/128 dev lo"
                    + " && ip -6 route add fc00:e::/64 via fc00:12::2 dev r1"
                    + " && ip -6 route add fc00:b2::/64 via fc00:12::2 dev r1"
                    + " && ip -6 route add fc00:a2::/64 encap seg6 mode encap segs " + B6 + ",fc00:b2::d6 dev r1"
                    + " && ip -6 route add fc00:b1::e/128 encap seg6local action End dev r1");
            topo.h2.sh("ip -6 addr add fc00:a2::1/128 dev lo"
                    + " && ip -6 route add fc00:a1::/64 via fc00:23::2 dev r2"
                    + " && ip -6 route add fc00:b2::dd/128 encap seg6local action End.DT6 table 254 dev r2"
                    + " && ip -6 route add fc00:b2::d6/128 encap seg6local action End.DT6 table 255 dev r2");
        } catch (RuntimeException | InterruptedException e) {
            tearDown();
            throw e;
        }
    }

    /** The boot features may still be activating behavior bundles after the appliance answers. */
    private static void awaitKeyword(String keyword) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!List.of(topo.app.ok("srv6:keywords").trim().split("\\s+")).contains(keyword)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(keyword + " not registered: " + topo.app.ok("srv6:keywords"));
            }
            Thread.sleep(100);
        }
    }

    @AfterClass
    public static void tearDown() {
        if (topo != null) {
            topo.close();
        }
    }

    /** PACKETS of {@code sid} in {@code srv6:sids}. */
    private static long sidPackets(String sid) {
        String sids = topo.app.ok("srv6:sids");
        return sids.lines().filter(l -> l.startsWith(sid + " ")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[5]))
                .orElseThrow(() -> new AssertionError("no " + sid + " in " + sids));
    }

    @Test
    public void ping6FromAToBThroughTheBindingSid() {
        long before = sidPackets(B6);
        Netns.Result r = EndToEndHosts.ping(topo.h1, true, "fc00:a1::1", "fc00:a2::1");
        String why = "ping fc00:a1::1 -> fc00:a2::1 " + EndToEndHosts.explain(r) + "\nsrv6:sids:\n"
                + topo.app.client("srv6:sids").stdout() + "\nsrv6:stats:\n" + topo.app.client("srv6:stats").stdout();
        assertEquals(why, 0, r.exitCode());
        assertTrue("3 replies expected: " + why, r.stdout().contains("3 received"));
        assertEquals("the 3 echo requests went through " + B6 + "\n" + why, before + 3, sidPackets(B6));
    }

    @Test
    public void theSidIsListedWithItsPolicy() {
        String shown = topo.app.ok("ip -6 route show");
        assertTrue(shown, shown.contains(B6 + " ") && shown.contains("End.B6.Encaps"));
        assertTrue(shown, shown.contains("fc00:b1::e,fc00:b2::dd") || shown.contains("fc00:b1::e fc00:b2::dd"));
    }
}
