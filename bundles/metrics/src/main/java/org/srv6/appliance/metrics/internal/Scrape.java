package org.srv6.appliance.metrics.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.api.dataplane.SrService;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * One scrape: reads the core's services (what {@code srv6:stats}, {@code srv6:sids} and
 * {@code srv6:behaviors} print) and turns them into Prometheus metric families. Nothing here runs
 * on the packet path; a service that is absent (the core stopped) leaves its families out.
 *
 * <p>Counter names are given without {@code _total}: the text format adds it.
 */
final class Scrape {
    private final Counters counters;
    private final PortService ports;
    private final SrService sr;
    private final LoopBusy busy;

    /** Each may be null. */
    Scrape(Counters counters, PortService ports, SrService sr, LoopBusy busy) {
        this.counters = counters;
        this.ports = ports;
        this.sr = sr;
        this.busy = busy;
    }

    MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        if (ports != null) {
            ports(out);
        }
        if (sr != null) {
            sids(out);
            behaviors(out);
        }
        if (counters != null) {
            engine(out);
        }
        return new MetricSnapshots(out);
    }

    private void ports(List<MetricSnapshot> out) {
        Family rxp = new Family("srv6_port_rx_packets", "Packets received on the port");
        Family rxb = new Family("srv6_port_rx_bytes", "Bytes received on the port");
        Family txp = new Family("srv6_port_tx_packets", "Packets sent on the port");
        Family txb = new Family("srv6_port_tx_bytes", "Bytes sent on the port");
        Family rxd = new Family("srv6_port_rx_dropped", "Packets received on the port and dropped");
        Family txd = new Family("srv6_port_tx_dropped", "Packets the port could not send");
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("srv6_port_up")
                .help("1 when the port is administratively up, else 0");
        for (PortInfo p : ports.list()) {
            PortCounters c;
            try {
                c = ports.counters(p.name());
            } catch (DataplaneException e) {
                continue; // deleted since the listing
            }
            Labels l = Labels.of("port", p.name());
            rxp.add(l, c.rxPackets());
            rxb.add(l, c.rxBytes());
            txp.add(l, c.txPackets());
            txb.add(l, c.txBytes());
            rxd.add(l, c.rxDropped());
            txd.add(l, c.txDropped());
            up.dataPoint(gauge(l, p.up() ? 1 : 0));
        }
        out.add(rxp.build());
        out.add(rxb.build());
        out.add(txp.build());
        out.add(txb.build());
        out.add(rxd.build());
        out.add(txd.build());
        out.add(up.build());
    }

    /**
     * The SID table with the kernel's seg6local counter names ({@code packets}, {@code bytes},
     * {@code errors}); a proxy SID has one series per direction ({@code to-service},
     * {@code from-service}).
     */
    private void sids(List<MetricSnapshot> out) {
        Family packets = new Family("srv6_sid_packets", "Packets the SID's behavior processed");
        Family bytes = new Family("srv6_sid_bytes", "Bytes the SID's behavior processed");
        Family errors = new Family("srv6_sid_errors", "Packets dropped at the SID (by its behavior or for its absence)");
        GaugeSnapshot.Builder active = GaugeSnapshot.builder().name("srv6_sid_active")
                .help("1 when the SID has a running instance of its behavior, else 0");
        Set<String> seen = new LinkedHashSet<>();
        for (SidInfo s : sr.sids()) {
            String table = RouteGrammar.tableName(s.table());
            if (!seen.add(s.sid() + " " + table)) {
                continue;
            }
            Labels l = Labels.of("sid", s.sid(), "behavior", s.keyword(), "table", table);
            active.dataPoint(gauge(l, s.active() ? 1 : 0));
            if (s.proxy()) {
                Labels to = l.add("direction", "to-service");
                Labels from = l.add("direction", "from-service");
                packets.add(to, s.packets());
                packets.add(from, s.fromPackets());
                bytes.add(to, s.bytes());
                bytes.add(from, s.fromBytes());
                errors.add(to, s.drops());
                errors.add(from, s.fromDrops());
            } else {
                packets.add(l, s.packets());
                bytes.add(l, s.bytes());
                errors.add(l, s.drops());
            }
        }
        out.add(packets.build());
        out.add(bytes.build());
        out.add(errors.build());
        out.add(active.build());
    }

    /** 1 per installed behavior bundle; 0 for a keyword that SIDs use while no bundle provides it. */
    private void behaviors(List<MetricSnapshot> out) {
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("srv6_behavior_up")
                .help("1 per behavior bundle providing the keyword; 0 when SIDs use a keyword no bundle provides");
        Set<String> provided = new LinkedHashSet<>();
        Set<Labels> seen = new LinkedHashSet<>();
        for (BehaviorInfo b : sr.behaviors()) {
            provided.add(b.keyword());
            Labels l = Labels.of("behavior", b.keyword(), "bundle", b.symbolicName(), "version", b.version());
            if (seen.add(l)) {
                up.dataPoint(gauge(l, 1));
            }
        }
        for (SidInfo s : sr.sids()) {
            if (!provided.contains(s.keyword())) {
                Labels l = Labels.of("behavior", s.keyword(), "bundle", "", "version", "");
                if (seen.add(l)) {
                    up.dataPoint(gauge(l, 0));
                }
            }
        }
        out.add(up.build());
    }

    private void engine(List<MetricSnapshot> out) {
        Family drops = new Family("srv6_drops", "Packets dropped, by reason (srv6:stats)");
        for (Map.Entry<String, Long> e : counters.drops().entrySet()) {
            drops.add(Labels.of("reason", e.getKey()), e.getValue());
        }
        out.add(drops.build());
        Family rx = new Family("srv6_rx_packets", "Packets the appliance received on all ports");
        rx.add(Labels.EMPTY, counters.rxPackets());
        out.add(rx.build());
        out.add(GaugeSnapshot.builder().name("srv6_buffers_held")
                .help("Buffers held by the datapath (frames waiting for a neighbor, captures)")
                .dataPoint(gauge(Labels.EMPTY, counters.buffersHeld())).build());
        Map<String, Long> neigh = new LinkedHashMap<>(counters.neighbors());
        Long entries = neigh.remove("entries");
        if (entries != null) {
            out.add(GaugeSnapshot.builder().name("srv6_neighbor_entries")
                    .help("Entries in the neighbor table (NDP and ARP)").dataPoint(gauge(Labels.EMPTY, entries)).build());
        }
        if (!neigh.isEmpty()) {
            Family events = new Family("srv6_neighbor_events",
                    "Neighbor table events: refused, evicted, collected, unresolved-limited, solicit-rate-limited");
            neigh.forEach((k, v) -> events.add(Labels.of("event", k), v));
            out.add(events.build());
        }
        long[] nanos = counters.loopBusyNanos();
        if (nanos.length > 0) {
            Family seconds = new Family("srv6_loop_busy_seconds",
                    "Seconds the event loop spent processing bursts of received frames");
            GaugeSnapshot.Builder ratio = GaugeSnapshot.builder().name("srv6_loop_busy_ratio")
                    .help("Share of wall time the event loop spent processing since the previous scrape (0..1)");
            double[] r = busy == null ? null : busy.ratios(nanos);
            for (int i = 0; i < nanos.length; i++) {
                Labels l = Labels.of("loop", Integer.toString(i));
                seconds.add(l, nanos[i] / 1e9);
                if (r != null) {
                    ratio.dataPoint(gauge(l, r[i]));
                }
            }
            out.add(seconds.build());
            if (r != null) {
                out.add(ratio.build());
            }
        }
    }

    private static GaugeDataPointSnapshot gauge(Labels l, double v) {
        return GaugeDataPointSnapshot.builder().labels(l).value(v).build();
    }

    /** A counter family being filled. */
    private static final class Family {
        private final CounterSnapshot.Builder b;

        Family(String name, String help) {
            b = CounterSnapshot.builder().name(name).help(help);
        }

        void add(Labels labels, double value) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        CounterSnapshot build() {
            return b.build();
        }
    }
}
