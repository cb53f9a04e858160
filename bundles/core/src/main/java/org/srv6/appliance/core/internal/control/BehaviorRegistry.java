package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.log.CoreLog;

/**
 * Owns the behavior providers per keyword and the hot-swap contract (SPEC §5): a SID's
 * configuration is kept as text in its route; a provider that arrives re-creates the instances from
 * that text and a provider that leaves makes them inactive (the engine drops their packets as
 * {@code behavior-absent}). Replaced instances are closed only after every event loop has run a task
 * queued after the swap, so no loop still runs them.
 *
 * <p>A provider that leaves while its bundle may come back (an update, a refresh) keeps its
 * instances running so the swap is make-before-break; {@link #bundleGone} or, as a fallback, the
 * grace timer makes them inactive should it not return.
 */
public final class BehaviorRegistry {
    private static final long UPDATE_GRACE_MILLIS = 10_000;

    /** A keyword whose provider left but may come back, from which bundle, and which departure. */
    private record Pending(long bundleId, long generation) {
    }

    private final ControlState state;
    private final Map<String, List<Provider>> providers = new TreeMap<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private long departures;
    private ScheduledExecutorService graceTimer;

    public BehaviorRegistry(ControlState state) {
        this.state = state;
    }

    /** A behavior service arrived: it serves its keyword when it ranks first (newest wins a tie). */
    public void addProvider(Provider p) {
        synchronized (state.lock) {
            List<Provider> l = providers.computeIfAbsent(p.keyword(), k -> new ArrayList<>());
            Provider before = l.isEmpty() ? null : l.get(0);
            l.add(p);
            l.sort(Comparator.comparingInt(Provider::ranking).reversed()
                    .thenComparing(Comparator.comparingLong(Provider::serviceId).reversed()));
            if (l.get(0) != before) {
                pending.remove(p.keyword());
                rebind(p.keyword());
            }
        }
    }

    /** A behavior service left for good: its SIDs move to another provider of the keyword or become inactive. */
    public void removeProvider(long serviceId) {
        removeProvider(serviceId, false);
    }

    /**
     * Like {@link #removeProvider(long)}; with {@code mayComeBack} (its bundle is still persistently
     * started: updated or refreshed, it registers again) the instances keep running until a new
     * provider takes over, so the swap is make-before-break. Should none come back in time, or
     * {@link #bundleGone} say the bundle went for good, the SIDs go inactive.
     */
    public void removeProvider(long serviceId, boolean mayComeBack) {
        synchronized (state.lock) {
            for (Map.Entry<String, List<Provider>> e : providers.entrySet()) {
                List<Provider> l = e.getValue();
                for (int i = 0; i < l.size(); i++) {
                    Provider p = l.get(i);
                    if (p.serviceId() != serviceId) {
                        continue;
                    }
                    l.remove(i);
                    if (i == 0) {
                        if (mayComeBack && l.isEmpty()) {
                            awaitReturn(e.getKey(), p.bundleId());
                        } else {
                            rebind(e.getKey());
                        }
                    }
                    return;
                }
            }
        }
    }

    /** The bundle was uninstalled or stopped for good: the SIDs waiting for it go inactive now. */
    public void bundleGone(long bundleId) {
        synchronized (state.lock) {
            List<String> gone = new ArrayList<>();
            pending.forEach((keyword, p) -> {
                if (p.bundleId() == bundleId) {
                    gone.add(keyword);
                }
            });
            for (String keyword : gone) {
                pending.remove(keyword);
                if (active(keyword) == null) {
                    rebind(keyword);
                }
            }
        }
    }

    private void awaitReturn(String keyword, long bundleId) {
        long generation = ++departures;
        pending.put(keyword, new Pending(bundleId, generation));
        if (graceTimer == null) {
            graceTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "srv6-behavior-grace");
                t.setDaemon(true);
                return t;
            });
        }
        graceTimer.schedule(() -> expire(keyword, generation), UPDATE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void expire(String keyword, long generation) {
        synchronized (state.lock) {
            Pending p = pending.get(keyword);
            if (p != null && p.generation() == generation) {
                pending.remove(keyword);
                if (active(keyword) == null) {
                    rebind(keyword);
                }
            }
        }
    }

    Provider active(String keyword) {
        List<Provider> l = providers.get(keyword);
        return l == null || l.isEmpty() ? null : l.get(0);
    }

    /** The keywords of {@code kind} that have a provider, for error messages. */
    String installed(String kind) {
        List<String> k = new ArrayList<>();
        for (Map.Entry<String, List<Provider>> e : providers.entrySet()) {
            if (!e.getValue().isEmpty() && e.getValue().get(0).kind().equals(kind)) {
                k.add(e.getKey());
            }
        }
        return k.isEmpty() ? "none" : String.join(", ", k);
    }

    /** {@code ip sr behavior show}: the active provider of each keyword and the routes it serves. */
    /** The keywords with a provider now. */
    java.util.Set<String> keywords() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        providers.forEach((k, l) -> {
            if (!l.isEmpty()) {
                out.add(k);
            }
        });
        return out;
    }

    List<BehaviorInfo> info() {
        List<BehaviorInfo> out = new ArrayList<>();
        for (Map.Entry<String, List<Provider>> e : providers.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Provider p = e.getValue().get(0);
            List<String> sids = new ArrayList<>();
            for (Route r : state.routes.withBehavior()) {
                if (r.hasBehavior() && e.getKey().equals(r.spec().keyword())) {
                    sids.add(r.prefix());
                }
            }
            String syntax;
            String definition;
            try {
                syntax = p.behavior().descriptor().syntax();
                definition = p.behavior().descriptor().definition();
            } catch (RuntimeException ex) {
                syntax = "?";
                definition = "?";
            }
            out.add(new BehaviorInfo(p.keyword(), p.kind(), p.bundleId(), p.symbolicName(), p.version(), syntax,
                    definition, sids));
        }
        return out;
    }

    /** Re-creates (make before break) or deactivates every route of a keyword. */
    private void rebind(String keyword) {
        if (state.closed) {
            return;
        }
        Provider p = active(keyword);
        List<BehaviorInstance> old = new ArrayList<>();
        for (Route r : state.behaviorRoutes()) {
            if (keyword.equals(r.spec().keyword())) {
                renew(r, p, old);
            }
        }
        retryWaiting(); // a port the keyword's SIDs claimed may be free now, or they claim one another waits for
        state.publish(); // the ports some instances claim may have changed
        retire(old);
    }

    /**
     * Re-creates every instance after a change of what they precompute from (sources, ports,
     * keys). The callers publish the new snapshot with the change itself.
     */
    void recreateAll() {
        List<BehaviorInstance> old = new ArrayList<>();
        for (Route r : state.behaviorRoutes()) {
            Provider p = active(r.spec().keyword());
            if (p != null) {
                renew(r, p, old);
            }
        }
        retire(old);
    }

    /**
     * Gives {@code r} a new instance made by {@code p}, or none when {@code p} is absent or of the
     * other kind; the instance it had goes to {@code old}.
     */
    private void renew(Route r, Provider p, List<BehaviorInstance> old) {
        BehaviorInstance before = r.instance;
        String kindName = r.kind == Route.SID ? "ENDPOINT" : "TRANSIT";
        if (p != null && p.kind().equals(kindName)) {
            try {
                instantiate(r, p, true, null);
            } catch (DataplaneException e) {
                CoreLog.warn(r.prefix() + " stays inactive: " + e.getMessage());
                inactive(r, DropReason.BEHAVIOR_ABSENT, null);
            }
        } else {
            inactive(r, DropReason.BEHAVIOR_ABSENT, null);
        }
        if (before != null) {
            old.add(before);
        }
    }

    /** Parses the route's stored text with {@code p} and creates its instance (not yet published). */
    void instantiate(Route r, Provider p) throws DataplaneException {
        instantiate(r, p, false, null);
    }

    /**
     * Parses the route's stored text with {@code p} and creates its instance (not yet published).
     * A port its behavior names ({@code oif}, {@code iif}) that does not exist, or a service port
     * another SID's instance claims, is refused with one line; with {@code waitIfAbsent} (the boot
     * replay, a re-creation) the route is kept inactive instead, until the port is added or freed.
     *
     * @param replacing the route {@code r} replaces, whose claim does not count, or null
     */
    void instantiate(Route r, Provider p, boolean waitIfAbsent, Route replacing) throws DataplaneException {
        BehaviorConfig cfg;
        try {
            cfg = p.behavior().parse(new ArrayList<>(r.spec().params()));
        } catch (BehaviorException e) {
            throw new DataplaneException(e.getMessage());
        } catch (RuntimeException e) {
            throw new DataplaneException(r.spec().keyword() + " failed: " + e);
        }
        String absent = absentPort(cfg);
        if (absent != null) {
            if (!waitIfAbsent) {
                throw new DataplaneException("unknown port " + absent + "; expected an existing port name ("
                        + portNames() + ")");
            }
            r.config = cfg;
            String why = "port " + absent + " absent";
            if (!why.equals(r.counters.waiting)) {
                CoreLog.warn(r.prefix() + " (" + r.spec().keyword() + ") is inactive until port " + absent
                        + " is added");
            }
            inactive(r, DropReason.PORT_ABSENT, why);
            return;
        }
        BehaviorInstance inst;
        try {
            inst = p.behavior().create(cfg, new SidContext(r, state));
        } catch (BehaviorException e) {
            throw new DataplaneException(e.getMessage());
        } catch (RuntimeException e) {
            throw new DataplaneException(r.spec().keyword() + " failed: " + e);
        }
        int claimed = r.kind == Route.SID ? claimedPort(inst) : -1;
        if (claimed >= 0) {
            PortCfg port = state.portByIndex(claimed);
            String name = port == null ? "#" + claimed : port.name();
            Route holder = claimant(claimed, r, replacing);
            String why = null;
            String refusal = null;
            if (holder != null) {
                why = "port " + name + " claimed by SID " + holder.prefix() + " (" + holder.spec().keyword() + ")";
                refusal = "port " + name + " already takes the returning traffic of SID " + holder.prefix() + " ("
                        + holder.spec().keyword() + "); one proxy SID per service port";
            } else if (port != null && port.steer != null) {
                // steering would take the port's input first (l2 modes) or never see it (the claim's)
                String steer = "ip sr steer iif " + name + " mode " + port.steer.spec().keyword();
                why = "port " + name + " steered (" + steer + ")";
                refusal = "port " + name + " is steered (" + steer + "); a proxy's service port takes no steering: "
                        + "ip sr steer del iif " + name + " first";
            }
            if (why != null) {
                closeQuietly(inst);
                if (!waitIfAbsent) {
                    throw new DataplaneException(refusal);
                }
                r.config = cfg;
                if (!why.equals(r.counters.waiting)) {
                    CoreLog.warn(r.prefix() + " (" + r.spec().keyword() + ") is inactive: " + why);
                }
                inactive(r, DropReason.PORT_CLAIMED, why);
                return;
            }
            r.counters.proxy = true;
        }
        r.config = cfg;
        r.counters.waiting = null;
        r.instance = inst;
    }

    /** Takes the route's instance away (it goes inactive): its packets are dropped as {@code reason}. */
    private static void inactive(Route r, DropReason reason, String waiting) {
        r.counters.inactive = reason; // before the instance, so a loop that finds none counts the reason
        r.counters.waiting = waiting;
        r.instance = null;
    }

    /** @return {@code NAME (oif)} for the first port the configuration names that does not exist, or null */
    private String absentPort(BehaviorConfig cfg) {
        Attributes a;
        try {
            a = cfg.attributes();
        } catch (RuntimeException e) {
            return null;
        }
        if (a == null) {
            return null;
        }
        for (Attribute at : PORT_ATTRIBUTES) {
            if (a.has(at)) {
                String name = at == Attribute.OIF ? a.oif() : a.iif();
                if (name != null && !state.ports.containsKey(name)) {
                    return name + " (" + at.keyword() + ")";
                }
            }
        }
        return null;
    }

    private static final Attribute[] PORT_ATTRIBUTES = {Attribute.OIF, Attribute.IIF};

    private String portNames() {
        return state.ports.isEmpty() ? "none" : "ports: " + String.join(", ", state.ports.keySet());
    }

    /** @return the port an instance claims, -1 for none (or when asking it throws) */
    static int claimedPort(BehaviorInstance inst) {
        if (inst == null) {
            return -1;
        }
        try {
            return inst.returnPort();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** @return another SID (neither {@code self} nor {@code replacing}) whose instance claims {@code port}, or null */
    Route claimant(int port, Route self, Route replacing) {
        for (Route o : state.routes.withBehavior()) {
            if (o != self && o != replacing && o.kind == Route.SID && claimedPort(o.instance) == port) {
                return o;
            }
        }
        return null;
    }

    /**
     * Gives an instance to every SID waiting for a port (added now) or for a claimed port (freed
     * now) whose behavior is there; the callers publish. @return true when one became active
     */
    boolean retryWaiting() {
        boolean any = false;
        for (Route r : state.behaviorRoutes()) {
            if (r.instance != null || r.counters.waiting == null) {
                continue;
            }
            Provider p = active(r.spec().keyword());
            String kindName = r.kind == Route.SID ? "ENDPOINT" : "TRANSIT";
            if (p == null || !p.kind().equals(kindName)) {
                continue;
            }
            try {
                instantiate(r, p, true, null);
            } catch (DataplaneException e) {
                CoreLog.warn(r.prefix() + " stays inactive: " + e.getMessage());
                inactive(r, DropReason.BEHAVIOR_ABSENT, null);
            }
            if (r.instance != null) {
                CoreLog.info(r.prefix() + " (" + r.spec().keyword() + ") is active again");
                any = true;
            }
        }
        return any;
    }

    /** {@link #retire(List)} of one instance; a route without one (inactive) has nothing to close. */
    void retire(BehaviorInstance old) {
        if (old != null) {
            retire(List.of(old));
        }
    }

    /** Closes instances once every loop has finished the work it had when they were replaced. */
    void retire(List<BehaviorInstance> old) {
        if (old.isEmpty()) {
            return;
        }
        afterLoops(() -> old.forEach(BehaviorRegistry::closeQuietly));
    }

    /** Runs {@code task} once every event loop has finished what it was doing now. */
    void afterLoops(Runnable task) {
        int n = state.rt.loops();
        AtomicInteger left = new AtomicInteger(n);
        Runnable done = () -> {
            if (left.decrementAndGet() == 0) {
                task.run();
            }
        };
        for (int i = 0; i < n; i++) {
            try {
                state.rt.execute(i, done);
            } catch (RuntimeException e) {
                done.run(); // the loop is gone: nothing runs there any more
            }
        }
    }

    /** Stops the grace timer and closes every instance; the loops have stopped already. */
    public void close() {
        if (graceTimer != null) {
            graceTimer.shutdownNow();
        }
        for (Route r : state.behaviorRoutes()) {
            closeQuietly(r.instance);
        }
    }

    static void closeQuietly(BehaviorInstance i) {
        if (i != null) {
            try {
                i.close();
            } catch (RuntimeException ignored) {
                // a behavior's close must not stop the others
            }
        }
    }
}
