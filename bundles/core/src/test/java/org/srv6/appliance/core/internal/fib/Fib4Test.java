package org.srv6.appliance.core.internal.fib;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.junit.Test;

public class Fib4Test {

    private static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    @Test
    public void longestPrefixWins() {
        Fib4<String> f = new Fib4<>();
        f.add(ip(10, 0, 0, 0), 8, "10/8");
        f.add(ip(10, 1, 0, 0), 16, "10.1/16");
        f.add(ip(10, 1, 2, 3), 32, "host");
        assertEquals("host", f.lookup(ip(10, 1, 2, 3)));
        assertEquals("10.1/16", f.lookup(ip(10, 1, 2, 4)));
        assertEquals("10/8", f.lookup(ip(10, 200, 0, 1)));
        assertNull(f.lookup(ip(192, 168, 0, 1)));
        f.add(0, 0, "default");
        assertEquals("default", f.lookup(ip(192, 168, 0, 1)));
        assertEquals("10.1/16", f.remove(ip(10, 1, 9, 9), 16));
        assertEquals("10/8", f.lookup(ip(10, 1, 2, 4)));
    }
}
