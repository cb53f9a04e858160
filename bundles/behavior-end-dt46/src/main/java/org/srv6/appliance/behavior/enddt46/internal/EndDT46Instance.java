package org.srv6.appliance.behavior.enddt46.internal;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Decapsulation;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/** One End.DT46 SID: its table, and which inner families it takes. */
final class EndDT46Instance implements BehaviorInstance {
    private final int table;
    private final boolean ipv6;
    private final boolean ipv4;

    EndDT46Instance(int table, boolean ipv6, boolean ipv4) {
        this.table = table;
        this.ipv6 = ipv6;
        this.ipv4 = ipv4;
    }

    /** RFC 8986 §4.8: decapsulate and look the inner packet up in the table (see {@link Decapsulation#toTable}). */
    @Override
    public Verdict process(PacketContext ctx) {
        return Decapsulation.toTable(ctx, table, ipv6, ipv4);
    }
}
