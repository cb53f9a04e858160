package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Arp;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv6;

/**
 * Builds the frames that resolve a neighbor: a Neighbor Solicitation (RFC 4861 §7.2.2) or an ARP
 * request (RFC 826), to the solicited-node multicast / broadcast address, or unicast to the MAC
 * known when a STALE entry is probed (RFC 4861 §7.3.3 PROBE).
 */
final class Solicitation {
    static final long MAC_BROADCAST = 0xffff_ffff_ffffL;

    private Solicitation() {
    }

    /** Writes the solicitation for {@code n} from {@code op} into {@code f}; {@code unicastMac} < 0 for multicast. */
    static void write(ByteBuf f, PortState op, Neighbor n, long unicastMac) {
        int e = f.writerIndex();
        long mac = op.io.mac();
        if (n.isV4()) {
            f.writerIndex(e + Ethernet.LENGTH + Arp.LENGTH);
            Ethernet.dstMac(f, e, unicastMac >= 0 ? unicastMac : MAC_BROADCAST);
            Ethernet.srcMac(f, e, mac);
            Ethernet.type(f, e, Ethernet.TYPE_ARP);
            int a = e + Ethernet.LENGTH;
            f.setShort(a + Arp.HTYPE, 1);
            f.setShort(a + Arp.PTYPE, Ethernet.TYPE_IPV4);
            f.setByte(a + Arp.HLEN, 6);
            f.setByte(a + Arp.PLEN, 4);
            f.setShort(a + Arp.OPER, Arp.REQUEST);
            LocalDelivery.setMac(f, a + Arp.SHA, mac);
            f.setInt(a + Arp.SPA, op.addr4.length > 0 ? op.addr4[0] : 0);
            LocalDelivery.setMac(f, a + Arp.THA, 0);
            f.setInt(a + Arp.TPA, (int) n.lo);
            return;
        }
        int l3 = e + Ethernet.LENGTH;
        f.writerIndex(l3 + Ipv6.LENGTH + 32);
        Ethernet.dstMac(f, e, unicastMac >= 0 ? unicastMac : 0x3333_ff00_0000L | (n.lo & 0xffffff));
        Ethernet.srcMac(f, e, mac);
        Ethernet.type(f, e, Ethernet.TYPE_IPV6);
        Ipv6.versionTcFlow(f, l3, 0, 0);
        Ipv6.payloadLength(f, l3, 32);
        Ipv6.nextHeader(f, l3, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(f, l3, 255);
        if (op.hi6.length > 0 && !PortState.isLinkLocal(n.hi)) {
            Ipv6.src(f, l3, op.hi6[0], op.lo6[0]);
        } else {
            // a link-local target is solicited from the link-local address (RFC 6724 scope rule)
            Ipv6.src(f, l3, op.llHi, op.llLo);
        }
        if (unicastMac >= 0) {
            Ipv6.dst(f, l3, n.hi, n.lo);
        } else {
            Ipv6.dst(f, l3, 0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (n.lo & 0xffffff));
        }
        int icmp = l3 + Ipv6.LENGTH;
        f.setInt(icmp, Icmp6.NEIGHBOR_SOLICITATION << 24);
        f.setInt(icmp + 4, 0);
        f.setLong(icmp + 8, n.hi);
        f.setLong(icmp + 16, n.lo);
        f.setByte(icmp + 24, Icmp6.OPT_SOURCE_LLADDR);
        f.setByte(icmp + 25, 1);
        LocalDelivery.setMac(f, icmp + 26, mac);
        Icmp6.updateChecksum(f, l3, icmp, 32);
    }

    /** @return whether a sender's MAC may be learnt: not all-zero, not broadcast, not multicast (I/G bit) */
    static boolean unicastMac(long mac) {
        return mac != 0 && (mac & 0x0100_0000_0000L) == 0;
    }
}
