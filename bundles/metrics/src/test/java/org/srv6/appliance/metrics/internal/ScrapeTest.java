package org.srv6.appliance.metrics.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.api.dataplane.SrService;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

public class ScrapeTest {

    static final List<SidInfo> SIDS = List.of(
            new SidInfo("fc00::1", 254, "End", "", true, 10, 1000, 1),
            new SidInfo("fc00::2", 100, "End.AM", "oif s0 iif s1", true, 7, 700, 0, true, 5, 500, 2, null),
            new SidInfo("fc00::3", 254, "End.X", "nh6 fc00::9 oif p0", false, 0, 0, 4));

    static final Counters COUNTERS = new Counters() {
        @Override
        public Map<String, Long> drops() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("no-route", 3L);
            m.put("behavior-absent", 4L);
            return m;
        }

        @Override
        public Map<String, Long> neighbors() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("entries", 6L);
            m.put("refused", 1L);
            return m;
        }

        @Override
        public long[] loopBusyNanos() {
            return new long[] {1_500_000_000L, 0};
        }

        @Override
        public long rxPackets() {
            return 42;
        }

        @Override
        public long buffersHeld() {
            return 2;
        }
    };

    static PortService ports() {
        return (PortService) Proxy.newProxyInstance(ScrapeTest.class.getClassLoader(), new Class<?>[] {PortService.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "list" -> List.of(new PortInfo(1, "p0", "tap", "02:00:00:00:00:01", 1500, true, 1));
                    case "counters" -> new PortCounters("p0", 11, 1100, 12, 1200, 1, 2);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static SrService sr() {
        return (SrService) Proxy.newProxyInstance(ScrapeTest.class.getClassLoader(), new Class<?>[] {SrService.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "sids" -> SIDS;
                    case "behaviors" -> List.of(
                            new BehaviorInfo("End", "ENDPOINT", 20, "srv6-behavior-end", "0.1.0", "", "", List.of("fc00::1")),
                            new BehaviorInfo("End.AM", "ENDPOINT", 21, "srv6-behavior-end-am", "0.1.0", "", "", List.of()));
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static String text(Scrape s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, s.collect(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void everyFamilyWithTheKernelsSidCounterNames() throws IOException {
        String t = text(new Scrape(COUNTERS, ports(), sr(), new LoopBusy(() -> 0L)));
        for (String line : List.of(
                "srv6_port_rx_packets_total{port=\"p0\"} 11.0",
                "srv6_port_rx_bytes_total{port=\"p0\"} 1100.0",
                "srv6_port_tx_packets_total{port=\"p0\"} 12.0",
                "srv6_port_tx_bytes_total{port=\"p0\"} 1200.0",
                "srv6_port_rx_dropped_total{port=\"p0\"} 1.0",
                "srv6_port_tx_dropped_total{port=\"p0\"} 2.0",
                "srv6_port_up{port=\"p0\"} 1.0",
                "srv6_sid_packets_total{behavior=\"End\",sid=\"fc00::1\",table=\"main\"} 10.0",
                "srv6_sid_bytes_total{behavior=\"End\",sid=\"fc00::1\",table=\"main\"} 1000.0",
                "srv6_sid_errors_total{behavior=\"End\",sid=\"fc00::1\",table=\"main\"} 1.0",
                "srv6_sid_active{behavior=\"End\",sid=\"fc00::1\",table=\"main\"} 1.0",
                "srv6_sid_packets_total{behavior=\"End.AM\",direction=\"to-service\",sid=\"fc00::2\",table=\"100\"} 7.0",
                "srv6_sid_packets_total{behavior=\"End.AM\",direction=\"from-service\",sid=\"fc00::2\",table=\"100\"} 5.0",
                "srv6_sid_bytes_total{behavior=\"End.AM\",direction=\"from-service\",sid=\"fc00::2\",table=\"100\"} 500.0",
                "srv6_sid_errors_total{behavior=\"End.AM\",direction=\"from-service\",sid=\"fc00::2\",table=\"100\"} 2.0",
                "srv6_sid_errors_total{behavior=\"End.X\",sid=\"fc00::3\",table=\"main\"} 4.0",
                "srv6_sid_active{behavior=\"End.X\",sid=\"fc00::3\",table=\"main\"} 0.0",
                "srv6_behavior_up{behavior=\"End\",bundle=\"srv6-behavior-end\",version=\"0.1.0\"} 1.0",
                "srv6_behavior_up{behavior=\"End.X\",bundle=\"\",version=\"\"} 0.0",
                "srv6_drops_total{reason=\"no-route\"} 3.0",
                "srv6_drops_total{reason=\"behavior-absent\"} 4.0",
                "srv6_neighbor_entries 6.0",
                "srv6_neighbor_events_total{event=\"refused\"} 1.0",
                "srv6_rx_packets_total 42.0",
                "srv6_buffers_held 2.0",
                "srv6_loop_busy_seconds_total{loop=\"0\"} 1.5",
                "srv6_loop_busy_seconds_total{loop=\"1\"} 0.0",
                "srv6_loop_busy_ratio{loop=\"0\"} 0.0",
                "# TYPE srv6_sid_packets_total counter",
                "# TYPE srv6_neighbor_entries gauge")) {
            assertTrue(line + " not in\n" + t, t.contains("\n" + line + "\n"));
        }
        // a proxy SID has only its two directions, never a series without one
        assertFalse(t, t.contains("srv6_sid_packets_total{behavior=\"End.AM\",sid="));
    }

    @Test
    public void absentServicesLeaveTheirFamiliesOut() throws IOException {
        String t = text(new Scrape(null, null, null, null));
        assertEquals("", t.trim());
        t = text(new Scrape(COUNTERS, null, null, null));
        assertTrue(t, t.contains("srv6_drops_total"));
        assertFalse(t, t.contains("srv6_port_"));
        assertFalse(t, t.contains("srv6_loop_busy_ratio"));
    }

    @Test
    public void busyRatioIsTheBusyGrowthOverTheWallTimeBetweenReads() {
        long[] now = {1_000};
        LoopBusy b = new LoopBusy(() -> now[0]);
        now[0] += 1_000;
        assertArrayEquals(new double[] {0.25, 1.0}, b.ratios(new long[] {250, 5_000}), 1e-9);
        now[0] += 2_000;
        assertArrayEquals(new double[] {0.5, 0.0}, b.ratios(new long[] {1_250, 5_000}), 1e-9);
        assertArrayEquals(new double[] {0.0, 0.0}, b.ratios(new long[] {1_250, 5_000}), 1e-9); // no time passed
    }

    @Test
    public void addressIsHostColonPort() {
        assertEquals(new MetricsAddress("127.0.0.1", 9464), MetricsAddress.parse(" 127.0.0.1:9464 "));
        assertEquals(new MetricsAddress("::1", 9464), MetricsAddress.parse("[::1]:9464"));
        assertEquals(new MetricsAddress("localhost", 1), MetricsAddress.parse("localhost:1"));
        for (String[] bad : new String[][] {
            {"9464", "expected HOST:PORT, e.g. 127.0.0.1:9464"},
            {":9464", "expected HOST:PORT, e.g. 127.0.0.1:9464"},
            {"127.0.0.1:", "expected HOST:PORT, e.g. 127.0.0.1:9464"},
            {"[]:9464", "expected HOST:PORT, e.g. 127.0.0.1:9464"},
            {"::1:9464", "an IPv6 address goes in brackets: [ADDR]:PORT"},
            {"127.0.0.1:http", "port 'http' is not a number"},
            {"127.0.0.1:0", "port 0 is not in 1..65535"},
            {"127.0.0.1:65536", "port 65536 is not in 1..65535"}}) {
            try {
                MetricsAddress.parse(bad[0]);
                throw new AssertionError(bad[0] + " accepted");
            } catch (IllegalArgumentException e) {
                assertEquals(bad[0], bad[1], e.getMessage());
            }
        }
    }
}
