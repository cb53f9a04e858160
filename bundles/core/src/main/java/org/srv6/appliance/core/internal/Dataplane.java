package org.srv6.appliance.core.internal;

import java.nio.file.Path;

import org.srv6.appliance.core.internal.config.ConfigStore;
import org.srv6.appliance.core.internal.control.Addresses;
import org.srv6.appliance.core.internal.control.BehaviorRegistry;
import org.srv6.appliance.core.internal.control.ControlState;
import org.srv6.appliance.core.internal.control.EngineCounters;
import org.srv6.appliance.core.internal.control.Mirrors;
import org.srv6.appliance.core.internal.control.Neighbors;
import org.srv6.appliance.core.internal.control.Ports;
import org.srv6.appliance.core.internal.control.Routes;
import org.srv6.appliance.core.internal.control.RunningConfig;
import org.srv6.appliance.core.internal.control.SnapshotBuilder;
import org.srv6.appliance.core.internal.control.SrSettings;
import org.srv6.appliance.core.internal.engine.Engine;
import org.srv6.appliance.core.internal.engine.NeighborLimits;
import org.srv6.appliance.core.internal.engine.NeighborTable;
import org.srv6.appliance.core.internal.io.IoRuntime;

/**
 * The core's composition root: builds the engine, its event loops and the control plane's rooms
 * (package {@code control}, one per concern and service), wires them, and closes them in order.
 * The OSGi component registers each service from the room that owns it; tests and benchmarks use
 * the getters.
 */
public final class Dataplane implements AutoCloseable {
    private final Engine engine;
    private final IoRuntime rt;
    private final NeighborTable neighborTable;
    private final ControlState state;
    private final BehaviorRegistry registry;
    private final Ports ports;
    private final Addresses addresses;
    private final Routes routes;
    private final Neighbors neighbors;
    private final SrSettings sr;
    private final RunningConfig config;
    private final EngineCounters counters;
    private final Mirrors mirrors;

    public Dataplane(Path configFile, int loops) {
        this(configFile, loops, NeighborLimits.DEFAULTS);
    }

    public Dataplane(Path configFile, int loops, NeighborLimits neighborLimits) {
        this(configFile, loops, neighborLimits, System.getProperty("srv6.io", IoRuntime.AUTO));
    }

    /** @param io the I/O backend asked for: {@code auto}, {@code io_uring} or {@code epoll} (see {@link IoRuntime}) */
    public Dataplane(Path configFile, int loops, NeighborLimits neighborLimits, String io) {
        neighborTable = new NeighborTable(neighborLimits);
        engine = new Engine(neighborTable, SnapshotBuilder.emptyTables());
        rt = new IoRuntime(loops, engine, io);
        engine.runtime(rt);
        // the engine schedules its own neighbor tick
        state = new ControlState(engine, rt, neighborTable);
        SnapshotBuilder snapshot = new SnapshotBuilder(state);
        registry = new BehaviorRegistry(state);
        neighbors = new Neighbors(state);
        ports = new Ports(state, registry, neighbors);
        addresses = new Addresses(state, registry);
        routes = new Routes(state, registry, snapshot);
        sr = new SrSettings(state, registry);
        config = new RunningConfig(state, new ConfigStore(configFile), ports, addresses, neighbors, sr, routes);
        counters = new EngineCounters(engine, rt);
        mirrors = new Mirrors(state);
        config.mirrors(mirrors);
        state.wire(snapshot, config);
    }

    public Engine engine() {
        return engine;
    }

    public IoRuntime runtime() {
        return rt;
    }

    public Ports ports() {
        return ports;
    }

    public Addresses addresses() {
        return addresses;
    }

    public Routes routes() {
        return routes;
    }

    public Neighbors neighbors() {
        return neighbors;
    }

    public SrSettings sr() {
        return sr;
    }

    /** The behavior providers and the hot-swap contract. */
    public BehaviorRegistry behaviors() {
        return registry;
    }

    /** The ports' mirrors in control namespaces ({@code srv6:lcp}). */
    public Mirrors mirrors() {
        return mirrors;
    }

    public RunningConfig config() {
        return config;
    }

    public EngineCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        synchronized (state.lock) {
            if (state.isClosed()) {
                return;
            }
            config.compact(); // the file alone is the configuration again, without a journal
            state.markClosed();
            engine.close(); // its neighbor tick first
            // loops first: frames still queued on them may park on neighbors until they stop
            rt.close();
            engine.discard(neighborTable.removeIf(n -> true));
            registry.close();
        }
    }
}
