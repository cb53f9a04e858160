package org.srv6.appliance.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
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
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.core.internal.log.CoreLog;

/**
 * The forwarding core as an OSGi component: starts the dataplane, registers its services and
 * feeds it every behavior service that comes and goes (dynamic, greedy: a new provider of a
 * keyword takes over before the old one leaves).
 */
@Component(immediate = true)
public final class CoreComponent {
    private final List<Dataplane.Provider> early = new ArrayList<>();
    private Dataplane dataplane;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

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
            System.err.println("srv6: srv6.loops=" + loops + " is not a number; using 1");
        }
        Dataplane d = new Dataplane(conf, n);
        synchronized (this) {
            dataplane = d;
            early.forEach(d::addProvider);
            early.clear();
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "SRv6 forwarding core");
        registrations.add(bc.registerService(new String[] {PortService.class.getName(), RouteService.class.getName(),
            SrService.class.getName(), Counters.class.getName()}, d, props));
        registrations.add(bc.registerService(AddressService.class, d.addressService(), props));
        registrations.add(bc.registerService(NeighborService.class, d.neighborService(), props));
        // last: the shell replays the saved configuration as soon as it sees this one
        registrations.add(bc.registerService(ConfigService.class, d, props));
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
        synchronized (this) {
            d = dataplane;
            dataplane = null;
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
        Dataplane.Provider p = provider(ref, behavior);
        if (p == null) {
            return;
        }
        Dataplane d;
        synchronized (this) {
            d = dataplane;
            if (d == null) {
                early.add(p);
                return;
            }
        }
        d.addProvider(p);
    }

    void removeBehavior(ServiceReference<Behavior> ref, Behavior behavior) {
        long id = (Long) ref.getProperty(Constants.SERVICE_ID);
        Dataplane d;
        synchronized (this) {
            early.removeIf(p -> p.serviceId() == id);
            d = dataplane;
        }
        if (d != null) {
            d.removeProvider(id, updating());
        }
    }

    /** True when the service leaves because its bundle is being updated (it registers again at once). */
    private static boolean updating() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().startsWith("org.apache.felix.framework.") && f.getMethodName().equals("updateBundle")));
    }

    private static Dataplane.Provider provider(ServiceReference<Behavior> ref, Behavior b) {
        Object kw = ref.getProperty(Behavior.KEYWORD_PROPERTY);
        if (!(kw instanceof String keyword)) {
            System.err.println("srv6: behavior service " + ref + " has no " + Behavior.KEYWORD_PROPERTY + " property");
            return null;
        }
        Object kind = ref.getProperty(Behavior.KIND_PROPERTY);
        Object rank = ref.getProperty(Constants.SERVICE_RANKING);
        var bundle = ref.getBundle();
        return new Dataplane.Provider(keyword, kind == null ? "ENDPOINT" : kind.toString(), b,
                (Long) ref.getProperty(Constants.SERVICE_ID), rank instanceof Integer r ? r : 0,
                bundle == null ? -1 : bundle.getBundleId(), bundle == null ? "?" : bundle.getSymbolicName(),
                bundle == null ? "?" : bundle.getVersion().toString());
    }
}
