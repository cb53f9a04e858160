package org.srv6.appliance.core.internal.control;

import java.util.LinkedHashMap;
import java.util.Map;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.core.internal.engine.Engine;
import org.srv6.appliance.core.internal.io.IoRuntime;

/** Owns the read-out of the engine's counters ({@code srv6 stats}); reads them without the control plane's lock. */
public final class EngineCounters implements Counters {
    private final Engine engine;
    private final IoRuntime runtime;

    public EngineCounters(Engine engine, IoRuntime runtime) {
        this.engine = engine;
        this.runtime = runtime;
    }

    @Override
    public Map<String, Long> drops() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.NONE) {
                out.put(r.label(), engine.drops(r));
            }
        }
        return out;
    }

    @Override
    public Map<String, Long> neighbors() {
        return engine.neighborCounters();
    }

    @Override
    public long rxPackets() {
        return engine.rxPackets();
    }

    @Override
    public long[] loopBusyNanos() {
        return runtime.busyNanos();
    }

    @Override
    public String ioBackend() {
        return runtime.backend();
    }

    @Override
    public long buffersHeld() {
        return engine.buffersHeld();
    }
}
