package org.srv6.appliance.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.behavior.end.internal.EndBehavior;
import org.srv6.appliance.core.internal.Dataplane;
import org.srv6.appliance.core.internal.control.Provider;

/**
 * Figures for a large table, in one process against the core's {@code Dataplane} (no shell, no
 * OSGi): boot replay and batch load of N IPv6 routes and S End SIDs in routes/s, the latency of
 * one {@code ip route add} at that size, heap and process RSS per route, and whether a flow
 * through two memory ports kept being forwarded during the loads. Prints figures; asserts nothing.
 *
 * <p>usage: {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar org.srv6.appliance.benchmarks.RouteScale [ROUTES [SIDS]]}
 * (root: the routes go on a TAP port, so that they are journaled and saved as the appliance's are)
 */
public final class RouteScale {
    private static final String P0_MAC = "02000000aa00";
    private static final String HOST0_MAC = "020000000002";

    private RouteScale() {
    }

    public static void main(String[] args) throws Exception {
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int sids = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String tap = "rsc" + ProcessHandle.current().pid() % 100000;
        Path dir = Files.createTempDirectory("routescale");
        Path conf = dir.resolve("etc/srv6.conf");
        Files.createDirectories(conf.getParent());
        Path load = dir.resolve("load.conf");
        long lines = write(conf, tap, routes, sids, 0);
        write(load, tap, routes, sids, 1);
        System.out.printf("configuration: %d routes + %d End SIDs on TAP port %s (%d lines)%n", routes, sids, tap, lines);

        long rssBase = rss();
        long heapBase = heap();
        Dataplane dp = new Dataplane(conf, 1);
        try {
            dp.behaviors().addProvider(new Provider("End", "ENDPOINT", new EndBehavior(), 1, 0, 1, "bench.end", "1.0.0"));
            Flow[] flows = new Flow[1];

            // boot replay: the core replays the file through the same executor the shell gives it
            long t0 = System.nanoTime();
            int[] rejected = {0};
            dp.config().replayOnce(new ConfigService.LineExecutor() {
                @Override
                public String execute(String line) {
                    if (flows[0] == null) {
                        // the flow's ports come with the first line: a change before the replay would save over the file
                        try {
                            flows[0] = new Flow(dp);
                        } catch (DataplaneException e) {
                            throw new IllegalStateException(e);
                        }
                        flows[0].start();
                    }
                    String e = apply(dp, line);
                    if (e != null && rejected[0]++ < 5) {
                        System.out.println("  rejected: " + line + ": " + e);
                    }
                    return e;
                }
            });
            double replay = (System.nanoTime() - t0) / 1e9;
            System.out.printf("boot replay: %d lines in %.2f s = %.0f routes/s (%d rejected)%n", lines, replay,
                    (routes + sids) / replay, rejected[0]);
            Flow flow = flows[0];
            flow.report("during boot replay");

            long heap = heap();
            long rss = rss();
            System.out.printf("memory at %d routes: heap %.0f B/route, RSS %.0f B/route (heap %d MB of %d MB committed, RSS %d MB)%n",
                    routes + sids, (double) (heap - heapBase) / (routes + sids), (double) (rss - rssBase) / (routes + sids),
                    heap >> 20, Runtime.getRuntime().totalMemory() >> 20, rss >> 20);

            // single adds at full size, journaled as typed at the shell
            long[] ns = new long[2000];
            for (int i = 0; i < ns.length; i++) {
                String line = "ip -6 route add 2001:db9:" + Integer.toHexString(i) + "::/48 via fe80::1 dev " + tap;
                long s = System.nanoTime();
                String e = apply(dp, line);
                ns[i] = System.nanoTime() - s;
                if (e != null) {
                    throw new IllegalStateException(line + ": " + e);
                }
            }
            Arrays.sort(ns);
            System.out.printf("single ip route add at %d routes: median %.1f us, p99 %.1f us, max %.1f us%n",
                    routes + sids, ns[ns.length / 2] / 1e3, ns[ns.length * 99 / 100] / 1e3, ns[ns.length - 1] / 1e3);

            // batch load of a second file of the same size (other prefixes), as srv6:config load does
            flow.reset();
            t0 = System.nanoTime();
            int n = load(dp, load);
            double loadS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("config load: %d lines in %.2f s = %.0f routes/s%n", n, loadS, (routes + sids) / loadS);
            flow.report("during config load");
            heap = heap();
            rss = rss();
            System.out.printf("memory at %d routes: heap %.0f B/route, RSS %.0f B/route (heap %d MB, RSS %d MB)%n",
                    2L * (routes + sids), (double) (heap - heapBase) / (2L * (routes + sids)),
                    (double) (rss - rssBase) / (2L * (routes + sids)), heap >> 20, rss >> 20);
            flow.stop();
        } finally {
            long t0 = System.nanoTime();
            dp.close();
            System.out.printf("close (configuration written once): %.2f s, %d MB on disk%n",
                    (System.nanoTime() - t0) / 1e9, Files.size(conf) >> 20);
            try (var s = Files.walk(dir)) {
                s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Applies a file's lines as one batch, as {@code srv6:config load} does; @return the number of lines */
    private static int load(Dataplane dp, Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        dp.config().batch(() -> {
            int k = 0;
            for (String line : lines) {
                k++;
                String e = apply(dp, line);
                if (e != null) {
                    throw new IllegalStateException(file + " line " + k + ": " + e);
                }
            }
        });
        return lines.size();
    }

    /** Runs one route line through the shared grammar into the route service, as the shell does. */
    static String apply(Dataplane dp, String line) {
        List<String> w = RouteGrammar.words(line);
        try {
            if (w.get(1).equals("link")) {
                dp.ports().addTap(w.get(3), 1);
                return null;
            }
            if (!w.get(2).equals("route") || !w.get(3).equals("add")) {
                return "not a route line";
            }
            RouteSpec spec = RouteGrammar.parse(w.subList(4, w.size()), w.get(1).equals("-6") ? 6 : 4);
            dp.routes().add(spec);
            return null;
        } catch (DataplaneException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The file: the TAP port (boot only), then the routes, then the SIDs; {@code part} picks other prefixes. */
    private static long write(Path file, String tap, int routes, int sids, int part) throws IOException {
        long n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (part == 0) {
                w.write("ip link add " + tap + " type tap\n");
                n++;
            }
            for (int i = 0; i < routes; i++) {
                w.write("ip -6 route add 2001:" + Integer.toHexString(0x1000 + part) + ":" + Integer.toHexString(i >>> 16)
                        + ":" + Integer.toHexString(i & 0xffff) + "::/64 via fe80::1 dev " + tap + "\n");
                n++;
            }
            for (int i = 0; i < sids; i++) {
                w.write("ip -6 route add fc00:" + Integer.toHexString(0x100 + part) + "::" + Integer.toHexString(i >>> 16)
                        + ":" + Integer.toHexString(i & 0xffff) + "/128 encap seg6local action End dev " + tap + "\n");
                n++;
            }
        }
        return n;
    }

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** The process's resident set in bytes (VmRSS). */
    static long rss() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /**
     * A flow from a host on memory port p0 to a host on p1, sent at about 10k frames/s while the
     * table is loaded: what comes out of p1 says whether forwarding went on.
     */
    static final class Flow {
        private final MemoryPort in;
        private final MemoryPort out;
        private final AtomicBoolean run = new AtomicBoolean(true);
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong longestGapNanos = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private final byte[] frame;

        Flow(Dataplane dp) throws DataplaneException {
            in = dp.ports().addMemory("p0");
            out = dp.ports().addMemory("p1");
            dp.ports().setMac("p0", "02:00:00:00:aa:00");
            dp.ports().setMac("p1", "02:00:00:00:aa:01");
            dp.addresses().add("p0", "2001:db8::1/64");
            dp.addresses().add("p1", "2001:db8:1::1/64");
            dp.neighbors().add("2001:db8:1::2", "02:00:00:00:01:02", "p1");
            // IPv6 with no next header, 2001:db8::2 -> 2001:db8:1::2, hop limit 64
            frame = HexFormat.of().parseHex(P0_MAC + HOST0_MAC + "86dd" + "60000000" + "0000" + "3b" + "40"
                    + "20010db8000000000000000000000002" + "20010db8000100000000000000000002");
        }

        void start() {
            threads.add(new Thread(() -> {
                while (run.get()) {
                    in.inject(frame);
                    sent.incrementAndGet();
                    try {
                        Thread.sleep(0, 100_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "flow-send"));
            threads.add(new Thread(() -> {
                long last = System.nanoTime();
                while (run.get()) {
                    try {
                        if (out.poll(100) != null) {
                            long now = System.nanoTime();
                            longestGapNanos.accumulateAndGet(now - last, Math::max);
                            last = now;
                            received.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "flow-receive"));
            threads.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
        }

        void reset() {
            sent.set(0);
            received.set(0);
            longestGapNanos.set(0);
        }

        void report(String when) {
            System.out.printf("forwarding %s: %d of %d frames forwarded, longest gap %.1f ms%n", when,
                    received.get(), sent.get(), longestGapNanos.get() / 1e6);
        }

        void stop() throws InterruptedException {
            run.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
