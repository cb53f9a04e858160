package org.srv6.appliance.api.behavior;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/**
 * The outer header every encapsulating behavior pushes (H.Encaps(.Red), H.Encaps.L2(.Red),
 * End.B6.Encaps(.Red)): an IPv6 header, then the SRH template of the policy, signed when the
 * policy has an HMAC key. The template's Next Header already names the inner packet; an empty
 * template (a reduced policy of one segment without HMAC) means no SRH, and then the outer Next
 * Header names the inner packet itself. Allocation-free.
 */
public final class Encapsulation {
    private Encapsulation() {
    }

    /**
     * Writes the outer header at {@code o} (room already made with {@link PacketContext#pushFront}),
     * followed by {@code innerLength} bytes of the inner packet of protocol {@code innerProto}.
     *
     * @param hmac the signer of the template's HMAC TLV, or null
     */
    public static void writeOuter(ByteBuf b, int o, byte[] srh, int innerProto, int innerLength,
            int trafficClass, int flowLabel, int hopLimit, long srcHi, long srcLo, long dstHi, long dstLo,
            SrhHmac hmac) {
        Ipv6.versionTcFlow(b, o, trafficClass, flowLabel);
        Ipv6.payloadLength(b, o, srh.length + innerLength);
        Ipv6.nextHeader(b, o, srh.length == 0 ? innerProto : Ipv6.PROTO_ROUTING);
        Ipv6.hopLimit(b, o, hopLimit);
        Ipv6.src(b, o, srcHi, srcLo);
        Ipv6.dst(b, o, dstHi, dstLo);
        if (srh.length > 0) {
            int s = o + Ipv6.LENGTH;
            Srh.write(b, s, srh);
            if (hmac != null) {
                hmac.sign(b, o + Ipv6.SRC, s, s + srh.length - Srh.HMAC_TLV_LENGTH);
            }
        }
    }
}
