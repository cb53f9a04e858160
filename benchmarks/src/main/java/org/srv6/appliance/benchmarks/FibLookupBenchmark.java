package org.srv6.appliance.benchmarks;

import java.util.SplittableRandom;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.srv6.appliance.core.internal.fib.Fib6;

/** ns per IPv6 longest-prefix lookup in the core's Fib6 with 10, 10k and 1M routes of mixed lengths. */
@Fork(value = 1, jvmArgs = "-Xmx2g")
public class FibLookupBenchmark extends NsPerOperation {
    private static final int[] LENGTHS = {32, 48, 56, 64, 96, 128};

    @Param({"10", "10000", "1000000"})
    public int routes;

    private Fib6<Integer> fib;
    private long[] hi;
    private long[] lo;
    private int i;

    @Setup
    public void setup() {
        fib = new Fib6<>();
        SplittableRandom r = new SplittableRandom(8986);
        hi = new long[4096];
        lo = new long[4096];
        for (int n = 0; n < routes; n++) {
            long h = 0xfc00000000000000L | (r.nextLong() & 0x0000ffffffffffffL);
            long l = r.nextLong();
            int len = LENGTHS[n % LENGTHS.length];
            fib.add(Fib6.maskHi(h, len), Fib6.maskLo(l, len), len, n);
            if (n < hi.length) {
                hi[n] = h;
                lo[n] = l;
            }
        }
        for (int n = Math.min(routes, hi.length); n < hi.length; n++) {
            hi[n] = hi[n % routes];
            lo[n] = lo[n % routes];
        }
    }

    @Benchmark
    public Integer lookup() {
        int k = i++ & (hi.length - 1);
        return fib.lookup(hi[k], lo[k]);
    }
}
