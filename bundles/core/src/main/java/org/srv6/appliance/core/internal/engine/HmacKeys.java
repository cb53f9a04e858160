package org.srv6.appliance.core.internal.engine;

import java.util.Arrays;
import java.util.Map;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/**
 * The {@code ip sr hmac set} keys as the loops see them, keyed once when the keys change and
 * published with the {@link Tables}, and the check a SID makes of an arriving SRH's HMAC under
 * its ingress port's {@code ip sr hmac policy} (the kernel's seg6_hmac_validate_skb). Key ids
 * are sorted for a binary search: no allocation, no lock, no boxing per packet.
 */
public final class HmacKeys {
    public static final HmacKeys NONE = new HmacKeys(new long[0], new SrhHmac[0]);

    private final long[] ids;
    private final SrhHmac[] keys;

    private HmacKeys(long[] ids, SrhHmac[] keys) {
        this.ids = ids;
        this.keys = keys;
    }

    /** @param keys the signers by key id (as unsigned 32-bit numbers) */
    public static HmacKeys of(Map<Long, SrhHmac> keys) {
        long[] ids = keys.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        SrhHmac[] k = new SrhHmac[ids.length];
        for (int i = 0; i < ids.length; i++) {
            k[i] = keys.get(ids[i]);
        }
        return new HmacKeys(ids, k);
    }

    /** @return the key with this id, or null */
    public SrhHmac get(long id) {
        int i = Arrays.binarySearch(ids, id);
        return i >= 0 ? keys[i] : null;
    }

    public int size() {
        return ids.length;
    }

    /**
     * Checks the packet at {@code l3} (its length already checked against the IPv6 header's) as
     * seg6_hmac_validate_skb does under {@code policy}: 1 requires a valid HMAC TLV, 0 checks one
     * when present, -1 nothing. A packet without an SRH, or whose SRH runs past the packet (the
     * behavior drops that one as malformed), is not the HMAC's business.
     *
     * @return {@link DropReason#NONE} to go on, else {@link DropReason#HMAC_MISSING} or
     *         {@link DropReason#HMAC_INVALID} (wrong HMAC, unknown key, more segments than can be signed)
     */
    public DropReason check(int policy, ByteBuf b, int l3) {
        if (policy < 0) {
            return DropReason.NONE;
        }
        int end = b.writerIndex();
        int srh = Srh.locate(b, l3, end);
        if (srh < 0 || srh + 8 > end || srh + Srh.length(b, srh) > end) {
            return DropReason.NONE;
        }
        int tlv = Srh.hmacTlv(b, srh);
        if (tlv < 0) {
            return policy > 0 ? DropReason.HMAC_MISSING : DropReason.NONE;
        }
        SrhHmac key = get(Srh.hmacKeyId(b, tlv));
        if (key == null || !key.verify(b, l3 + Ipv6.SRC, srh, tlv)) {
            return DropReason.HMAC_INVALID;
        }
        return DropReason.NONE;
    }
}
