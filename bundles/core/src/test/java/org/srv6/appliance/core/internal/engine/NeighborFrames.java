package org.srv6.appliance.core.internal.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.srv6.appliance.api.packet.Arp;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv6;

/** NDP and ARP frames as a neighbor sends them, and a packet to forward, for the neighbor tests. */
final class NeighborFrames {
    private NeighborFrames() {
    }

    static byte[] ip(String a) {
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }

    static long hi(String a) {
        return Unpooled.wrappedBuffer(ip(a)).getLong(0);
    }

    static long lo(String a) {
        return Unpooled.wrappedBuffer(ip(a)).getLong(8);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    /** An ICMPv6 NDP message (hop limit 255): type, 4-octet flags word, target, optional link-layer option. */
    private static byte[] ndp(long ethDst, long ethSrc, String src, String dst, int type, int flags, String target,
            int option, long optMac) {
        int len = 24 + (option > 0 ? 8 : 0);
        ByteBuf b = Unpooled.buffer(Ethernet.LENGTH + Ipv6.LENGTH + len);
        b.writerIndex(Ethernet.LENGTH + Ipv6.LENGTH + len);
        Ethernet.dstMac(b, 0, ethDst);
        Ethernet.srcMac(b, 0, ethSrc);
        Ethernet.type(b, 0, Ethernet.TYPE_IPV6);
        int l3 = Ethernet.LENGTH;
        Ipv6.versionTcFlow(b, l3, 0, 0);
        Ipv6.payloadLength(b, l3, len);
        Ipv6.nextHeader(b, l3, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(b, l3, 255);
        Ipv6.src(b, l3, hi(src), lo(src));
        Ipv6.dst(b, l3, hi(dst), lo(dst));
        int icmp = l3 + Ipv6.LENGTH;
        b.setInt(icmp, type << 24);
        b.setInt(icmp + 4, flags << 24);
        b.setLong(icmp + 8, hi(target));
        b.setLong(icmp + 16, lo(target));
        if (option > 0) {
            b.setByte(icmp + 24, option);
            b.setByte(icmp + 25, 1);
            LocalDelivery.setMac(b, icmp + 26, optMac);
        }
        Icmp6.updateChecksum(b, l3, icmp, len);
        return bytes(b);
    }

    /** A Neighbor Solicitation for {@code target} to its solicited-node group, with a source link-layer option unless {@code sll} < 0. */
    static byte[] ns(long ethSrc, String src, String target, long sll) {
        long lo = lo(target);
        String group = String.format("ff02::1:ff%02x:%04x", (lo >>> 16) & 0xff, lo & 0xffff);
        return ndp(0x3333_ff00_0000L | (lo & 0xffffff), ethSrc, src, group, Icmp6.NEIGHBOR_SOLICITATION, 0, target,
                sll < 0 ? 0 : Icmp6.OPT_SOURCE_LLADDR, sll);
    }

    /** A Neighbor Advertisement from {@code target} (MAC {@code mac}) to {@code dst}, flags as in the message (S 0x40, O 0x20). */
    static byte[] na(long ethDst, long mac, String target, String dst, int flags) {
        return ndp(ethDst, mac, target, dst, Icmp6.NEIGHBOR_ADVERTISEMENT, flags, target, Icmp6.OPT_TARGET_LLADDR, mac);
    }

    /** An ARP packet (operation 1 request, 2 reply) from {@code ethSrc}. */
    static byte[] arp(long ethDst, long ethSrc, int op, long sha, String spa, long tha, String tpa) {
        ByteBuf b = Unpooled.buffer(Ethernet.LENGTH + Arp.LENGTH);
        b.writerIndex(Ethernet.LENGTH + Arp.LENGTH);
        Ethernet.dstMac(b, 0, ethDst);
        Ethernet.srcMac(b, 0, ethSrc);
        Ethernet.type(b, 0, Ethernet.TYPE_ARP);
        int a = Ethernet.LENGTH;
        b.setShort(a + Arp.HTYPE, 1);
        b.setShort(a + Arp.PTYPE, Ethernet.TYPE_IPV4);
        b.setByte(a + Arp.HLEN, 6);
        b.setByte(a + Arp.PLEN, 4);
        b.setShort(a + Arp.OPER, op);
        LocalDelivery.setMac(b, a + Arp.SHA, sha);
        b.setBytes(a + Arp.SPA, ip(spa));
        LocalDelivery.setMac(b, a + Arp.THA, tha);
        b.setBytes(a + Arp.TPA, ip(tpa));
        return bytes(b);
    }

    /** An IPv6 packet without upper layer (next header 59) from {@code src} to {@code dst}. */
    static byte[] ipv6(long ethDst, long ethSrc, String src, String dst) {
        ByteBuf b = Unpooled.buffer(Ethernet.LENGTH + Ipv6.LENGTH + 8);
        b.writerIndex(Ethernet.LENGTH + Ipv6.LENGTH + 8);
        Ethernet.dstMac(b, 0, ethDst);
        Ethernet.srcMac(b, 0, ethSrc);
        Ethernet.type(b, 0, Ethernet.TYPE_IPV6);
        int l3 = Ethernet.LENGTH;
        Ipv6.versionTcFlow(b, l3, 0, 0);
        Ipv6.payloadLength(b, l3, 8);
        Ipv6.nextHeader(b, l3, 59);
        Ipv6.hopLimit(b, l3, 64);
        Ipv6.src(b, l3, hi(src), lo(src));
        Ipv6.dst(b, l3, hi(dst), lo(dst));
        return bytes(b);
    }
}
