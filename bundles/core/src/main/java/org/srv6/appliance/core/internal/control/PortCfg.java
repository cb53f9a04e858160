package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.List;

import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.RateLimiter;

/**
 * Owns what is configured on one port: its I/O port, its addresses, the table its input is looked
 * up in, HMAC policy, ICMP budget and steering.
 */
final class PortCfg {
    private static final int ICMP_RATE = Integer.getInteger("srv6.icmp.rate", 100);

    final IoPort io;
    final String type;
    final int queues;
    boolean macSet;
    final List<Prefixes.Addr> addrs = new ArrayList<>();
    /** The texts of the addresses a control plane owns ({@code AddressService.add(port, cidr, proto)}): not saved. */
    final java.util.Set<String> learnt = new java.util.HashSet<>();
    /** Table of plain IP input ({@code ip link set NAME vrf T}). */
    int table = Tables.MAIN;
    int hmacPolicy;
    final RateLimiter icmp = new RateLimiter(ICMP_RATE);
    Route steer;

    PortCfg(IoPort io, String type, int queues) {
        this.io = io;
        this.type = type;
        this.queues = queues;
    }

    String name() {
        return io.name();
    }

    int index() {
        return io.index();
    }

    /** Only TAP and packet ports are saved: memory and pcap ports belong to the tests and tools that made them. */
    boolean persistent() {
        return type.equals("tap") || type.equals("packet");
    }
}
