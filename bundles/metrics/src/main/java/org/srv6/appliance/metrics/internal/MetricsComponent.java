package org.srv6.appliance.metrics.internal;

import java.io.IOException;
import java.net.InetAddress;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.SrService;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The Prometheus endpoint: when the framework property {@code srv6.metrics.address}
 * ({@code HOST:PORT}) is set, an HTTP server there answers {@code /metrics} in the Prometheus text
 * format, read from the core's services at each scrape. Unset: no socket. A bad value or a port
 * that cannot be bound: one log line, and the appliance runs on without it.
 */
@Component(immediate = true, service = {})
public final class MetricsComponent implements MultiCollector {
    static final String PROPERTY = "srv6.metrics.address";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Counters counters;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PortService ports;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SrService sr;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LoggerFactory logs;

    private final LoopBusy busy = new LoopBusy();
    private HTTPServer server;

    @Activate
    void activate(BundleContext bc) {
        String value = bc.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return;
        }
        MetricsAddress address;
        try {
            address = MetricsAddress.parse(value);
        } catch (IllegalArgumentException e) {
            warn(PROPERTY + "=" + value + ": " + e.getMessage() + "; metrics are off");
            return;
        }
        Counters c = counters;
        if (c != null) {
            busy.ratios(c.loopBusyNanos()); // the first scrape's ratio starts from here, not from the boot
        }
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(MetricsComponent.class.getClassLoader());
        try {
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(this);
            server = HTTPServer.builder().inetAddress(InetAddress.getByName(address.host())).port(address.port())
                    .registry(registry).buildAndStart();
            info("metrics at http://" + value.trim() + "/metrics");
        } catch (IOException | RuntimeException e) {
            warn(PROPERTY + "=" + value + ": cannot listen: " + e.getMessage() + "; metrics are off");
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Deactivate
    void deactivate() {
        HTTPServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public MetricSnapshots collect() {
        return new Scrape(counters, ports, sr, busy).collect();
    }

    private void info(String message) {
        LoggerFactory f = logs;
        if (f != null) {
            f.getLogger("org.srv6.appliance.metrics").info(message);
        } else {
            System.err.println("srv6-metrics: INFO " + message);
        }
    }

    private void warn(String message) {
        LoggerFactory f = logs;
        if (f != null) {
            Logger l = f.getLogger("org.srv6.appliance.metrics");
            l.warn(message);
        } else {
            System.err.println("srv6-metrics: WARN " + message);
        }
    }
}
