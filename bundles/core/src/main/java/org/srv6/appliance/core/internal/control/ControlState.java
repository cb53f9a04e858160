package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.core.internal.engine.Engine;
import org.srv6.appliance.core.internal.engine.Multipath;
import org.srv6.appliance.core.internal.engine.NeighborTable;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.io.IoRuntime;

/**
 * Owns the state every room of the control plane reads: the ports with their configuration, the
 * route list, the tunnel source and HMAC keys behaviors are created with, and the lock.
 *
 * <p>Lock discipline: every public method of a room that reads or changes this state runs inside
 * {@code synchronized (state.lock)}, one monitor for the whole control plane. Rooms call one another
 * only while holding it (it is re-entrant), so a change, the instances it re-creates and the snapshot
 * it publishes are one step. Work deferred to later (closing replaced instances after the loops, the
 * update grace timer) takes the lock again. Only the engine's counters are read without it.
 */
public final class ControlState {
    /** The control plane's one monitor. */
    public final Object lock = new Object();

    final Map<String, PortCfg> ports = new LinkedHashMap<>();
    /** The configured routes in the order they were added (the running configuration's order). */
    final RouteList routes = new RouteList();
    final Engine engine;
    final IoRuntime rt;
    final NeighborTable neighbors;
    byte[] tunnelSource = new byte[16];
    final Map<Integer, BehaviorContext.HmacKey> hmacKeys = new TreeMap<>();
    /** True while the saved configuration is replayed: nothing is saved and unknown behaviors are accepted. */
    volatile boolean replaying;
    /** Batches running ({@code srv6:config load}): changes are not journaled; the file is written when the last ends. */
    int batches;
    boolean closed;
    private int nextIndex = 1;
    private SnapshotBuilder snapshot;
    private RunningConfig config;

    public ControlState(Engine engine, IoRuntime rt, NeighborTable neighbors) {
        this.engine = engine;
        this.rt = rt;
        this.neighbors = neighbors;
    }

    /** Connects the two rooms every change ends with (they read the other rooms, so they come last). */
    public void wire(SnapshotBuilder snapshot, RunningConfig config) {
        this.snapshot = snapshot;
        this.config = config;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Marks the control plane closed (nothing is published or saved any more); false if it was already. */
    public boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** A configuration change: publish the new snapshot, then save the running configuration. */
    void changed() {
        publish();
        config.persist();
    }

    void publish() {
        snapshot.publish();
    }

    /** Takes a configured route out of its FIB (its port goes away). */
    void unlink(Route r) {
        snapshot.remove(r);
    }

    /**
     * A route was added or removed (already in or out of the FIBs): the ports are published again
     * only when the route claims one, and the change is journaled as {@code line} instead of
     * rewriting the whole configuration.
     */
    void routeChanged(Route r, Supplier<String> line) {
        if (SnapshotBuilder.claims(r)) {
            publish();
        }
        if (replaying || batches > 0 || closed || Routes.learnt(r)) {
            return; // the file is written once the replay or batch ends (a learnt route never): no line to make
        }
        if (persistent(r)) {
            config.journal(line.get());
        }
    }

    /** False for a route out a port that is not saved (on any of its paths): the route is not saved either. */
    boolean persistent(Route r) {
        PortCfg dev = portByIndex(r.port);
        if (dev != null && !dev.persistent()) {
            return false;
        }
        Multipath m = r.paths;
        for (int i = 0; m != null && i < m.size(); i++) {
            PortCfg p = portByIndex(m.port(i));
            if (p != null && !p.persistent()) {
                return false;
            }
        }
        return true;
    }

    PortCfg port(String name) throws DataplaneException {
        PortCfg p = ports.get(name);
        if (p == null) {
            throw new DataplaneException("no such port " + name + "; ports: " + portNames());
        }
        return p;
    }

    private String portNames() {
        return ports.isEmpty() ? "none (ip link add NAME type tap)" : String.join(", ", ports.keySet());
    }

    PortCfg portByIndex(int index) {
        if (index < 0) {
            return null;
        }
        for (PortCfg p : ports.values()) {
            if (p.index() == index) {
                return p;
            }
        }
        return null;
    }

    /** @return a new port index; like Linux ifindexes they start at 1 and are not reused */
    int freeIndex() {
        return nextIndex++;
    }

    /** Routes with a behavior: the SIDs and transit routes, then every port's steering. */
    List<Route> behaviorRoutes() {
        List<Route> out = new ArrayList<>();
        for (Route r : routes.withBehavior()) {
            out.add(r);
        }
        for (PortCfg p : ports.values()) {
            if (p.steer != null) {
                out.add(p.steer);
            }
        }
        return out;
    }
}
