package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The Prometheus endpoint of the built distribution ({@code srv6.metrics.address} in the home's
 * etc/srv6.properties), scraped with {@code curl} inside the appliance's namespace while H1 pings
 * H2 through an End SID of the appliance (H1 inserts the SRH with kernel seg6 inline): the scrape
 * passes {@code promtool check metrics}, and once the traffic has stopped its counters are the
 * ones {@code srv6:stats} and {@code srv6:sids} print at the same moment. Without the property
 * nothing listens; with a bad value the appliance boots, logs one line and listens nowhere.
 */
public class ApplianceMetricsIT {

    static final String SID = "fc00:100::1";
    static final String ADDRESS = "127.0.0.1:9464";
    static final int PINGS = 300;

    private static ApplianceTopology topo;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            topo = new ApplianceTopology("mt", true, home -> property(home, "srv6.metrics.address=" + ADDRESS));
            topo.app.ok("ip -6 route add " + SID + "/128 encap seg6local action End dev r1");
            topo.h1.sh("ip -6 route add fc00:100::/64 via fc00:12::2 dev r1"
                    + " && ip -6 route add fc00:23::3/128 encap seg6 mode inline segs " + SID + " dev r1");
            topo.h2.sh("ip -6 route add fc00:12::/64 via fc00:23::2 dev r2");
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(topo);
        topo = null;
    }

    @Test
    public void scrapeUnderTrafficPassesPromtoolAndMatchesTheShellOnceTrafficStops() throws Exception {
        long sidBefore = sidRow(topo.app.ok("srv6:sids"))[0];
        Process ping = new ProcessBuilder("ip", "netns", "exec", topo.h1.name(), "ping", "-6", "-q", "-i", "0.01",
                "-c", Integer.toString(PINGS), "-W", "2", "fc00:23::3").redirectErrorStream(true).start();
        try {
            // under traffic: wait until the SID has counted some of it, then scrape
            String during = null;
            for (int i = 0; i < 100 && during == null; i++) {
                String s = scrape(topo.r);
                double v = value(s, "srv6_sid_packets_total", Map.of("sid", SID, "behavior", "End", "table", "main"));
                if (v > sidBefore && v < sidBefore + PINGS) {
                    during = s;
                } else {
                    Thread.sleep(50);
                }
            }
            assertNotNull("no scrape while the pings were going through the SID", during);
            promtool(during);
        } finally {
            assertTrue("ping did not end", ping.waitFor(60, TimeUnit.SECONDS));
        }
        String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("ping through the End SID: " + pingOut, 0, ping.exitValue());

        // traffic stopped: the shell, the scrape, the shell again; equal when nothing moved between
        String stats = null;
        String sids = null;
        String metrics = null;
        for (int i = 0; i < 20; i++) {
            String s1 = topo.app.ok("srv6:stats") + topo.app.ok("srv6:sids");
            String m = scrape(topo.r);
            String s2 = topo.app.ok("srv6:stats");
            String s3 = topo.app.ok("srv6:sids");
            if (s1.equals(s2 + s3)) {
                stats = s2;
                sids = s3;
                metrics = m;
                break;
            }
            Thread.sleep(200);
        }
        assertNotNull("srv6:stats kept changing after the traffic stopped", metrics);
        promtool(metrics);

        // ports
        Map<String, long[]> ports = portRows(stats);
        assertEquals(ports.keySet(), Map.of("r1", 0, "r2", 0).keySet());
        String[] names = {"srv6_port_rx_packets_total", "srv6_port_rx_bytes_total", "srv6_port_tx_packets_total",
            "srv6_port_tx_bytes_total", "srv6_port_rx_dropped_total", "srv6_port_tx_dropped_total"};
        for (Map.Entry<String, long[]> p : ports.entrySet()) {
            for (int k = 0; k < names.length; k++) {
                assertEquals(names[k] + " of " + p.getKey() + "\n" + stats + "\n" + metrics, p.getValue()[k],
                        (long) value(metrics, names[k], Map.of("port", p.getKey())));
            }
        }
        assertTrue("r1 received the pings: " + stats, ports.get("r1")[0] >= PINGS);
        assertTrue("r2 sent the pings: " + stats, ports.get("r2")[2] >= PINGS);

        // drops by reason: every reason srv6:stats prints, with its value
        Map<String, Long> drops = ApplianceTopology.parseDrops(stats.substring(stats.indexOf("drops:")));
        drops.keySet().retainAll(labelValues(metrics, "srv6_drops_total", "reason"));
        assertTrue("no drop reason in the scrape: " + metrics, drops.size() > 20);
        for (Map.Entry<String, Long> d : drops.entrySet()) {
            assertEquals("srv6_drops_total{reason=" + d.getKey() + "}", (long) d.getValue(),
                    (long) value(metrics, "srv6_drops_total", Map.of("reason", d.getKey())));
        }
        assertEquals(0, (long) value(metrics, "srv6_drops_total", Map.of("reason", "no-route")));

        // the SID
        long[] sid = sidRow(sids);
        Map<String, String> labels = Map.of("sid", SID, "behavior", "End", "table", "main");
        assertEquals("packets\n" + sids, sid[0], (long) value(metrics, "srv6_sid_packets_total", labels));
        assertEquals("bytes\n" + sids, sid[1], (long) value(metrics, "srv6_sid_bytes_total", labels));
        assertEquals("errors\n" + sids, sid[2], (long) value(metrics, "srv6_sid_errors_total", labels));
        assertEquals(sidBefore + PINGS, sid[0]);
        assertEquals(1, (long) value(metrics, "srv6_sid_active", labels));

        // the rest is there
        assertEquals(1, (long) value(metrics, "srv6_behavior_up", Map.of("behavior", "End", "bundle", "srv6-behavior-end")));
        assertTrue("the four static entries", value(metrics, "srv6_neighbor_entries", Map.of()) >= 4);
        double ratio = value(metrics, "srv6_loop_busy_ratio", Map.of("loop", "0"));
        assertTrue("busy ratio " + ratio, ratio >= 0 && ratio <= 1);
        assertTrue(value(metrics, "srv6_loop_busy_seconds_total", Map.of("loop", "0")) > 0);

        // the Grafana dashboard in the home asks for these names, in valid PromQL
        dashboard(topo.app.home(), metrics);
    }

    /**
     * The home's grafana/srv6-dashboard.json: every metric name its queries use is in the scrape,
     * and every query is PromQL that {@code promtool check rules} accepts (Grafana's
     * {@code $__rate_interval} taken as 1m).
     */
    static void dashboard(Path home, String metrics) throws IOException {
        String json = Files.readString(home.resolve("grafana/srv6-dashboard.json"));
        Matcher name = Pattern.compile("\\b(srv6_[a-z_]+)").matcher(json);
        int names = 0;
        while (name.find()) {
            names++;
            assertTrue(name.group(1) + " of the dashboard is not in the scrape",
                    metrics.contains("\n" + name.group(1) + "{") || metrics.contains("\n" + name.group(1) + " "));
        }
        assertTrue("no metric in the dashboard", names > 10);
        Matcher expr = Pattern.compile("\"expr\": (\"(?:[^\"\\\\]|\\\\.)*\")").matcher(json);
        StringBuilder rules = new StringBuilder("{\"groups\": [{\"name\": \"dashboard\", \"rules\": [");
        int n = 0;
        while (expr.find()) {
            rules.append(n == 0 ? "" : ", ").append("{\"record\": \"dashboard:query_").append(n++)
                    .append("\", \"expr\": ").append(expr.group(1).replace("$__rate_interval", "1m")).append('}');
        }
        rules.append("]}]}\n");
        assertTrue("no query in the dashboard", n > 10);
        Path f = Files.createTempFile("mt-dashboard-", ".yml");
        try {
            Files.writeString(f, rules);
            Netns.Result r = Netns.run(30, List.of("promtool", "check", "rules", f.toString()));
            assertEquals("promtool check rules: " + r.stdout() + r.stderr() + "\n" + rules, 0, r.exitCode());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** What a Prometheus server asks for: protobuf first with native histograms, else OpenMetrics, else text. */
    @Test
    public void everyFormatAPrometheusServerAsksFor() {
        String[][] cases = {
            {"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                + "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3",
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"},
            {"application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3",
                "application/openmetrics-text; version=1.0.0; charset=utf-8"},
            {"text/plain;version=0.0.4", "text/plain; version=0.0.4; charset=utf-8"}};
        for (String[] c : cases) {
            Netns.Result r = topo.r.exec("curl", "-sS", "--fail", "--max-time", "5", "-o", "/dev/null", "-w",
                    "%{content_type}", "-H", "Accept: " + c[0], "http://" + ADDRESS + "/metrics").check();
            assertEquals(c[0], c[1], r.stdout().trim());
        }
        String om = topo.r.exec("curl", "-sS", "--fail", "--max-time", "5", "-H",
                "Accept: application/openmetrics-text;version=1.0.0", "http://" + ADDRESS + "/metrics").check().stdout();
        assertTrue(om, om.endsWith("# EOF\n") && om.contains("\nsrv6_sid_packets_total{"));
    }

    /** The endpoint goes with its feature and comes back with it, while the appliance runs. */
    @Test
    public void uninstallingTheFeatureClosesTheEndpointAndInstallingOpensIt() throws Exception {
        assertTrue(listeners(topo.r), listeners(topo.r).contains("127.0.0.1]:9464"));
        topo.app.ok("feature:uninstall srv6-metrics");
        try {
            assertEquals("", listeners(topo.r));
        } finally {
            topo.app.ok("feature:install srv6-metrics");
        }
        for (int i = 0; i < 50 && !listeners(topo.r).contains("127.0.0.1]:9464"); i++) {
            Thread.sleep(100);
        }
        assertTrue(listeners(topo.r), listeners(topo.r).contains("127.0.0.1]:9464"));
        String m = scrape(topo.r);
        assertEquals(1, (long) value(m, "srv6_sid_active", Map.of("sid", SID, "behavior", "End", "table", "main")));
    }

    /** The TCP sockets listening in the namespace, one per line ({@code ss -Htln}; the JDK listens on {@code [::ffff:127.0.0.1]:9464}). */
    static String listeners(Netns ns) {
        return ns.exec("ss", "-Htln").check().stdout().trim();
    }

    @Test
    public void offByDefaultNothingListens() throws Exception {
        try (Netns ns = Netns.create("mt", "off"); Appliance a = Appliance.copy(ns)) {
            a.boot();
            assertEquals("", listeners(ns));
            assertFalse(Files.readString(a.home().resolve("var/log/srv6.log")).contains("metrics"));
        }
    }

    @Test
    public void aBadAddressIsOneLogLineAndTheApplianceBoots() throws Exception {
        try (Netns ns = Netns.create("mt", "bad"); Appliance a = Appliance.copy(ns)) {
            property(a.home(), "srv6.metrics.address=127.0.0.1:notaport");
            a.boot();
            a.ok("ip link add mtp0 type tap");
            assertTrue(a.ok("ip link show").contains("mtp0"));
            assertEquals("", listeners(ns));
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(a.home().resolve("var/log/srv6.log"))) {
                if (l.contains("srv6.metrics.address")) {
                    lines.add(l);
                }
            }
            assertEquals(lines.toString(), 1, lines.size());
            assertTrue(lines.get(0), lines.get(0).matches(
                    ".* WARN srv6-metrics: srv6.metrics.address=127.0.0.1:notaport: port 'notaport' is not a number; metrics are off"));
        }
    }

    /** Appends a line to the home's etc/srv6.properties. */
    static void property(Path home, String line) {
        try {
            Files.writeString(home.resolve("etc/srv6.properties"), "\n" + line + "\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code curl} of /metrics inside the appliance's namespace. */
    static String scrape(Netns r) {
        return r.exec("curl", "-sS", "--fail", "--max-time", "5", "http://" + ADDRESS + "/metrics").check().stdout();
    }

    /** {@code promtool check metrics} on the text; fails the test with promtool's words when it objects. */
    static void promtool(String metrics) throws IOException, InterruptedException {
        Path f = Files.createTempFile("mt-scrape-", ".txt");
        try {
            Files.writeString(f, metrics);
            Netns.Result r = Netns.run(30, List.of("sh", "-c", "promtool check metrics < " + f));
            assertEquals("promtool check metrics: " + r.stdout() + r.stderr() + "\n" + metrics, 0, r.exitCode());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The one sample of {@code name} whose labels include {@code labels}; fails when there is not exactly one. */
    static double value(String metrics, String name, Map<String, String> labels) {
        List<Double> found = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name) && labels(m.group(2)).entrySet().containsAll(labels.entrySet())) {
                found.add(Double.parseDouble(m.group(3)));
            }
        }
        assertEquals(name + labels + " in\n" + metrics, 1, found.size());
        return found.get(0);
    }

    /** The values of label {@code label} over the samples of {@code name}. */
    static List<String> labelValues(String metrics, String name, String label) {
        List<String> out = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name)) {
                String v = labels(m.group(2)).get(label);
                if (v != null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new TreeMap<>();
        if (text != null) {
            Matcher m = LABEL.matcher(text);
            while (m.find()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    private static final Pattern PORT_ROW = Pattern.compile("^(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** srv6:stats port rows: name → rx packets, rx bytes, tx packets, tx bytes, rx drop, tx drop. */
    static Map<String, long[]> portRows(String stats) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String line : stats.split("\\R")) {
            Matcher m = PORT_ROW.matcher(line);
            if (m.matches()) {
                long[] v = new long[6];
                for (int k = 0; k < 6; k++) {
                    v[k] = Long.parseLong(m.group(k + 2));
                }
                out.put(m.group(1), v);
            }
        }
        return out;
    }

    private static final Pattern SID_ROW = Pattern.compile(
            "^" + Pattern.quote(SID) + "\\s+End\\s+active\\s+main\\s+\\S+\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** srv6:sids row of the End SID: packets, bytes, drops. */
    static long[] sidRow(String sids) {
        for (String line : sids.split("\\R")) {
            Matcher m = SID_ROW.matcher(line);
            if (m.matches()) {
                return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            }
        }
        throw new AssertionError("no row for " + SID + " in\n" + sids);
    }
}
