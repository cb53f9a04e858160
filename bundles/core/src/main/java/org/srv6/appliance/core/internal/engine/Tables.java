package org.srv6.appliance.core.internal.engine;

import org.srv6.appliance.core.internal.fib.Fib4;
import org.srv6.appliance.core.internal.fib.Fib6;

/**
 * An immutable snapshot of everything the event loops read per packet: ports by index and the
 * FIBs by table id, and the HMAC keys. The control plane builds a new one and publishes it through a volatile
 * field; the loops read it once per frame. Table ids are few, so a linear scan of an int array
 * finds a table without boxing.
 */
public final class Tables {
    public static final int MAIN = 254;
    public static final int LOCAL = 255;

    final PortState[] ports;
    final int[] ids6;
    final Fib6<Route>[] fibs6;
    final int[] ids4;
    final Fib4<Route>[] fibs4;
    /** The HMAC keys SIDs verify arriving SRHs with ({@code ip sr hmac set}, {@code ip sr hmac policy}). */
    final HmacKeys hmacKeys;

    public Tables(PortState[] ports, int[] ids6, Fib6<Route>[] fibs6, int[] ids4, Fib4<Route>[] fibs4) {
        this(ports, ids6, fibs6, ids4, fibs4, HmacKeys.NONE);
    }

    public Tables(PortState[] ports, int[] ids6, Fib6<Route>[] fibs6, int[] ids4, Fib4<Route>[] fibs4,
            HmacKeys hmacKeys) {
        this.ports = ports;
        this.ids6 = ids6;
        this.fibs6 = fibs6;
        this.ids4 = ids4;
        this.fibs4 = fibs4;
        this.hmacKeys = hmacKeys;
    }

    public PortState port(int index) {
        return index >= 0 && index < ports.length ? ports[index] : null;
    }

    Fib6<Route> fib6(int table) {
        int[] ids = ids6;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == table) {
                return fibs6[i];
            }
        }
        return null;
    }

    Fib4<Route> fib4(int table) {
        int[] ids = ids4;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == table) {
                return fibs4[i];
            }
        }
        return null;
    }

    /** Like Linux's default rules: the local table first, then {@code table}. */
    public Route lookup6(int table, long hi, long lo) {
        Fib6<Route> local = fib6(LOCAL);
        if (local != null) {
            Route r = local.lookup(hi, lo);
            if (r != null) {
                return r;
            }
        }
        if (table == LOCAL) {
            return null;
        }
        Fib6<Route> f = fib6(table);
        return f == null ? null : f.lookup(hi, lo);
    }

    public Route lookup4(int table, int addr) {
        Fib4<Route> local = fib4(LOCAL);
        if (local != null) {
            Route r = local.lookup(addr);
            if (r != null) {
                return r;
            }
        }
        if (table == LOCAL) {
            return null;
        }
        Fib4<Route> f = fib4(table);
        return f == null ? null : f.lookup(addr);
    }
}
