package org.srv6.appliance.shell.internal;

import java.util.Hashtable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.ConfigReplay;
import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.MirrorService;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * Boot = replay: as soon as the core's services are there and the framework has started (so the
 * boot features' behaviors are registered), replays the saved configuration through the
 * {@code ip} command, logs the result and registers it as the {@link ConfigReplay} service, which
 * the admin socket waits for. Once per core: a new core (bundle update, restart) replays again.
 */
@Component(immediate = true, service = {})
public final class BootReplayComponent implements Ip.Services {

    @Reference
    private ConfigService config;
    @Reference
    private PortService ports;
    @Reference
    private AddressService addresses;
    @Reference
    private RouteService routes;
    @Reference
    private NeighborService neighbors;
    @Reference
    private SrService sr;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LoggerFactory logs;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MirrorService mirrors;

    private BundleContext context;
    private FrameworkListener startedListener;
    private Thread worker;
    private volatile boolean stopped;
    private ServiceRegistration<ConfigReplay> registration;

    @Override public PortService portService() { return ports; }
    @Override public AddressService addresses() { return addresses; }
    @Override public RouteService routes() { return routes; }
    @Override public NeighborService neighbors() { return neighbors; }
    @Override public SrService sr() { return sr; }
    @Override public MirrorService mirrors() { return mirrors; }
    @Override public String lcpNetns() {
        BundleContext bc = context;
        return Lcp.defaultNetns(bc == null ? System.getProperty("srv6.lcp.netns") : bc.getProperty("srv6.lcp.netns"));
    }

    @Activate
    void activate(BundleContext bc) {
        context = bc;
        startedListener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                start();
            }
        };
        bc.addFrameworkListener(startedListener);
        // activated in a running framework (a core or shell restart): no STARTED event will come
        if (bc.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() == Bundle.ACTIVE) {
            start();
        }
    }

    /** Replays on a thread of its own: neither the framework's event thread nor SCR waits for it. */
    private synchronized void start() {
        if (worker != null || stopped) {
            return;
        }
        worker = new Thread(this::replay, "srv6-config-replay");
        worker.setDaemon(true);
        worker.start();
    }

    private void replay() {
        Ip ip = new Ip(this);
        BootReplay.Result result = BootReplay.run(config, line -> stopped ? "not applied: the core went away" : ip.run(line));
        log(result);
        synchronized (this) {
            if (!stopped) {
                registration = context.registerService(ConfigReplay.class, result, new Hashtable<>());
            }
        }
    }

    private void log(BootReplay.Result r) {
        LoggerFactory f = logs;
        Logger log = f == null ? null : f.getLogger(BootReplayComponent.class);
        if (log == null) {
            System.err.println("srv6: " + r.summary());
            r.rejected().forEach(x -> System.err.println("srv6: " + BootReplay.Result.describe(r.file(), x)));
            return;
        }
        // "{}" with an argument: a configuration line may itself hold braces
        if (r.error() != null) {
            log.error("{}", r.summary());
        } else if (r.rejected().isEmpty()) {
            log.info("{}", r.summary());
        } else {
            log.warn("{}", r.summary());
        }
        r.rejected().forEach(x -> log.warn("{}", BootReplay.Result.describe(r.file(), x)));
    }

    @Deactivate
    void deactivate() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = worker;
        }
        context.removeFrameworkListener(startedListener);
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException ignored) {
                    // already gone with the bundle
                }
                registration = null;
            }
        }
    }
}
