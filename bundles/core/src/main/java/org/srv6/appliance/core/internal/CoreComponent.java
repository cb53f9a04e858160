package org.srv6.appliance.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.LoggerFactory;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MirrorService;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.core.internal.control.Mirrors;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.core.internal.engine.NeighborLimits;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.log.CoreLog;

/**
 * The forwarding core as an OSGi component: starts the dataplane, registers each service from the
 * room that owns it and feeds the behavior registry every behavior service that comes and goes
 * (dynamic, greedy: a new provider of a keyword takes over before the old one leaves).
 *
 * <p>A behavior service that leaves while its bundle is still persistently started (an update or a
 * refresh stops it transiently) may come back: its instances keep running. A bundle that is then
 * uninstalled, or stopped persistently, makes its SIDs inactive at once.
 */
@Component(immediate = true)
public final class CoreComponent {
    private final List<Provider> early = new ArrayList<>();
    /** The bundle of each behavior service by service id (a reference no longer has one once unregistered). */
    private final Map<Long, Bundle> bundles = new HashMap<>();
    private Dataplane dataplane;
    private BundleContext context;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    private final SynchronousBundleListener bundleListener = event -> {
        int type = event.getType();
        if (type == BundleEvent.UNINSTALLED
                || (type == BundleEvent.STOPPED && !persistentlyStarted(event.getBundle()))) {
            Dataplane d;
            synchronized (this) {
                d = dataplane;
            }
            if (d != null) {
                d.behaviors().bundleGone(event.getBundle().getBundleId());
            }
        }
    };

    @Activate
    void activate(BundleContext bc) throws IOException {
        String home = bc.getProperty("srv6.home");
        Path conf = home != null ? Path.of(home, "etc", "srv6.conf")
                : Files.createTempDirectory("srv6-").resolve("srv6.conf");
        String loops = bc.getProperty("srv6.loops");
        int n = 1;
        try {
            n = loops == null ? 1 : Math.max(1, Integer.parseInt(loops.trim()));
        } catch (NumberFormatException e) {
            CoreLog.warn("srv6.loops=" + loops + " is not a number; using 1");
        }
        String io = bc.getProperty("srv6.io");
        Dataplane d = new Dataplane(conf, n, NeighborLimits.from(bc::getProperty), io == null ? IoRuntime.AUTO : io);
        String punt = bc.getProperty("srv6.lcp.punt.rate");
        if (punt != null && !punt.isBlank()) {
            try {
                d.mirrors().puntRate(Integer.parseInt(punt.trim()));
            } catch (NumberFormatException e) {
                CoreLog.warn("srv6.lcp.punt.rate=" + punt + " is not a number; using " + Mirrors.PUNT_RATE);
            }
        }
        String note = d.runtime().backendNote();
        if (note != null) {
            CoreLog.warn(note);
        }
        CoreLog.info("I/O backend " + d.runtime().backend() + " (srv6.io=" + (io == null ? IoRuntime.AUTO : io.trim())
                + "), " + n + (n == 1 ? " event loop" : " event loops"));
        synchronized (this) {
            dataplane = d;
            context = bc;
            early.forEach(d.behaviors()::addProvider);
            early.clear();
        }
        bc.addBundleListener(bundleListener);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "SRv6 forwarding core");
        registrations.add(bc.registerService(PortService.class, d.ports(), props));
        registrations.add(bc.registerService(AddressService.class, d.addresses(), props));
        registrations.add(bc.registerService(RouteService.class, d.routes(), props));
        registrations.add(bc.registerService(NeighborService.class, d.neighbors(), props));
        registrations.add(bc.registerService(SrService.class, d.sr(), props));
        registrations.add(bc.registerService(Counters.class, d.counters(), props));
        registrations.add(bc.registerService(MirrorService.class, d.mirrors(), props));
        // last: the shell replays the saved configuration as soon as it sees this one
        registrations.add(bc.registerService(ConfigService.class, d.config(), props));
    }

    @Deactivate
    void deactivate() {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the bundle
            }
        }
        registrations.clear();
        Dataplane d;
        BundleContext bc;
        synchronized (this) {
            d = dataplane;
            dataplane = null;
            bc = context;
            context = null;
        }
        if (bc != null) {
            try {
                bc.removeBundleListener(bundleListener);
            } catch (IllegalStateException ignored) {
                // the context is no longer valid: the listener went with it
            }
        }
        if (d != null) {
            d.close();
        }
    }

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindLog(LoggerFactory factory) {
        CoreLog.bind(factory);
    }

    void unbindLog(LoggerFactory factory) {
        CoreLog.bind(null);
    }

    @Reference(service = Behavior.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addBehavior(ServiceReference<Behavior> ref, Behavior behavior) {
        Provider p = provider(ref, behavior);
        if (p == null) {
            return;
        }
        Dataplane d;
        synchronized (this) {
            Bundle b = ref.getBundle();
            if (b != null) {
                bundles.put(p.serviceId(), b);
            }
            d = dataplane;
            if (d == null) {
                early.add(p);
                return;
            }
        }
        d.behaviors().addProvider(p);
    }

    void removeBehavior(ServiceReference<Behavior> ref, Behavior behavior) {
        long id = (Long) ref.getProperty(Constants.SERVICE_ID);
        Dataplane d;
        Bundle b;
        synchronized (this) {
            early.removeIf(p -> p.serviceId() == id);
            b = bundles.remove(id);
            d = dataplane;
        }
        if (d != null) {
            d.behaviors().removeProvider(id, persistentlyStarted(b));
        }
    }

    /**
     * True while the bundle is persistently started: an update or a refresh stops it transiently
     * and it registers again. A plain stop records the bundle as stopped before stopping it, and
     * so does an uninstall (Felix stops it as {@code Bundle.stop()} would).
     */
    private static boolean persistentlyStarted(Bundle b) {
        if (b == null) {
            return false;
        }
        try {
            BundleStartLevel sl = b.adapt(BundleStartLevel.class);
            return sl != null && sl.isPersistentlyStarted();
        } catch (IllegalArgumentException | IllegalStateException | SecurityException e) {
            return false; // uninstalled meanwhile
        }
    }

    private static Provider provider(ServiceReference<Behavior> ref, Behavior b) {
        Object kw = ref.getProperty(Behavior.KEYWORD_PROPERTY);
        if (!(kw instanceof String keyword)) {
            CoreLog.warn("behavior service " + ref + " has no " + Behavior.KEYWORD_PROPERTY + " property");
            return null;
        }
        Object kind = ref.getProperty(Behavior.KIND_PROPERTY);
        Object rank = ref.getProperty(Constants.SERVICE_RANKING);
        var bundle = ref.getBundle();
        return new Provider(keyword, kind == null ? "ENDPOINT" : kind.toString(), b,
                (Long) ref.getProperty(Constants.SERVICE_ID), rank instanceof Integer r ? r : 0,
                bundle == null ? -1 : bundle.getBundleId(), bundle == null ? "?" : bundle.getSymbolicName(),
                bundle == null ? "?" : bundle.getVersion().toString());
    }
}
