package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.HmacTlv;
import org.srv6.appliance.testkit.Packets;

/**
 * A SID checks the HMAC TLV of an arriving SRH under its ingress port's {@code ip sr hmac policy},
 * as the kernel's seg6_hmac_validate_skb: -1 ignore, 0 verify when present, 1 require.
 */
public class HmacVerificationTest extends DataplaneTestSupport {
    private static final String SID = "fc00::7";
    private static final String NEXT = "fc00::99";
    private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

    /** A SID that sends whatever reaches its behavior on to host1, untouched. */
    private void sid() throws Exception {
        dp.behaviors().addProvider(new Provider("T", "ENDPOINT", ScriptedBehavior.endpoint(ctx -> {
            System.arraycopy(Packets.ip6(HOST1), 0, ctx.nextHop6, 0, 16);
            return Verdict.FORWARD_NH6;
        }), 1, 0, 1, "test.t", "1.0.0"));
        dp.routes().add(new RouteSpec(6, SID + "/128", null, null, 254, 0, "seg6local", "T", List.of()));
        dp.sr().setHmacKey(7, "sha256", "s3cret");
        dp.sr().setHmacKey(8, "sha1", "other");
    }

    /** host0 -> SID with SRH (SID, NEXT), SL 1, and the given TLV (none: empty). */
    private static byte[] packet(int flags, byte[] tlv) {
        return Packets.ipv6(HOST0, SID).hopLimit(64)
                .srh(Packets.srh(1).path(SID, NEXT).flags(flags).tlvs(tlv))
                .udp(1, 2, Packets.fill(8, 1)).bytes();
    }

    private static byte[] signed(String algorithm, byte[] secret, long keyId) {
        return packet(0x08, HmacTlv.tlv(algorithm, secret, keyId, HOST0, 0x08, NEXT, SID));
    }

    private static byte[] good() {
        return signed("sha256", SECRET, 7);
    }

    private static byte[] wrongSecret() {
        return signed("sha256", "guess".getBytes(StandardCharsets.UTF_8), 7);
    }

    private static byte[] unknownKey() {
        return signed("sha256", SECRET, 9);
    }

    private static byte[] missing() {
        return packet(0, new byte[0]);
    }

    private void passes(String what, byte[] pkt) throws InterruptedException {
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] out = poll(p1);
        byte[] l3 = java.util.Arrays.copyOfRange(out, 14, out.length);
        byte[] expected = pkt.clone();
        expected[7] = 63;
        assertEquals(what, Packets.hex(expected), Packets.hex(l3));
    }

    private void dropped(String what, byte[] pkt, DropReason reason, long n) throws InterruptedException {
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        awaitDrop(reason, n);
        assertNothingSent(p1, 100);
    }

    private long sidErrors() {
        return dp.sr().sids().get(0).drops();
    }

    @Test
    public void policy0VerifiesWhenPresent() throws Exception {
        sid();
        passes("good sha256", good());
        passes("good sha1", signed("sha1", "other".getBytes(StandardCharsets.UTF_8), 8));
        passes("missing", missing());
        dropped("wrong secret", wrongSecret(), DropReason.HMAC_INVALID, 1);
        dropped("unknown key", unknownKey(), DropReason.HMAC_INVALID, 2);
        assertEquals(2, sidErrors());
        assertEquals(0, drop(DropReason.HMAC_MISSING));
    }

    @Test
    public void policy1RequiresIt() throws Exception {
        sid();
        dp.sr().setHmacPolicy("p0", 1);
        passes("good", good());
        dropped("missing", missing(), DropReason.HMAC_MISSING, 1);
        dropped("wrong secret", wrongSecret(), DropReason.HMAC_INVALID, 1);
        dropped("unknown key", unknownKey(), DropReason.HMAC_INVALID, 2);
        // the flag without the TLV, or the TLV without the flag, is no HMAC (seg6_get_tlv_hmac)
        dropped("flag, no TLV", packet(0x08, new byte[0]), DropReason.HMAC_MISSING, 2);
        dropped("TLV, no flag", packet(0, HmacTlv.tlv("sha256", SECRET, 7, HOST0, 0, NEXT, SID)),
                DropReason.HMAC_MISSING, 3);
        assertEquals(5, sidErrors());
        // no SRH at all: not the HMAC's business (the kernel's decap_and_validate), the behavior decides
        passes("no SRH", Packets.ipv6(HOST0, SID).hopLimit(64).udp(1, 2, Packets.fill(8, 1)).bytes());
    }

    @Test
    public void policyMinus1IgnoresIt() throws Exception {
        sid();
        dp.sr().setHmacPolicy("p0", -1);
        passes("good", good());
        passes("wrong secret", wrongSecret());
        passes("unknown key", unknownKey());
        passes("missing", missing());
        assertEquals(0, sidErrors());
        assertEquals(0, drop(DropReason.HMAC_INVALID) + drop(DropReason.HMAC_MISSING));
    }

    @Test
    public void thePolicyIsTheIngressPorts() throws Exception {
        sid();
        dp.sr().setHmacPolicy("p1", 1);
        passes("missing, arriving on p0 (policy 0)", missing());
    }

    @Test
    public void aChangedSecretIsUsedAtOnce() throws Exception {
        sid();
        passes("good", good());
        dp.sr().setHmacKey(7, "sha256", "guess");
        dropped("signed with the old secret", good(), DropReason.HMAC_INVALID, 1);
        passes("signed with the new secret", wrongSecret());
        dp.sr().setHmacKey(7, "", "");
        dropped("key deleted", wrongSecret(), DropReason.HMAC_INVALID, 2);
    }

    @Test
    public void packetsForwardedWithoutASidAreNotChecked() throws Exception {
        sid();
        dp.sr().setHmacPolicy("p0", 1);
        dp.routes().add(new RouteSpec(6, "fc00:1::/64", HOST1, null, 254, 0, null, null, null));
        byte[] pkt = Packets.ipv6(HOST0, "fc00:1::5").hopLimit(64)
                .srh(Packets.srh(1).path("fc00:1::5", NEXT).flags(0x08).tlvs(HmacTlv.tlv("sha256",
                        "guess".getBytes(StandardCharsets.UTF_8), 7, HOST0, 0x08, NEXT, "fc00:1::5")))
                .udp(1, 2, Packets.fill(8, 1)).bytes();
        passes("transit", pkt);
    }

    @Test
    public void aKeyARouteUsesCannotBeDeleted() throws Exception {
        sid();
        dp.behaviors().addProvider(new Provider("tmode", "TRANSIT", ScriptedBehavior.transit(ctx -> Verdict.FORWARD),
                1, 0, 1, "test.tmode", "1.0.0"));
        dp.routes().add(new RouteSpec(6, "fc00:2::/64", null, null, 254, 0, "seg6", "tmode",
                List.of("segs", "fc00::1", "hmac", "7")));
        DataplaneException e = assertThrows(DataplaneException.class, () -> dp.sr().setHmacKey(7, "", ""));
        assertEquals("HMAC key 7 is used by route fc00:2::/64 (tmode); delete the routes that name hmac 7 first",
                e.getMessage());
        assertEquals("sha256", dp.sr().hmacKeys().get(7));
        assertTrue(dp.routes().list(6, 254).toString(), dp.routes().list(6, 254).toString().contains("hmac 7"));
        dp.sr().setHmacKey(8, "", "");
        assertEquals(List.of(7), List.copyOf(dp.sr().hmacKeys().keySet()));
        // the running configuration sets the key before the route that names it is replayed
        List<String> running = dp.config().running();
        int key = running.indexOf("ip sr hmac set 7 sha256 s3cret");
        int route = -1;
        for (int i = 0; i < running.size(); i++) {
            route = running.get(i).contains("hmac 7") && running.get(i).startsWith("ip -6 route") ? i : route;
        }
        assertTrue(running.toString(), key >= 0 && route > key);
    }

    @Test
    public void badKeyCommandsChangeNothing() throws Exception {
        sid();
        assertEquals("unknown HMAC algorithm md5; expected sha1 or sha256",
                assertThrows(DataplaneException.class, () -> dp.sr().setHmacKey(9, "md5", "x")).getMessage());
        assertEquals("HMAC policy 2 out of range; expected -1, 0 or 1",
                assertThrows(DataplaneException.class, () -> dp.sr().setHmacPolicy("p0", 2)).getMessage());
        assertTrue(assertThrows(DataplaneException.class, () -> dp.sr().setHmacPolicy("nope", 1)).getMessage()
                .startsWith("no such port nope"));
        assertEquals("no HMAC key 9; keys: 7, 8",
                assertThrows(DataplaneException.class, () -> dp.sr().setHmacKey(9, "", "")).getMessage());
        assertEquals("bad HMAC secret for key 9; expected one word of at most 64 bytes, without spaces or control"
                + " characters", assertThrows(DataplaneException.class,
                        () -> dp.sr().setHmacKey(9, "sha1", "two words")).getMessage());
        assertEquals(List.of(7, 8), List.copyOf(dp.sr().hmacKeys().keySet()));
        passes("policy still 0: missing passes", missing());
    }
}
