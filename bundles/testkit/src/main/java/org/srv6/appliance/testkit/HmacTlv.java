package org.srv6.appliance.testkit;

import static org.srv6.appliance.testkit.Packets.ip6;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC TLV (RFC 8754 §2.1.2) an SRH should end with, computed independently of the code
 * under test with {@link javax.crypto.Mac} over the kernel's text (seg6_hmac_compute): source
 * address, Last Entry, Flags, Key ID, Segment List[0..Last Entry].
 */
public final class HmacTlv {
    private HmacTlv() {
    }

    /**
     * @param algorithm {@code sha1} or {@code sha256}
     * @param src       the outer IPv6 source address
     * @param flags     the SRH's flags (0x08 for the kernel's HMAC flag)
     * @param list0     the segments in the header's order, Segment List[0] first (all of them)
     * @return 40 bytes: type 5, length 38, reserved, key id, the HMAC followed by zeros
     */
    public static byte[] tlv(String algorithm, byte[] secret, long keyId, String src, int flags, String... list0) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes(ip6(src));
        text.write(list0.length - 1);
        text.write(flags);
        text.writeBytes(keyId(keyId));
        for (String s : list0) {
            text.writeBytes(ip6(s));
        }
        String name = algorithm.equals("sha1") ? "HmacSHA1" : "HmacSHA256";
        byte[] mac;
        try {
            Mac m = Mac.getInstance(name);
            m.init(new SecretKeySpec(secret, name));
            mac = m.doFinal(text.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] out = new byte[40];
        out[0] = 5;
        out[1] = 38;
        System.arraycopy(keyId(keyId), 0, out, 4, 4);
        System.arraycopy(mac, 0, out, 8, mac.length);
        return out;
    }

    private static byte[] keyId(long id) {
        return new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
    }
}
