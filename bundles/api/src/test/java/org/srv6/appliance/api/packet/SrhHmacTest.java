package org.srv6.appliance.api.packet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.Test;

public class SrhHmacTest {

    /** The HMAC equals javax.crypto.Mac over the kernel's text, for short and long secrets. */
    @Test
    public void sha1EqualsJdkMac() throws Exception {
        equalsJdkMacOverTheKernelsText("sha1");
    }

    @Test
    public void sha256EqualsJdkMac() throws Exception {
        equalsJdkMacOverTheKernelsText("sha256");
    }

    private static void equalsJdkMacOverTheKernelsText(String algo) throws Exception {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(SrhHmac.MAX_SEGMENTS);
            List<byte[]> segs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] a = new byte[16];
                rnd.nextBytes(a);
                segs.add(a);
            }
            long keyId = rnd.nextInt() & 0xffffffffL;
            byte[] secret = new byte[1 + rnd.nextInt(100)];
            rnd.nextBytes(secret);
            byte[] src = new byte[16];
            rnd.nextBytes(src);
            byte[] srh = Srh.build(segs, 41, keyId);
            ByteBuf b = Unpooled.buffer();
            b.writeBytes(src);
            b.writeBytes(srh);
            int tlv = Srh.hmacTlv(b, 16);
            assertEquals(16 + srh.length - 40, tlv);
            assertEquals(keyId, Srh.hmacKeyId(b, tlv));

            SrhHmac h = new SrhHmac(algo, secret, keyId);
            assertTrue(h.sign(b, 0, 16, tlv));

            Mac mac = Mac.getInstance(algo.equals("sha1") ? "HmacSHA1" : "HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HMAC"));
            mac.update(src);
            mac.update(srh[4]);
            mac.update(srh[5]);
            mac.update(new byte[] {(byte) (keyId >>> 24), (byte) (keyId >>> 16), (byte) (keyId >>> 8), (byte) keyId});
            mac.update(srh, 8, 16 * n);
            byte[] want = Arrays.copyOf(mac.doFinal(), 32);
            byte[] got = new byte[32];
            b.getBytes(tlv + 8, got);
            assertArrayEquals(want, got);
            assertTrue(h.verify(b, 0, 16, tlv));
                        int at = tlv + 8 + rnd.nextInt(32);
            b.setByte(at, ~b.getByte(at));
            assertFalse(h.verify(b, 0, 16, tlv));
        }
    }

    @Test
    public void refusesMoreSegmentsThanTheKernelSigns() {
        refuses(15);
        refuses(20);
    }

    private static void refuses(int n) {
        List<byte[]> segs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            segs.add(new byte[16]);
        }
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[16]);
        b.writeBytes(Srh.build(segs, 41, 1));
        assertFalse(new SrhHmac("sha256", "s", 1).sign(b, 0, 16, Srh.hmacTlv(b, 16)));
    }

    @Test
    public void reducedSrhLeavesTheFirstSegmentOut() {
        reduced(1);
        reduced(2);
        reduced(3);
    }

    private static void reduced(int n) {
        List<byte[]> segs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] a = new byte[16];
            a[15] = (byte) (i + 1);
            segs.add(a);
        }
        byte[] r = Srh.buildReduced(segs, 41, -1);
        if (n == 1) {
            assertEquals(0, r.length);
            return;
        }
        assertEquals(8 + 16 * (n - 1), r.length);
        assertEquals(n - 1, (int) r[3]); // Segments Left
        assertEquals(n - 2, (int) r[4]); // Last Entry
        assertEquals(n, (int) r[8 + 15]); // List[0] = Sn
        assertEquals(2, (int) r[8 + 16 * (n - 2) + 15]); // List[n-2] = S2
    }
}
