package org.srv6.appliance.api.packet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.netty.buffer.ByteBuf;

/**
 * The SRH HMAC of one key (RFC 8754 §2.1.2.1), computed over the same text as the kernel's
 * seg6_hmac_compute: the IPv6 source address (16), Last Entry (1), Flags (1), the HMAC Key ID
 * (4, network order) and Segment List[0..Last Entry]; the 32-byte field holds the digest
 * followed by zeros when the digest is shorter (HMAC-SHA-1: 20 bytes). Like the kernel, at most
 * 14 segments can be signed (the text must stay under 256 bytes).
 *
 * <p>Keyed once: the inner and outer pads (RFC 2104) are computed when the key is set. Signing
 * and verifying a packet allocate nothing: each thread keeps its own {@link MessageDigest} of
 * the JDK and scratch arrays ({@code javax.crypto.Mac.doFinal} returns a new array on every
 * call, so it is not used on the packet path; tests check that both give the same bytes).
 * Instances are immutable and shared by all event loops.
 */
public final class SrhHmac {
    /** Most segments whose HMAC can be computed, as the kernel's SEG6_HMAC_RING_SIZE allows. */
    public static final int MAX_SEGMENTS = 14;
    private static final int BLOCK = 64;
    private static final int MAX_TEXT = 16 + 1 + 1 + 4 + 16 * MAX_SEGMENTS;

    private final String algorithm;
    private final String jdkName;
    private final int digestLength;
    private final long keyId;
    private final byte[] ipad = new byte[BLOCK];
    private final byte[] opad = new byte[BLOCK];
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param algorithm {@code sha1} or {@code sha256} (as {@code ip sr hmac set} names them)
     * @param secret    the key's secret as typed (its bytes are the HMAC key)
     * @param keyId     the key id written into and matched against the TLV
     */
    public SrhHmac(String algorithm, byte[] secret, long keyId) {
        this.algorithm = algorithm;
        this.jdkName = jdkName(algorithm);
        this.keyId = keyId;
        MessageDigest md = digest(jdkName);
        this.digestLength = md.getDigestLength();
        byte[] key = secret.length > BLOCK ? md.digest(secret) : secret;
        for (int i = 0; i < BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            ipad[i] = (byte) (k ^ 0x36);
            opad[i] = (byte) (k ^ 0x5c);
        }
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(digest(jdkName)));
    }

    /** Convenience for a secret typed as text. */
    public SrhHmac(String algorithm, String secret, long keyId) {
        this(algorithm, secret.getBytes(StandardCharsets.UTF_8), keyId);
    }

    /** @return true for an algorithm name {@code ip sr hmac set} accepts */
    public static boolean supported(String algorithm) {
        return "sha1".equals(algorithm) || "sha256".equals(algorithm);
    }

    /** @return the algorithm as configured ({@code sha1} or {@code sha256}) */
    public String algorithm() {
        return algorithm;
    }

    /** @return the key id */
    public long keyId() {
        return keyId;
    }

    /** @return the digest length in bytes (20 or 32) */
    public int digestLength() {
        return digestLength;
    }

    /**
     * Computes the HMAC of the SRH at {@code srh} with the IPv6 source address at {@code srcIndex}
     * and writes the 32-byte field of the HMAC TLV at {@code tlv}.
     *
     * @return false when the SRH has more than {@link #MAX_SEGMENTS} segments (nothing written)
     */
    public boolean sign(ByteBuf b, int srcIndex, int srh, int tlv) {
        Scratch s = scratch.get();
        if (!compute(s, b, srcIndex, srh)) {
            return false;
        }
        b.setBytes(tlv + 8, s.field, 0, Srh.HMAC_FIELD_LENGTH);
        return true;
    }

    /**
     * Checks the HMAC TLV at {@code tlv} of the SRH at {@code srh} against the source address at
     * {@code srcIndex}; the key id in the TLV is not looked at (the caller chose this key by it).
     * The comparison takes the same time whatever the bytes.
     */
    public boolean verify(ByteBuf b, int srcIndex, int srh, int tlv) {
        Scratch s = scratch.get();
        if (!compute(s, b, srcIndex, srh)) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < Srh.HMAC_FIELD_LENGTH; i++) {
            diff |= s.field[i] ^ b.getByte(tlv + 8 + i);
        }
        return diff == 0;
    }

    /** Computes the 32-byte field into {@code out} (tests and tools; allocates nothing either). */
    public boolean compute(ByteBuf b, int srcIndex, int srh, byte[] out) {
        Scratch s = scratch.get();
        if (!compute(s, b, srcIndex, srh)) {
            return false;
        }
        System.arraycopy(s.field, 0, out, 0, Srh.HMAC_FIELD_LENGTH);
        return true;
    }

    private boolean compute(Scratch s, ByteBuf b, int srcIndex, int srh) {
        int entries = Srh.lastEntry(b, srh) + 1;
        if (entries > MAX_SEGMENTS) {
            return false;
        }
        byte[] t = s.text;
        b.getBytes(srcIndex, t, 0, 16);
        t[16] = b.getByte(srh + Srh.LAST_ENTRY);
        t[17] = b.getByte(srh + Srh.FLAGS);
        t[18] = (byte) (keyId >>> 24);
        t[19] = (byte) (keyId >>> 16);
        t[20] = (byte) (keyId >>> 8);
        t[21] = (byte) keyId;
        int len = 22 + 16 * entries;
        b.getBytes(srh + Srh.SEGMENTS, t, 22, 16 * entries);
        MessageDigest md = s.md;
        try {
            md.reset();
            md.update(ipad, 0, BLOCK);
            md.update(t, 0, len);
            md.digest(s.inner, 0, digestLength);
            md.update(opad, 0, BLOCK);
            md.update(s.inner, 0, digestLength);
            md.digest(s.field, 0, digestLength);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        for (int i = digestLength; i < Srh.HMAC_FIELD_LENGTH; i++) {
            s.field[i] = 0;
        }
        return true;
    }

    private static String jdkName(String algorithm) {
        return switch (algorithm) {
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            default -> throw new IllegalArgumentException("HMAC algorithm " + algorithm + " is not sha1 or sha256");
        };
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + name, e);
        }
    }

    private static final class Scratch {
        final MessageDigest md;
        final byte[] text = new byte[MAX_TEXT];
        final byte[] inner = new byte[32];
        final byte[] field = new byte[Srh.HMAC_FIELD_LENGTH];

        Scratch(MessageDigest md) {
            this.md = md;
        }
    }
}
