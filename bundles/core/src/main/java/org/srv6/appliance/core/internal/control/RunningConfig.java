package org.srv6.appliance.core.internal.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.core.internal.config.ConfigStore;
import org.srv6.appliance.core.internal.log.CoreLog;

/**
 * Owns the running configuration: the order of its lines (each room writes its own), saving it after
 * every change, and the one replay of the saved file at start.
 */
public final class RunningConfig implements ConfigService {
    private final ControlState state;
    private final ConfigStore store;
    private final Ports ports;
    private final Addresses addresses;
    private final Neighbors neighbors;
    private final SrSettings sr;
    private final Routes routes;
    private boolean replayed;
    private Mirrors mirrors;

    public RunningConfig(ControlState state, ConfigStore store, Ports ports, Addresses addresses, Neighbors neighbors,
            SrSettings sr, Routes routes) {
        this.state = state;
        this.store = store;
        this.ports = ports;
        this.addresses = addresses;
        this.neighbors = neighbors;
        this.sr = sr;
        this.routes = routes;
    }

    /** The mirrors' lines go last (after the ports they name). */
    public void mirrors(Mirrors m) {
        this.mirrors = m;
    }

    /** Saves the running configuration; not while replaying it (it is being rebuilt) nor once closed. */
    void persist() {
        if (state.replaying || state.batches > 0 || state.closed) {
            return;
        }
        try {
            store.write(this::lines); // streamed: a million routes are never all text at once
        } catch (IOException e) {
            CoreLog.warn("cannot save " + store.file() + ": " + e.getMessage());
        }
    }

    /**
     * Records one route change as its line in the journal; once the journal is longer than the
     * configuration itself, rewrites the file (so the cost per change stays constant on average).
     */
    void journal(String line) {
        if (state.replaying || state.batches > 0 || state.closed) {
            return;
        }
        try {
            if (store.append(line) > Math.max(COMPACT_MIN, state.routes.size())) {
                persist();
            }
        } catch (IOException e) {
            CoreLog.warn("cannot append to " + store.journalFile() + ": " + e.getMessage() + "; rewriting " + store.file());
            persist();
        }
    }

    /** Rewrites the file from the running configuration (unless replaying) and forces the journal out. */
    public void compact() {
        synchronized (state.lock) {
            persist();
            store.close();
        }
    }

    /** Journal lines below which the file is never rewritten for routes alone. */
    private static final int COMPACT_MIN = 1000;

    @Override
    public List<String> running() {
        synchronized (state.lock) {
            List<String> out = new ArrayList<>();
            lines(out::add);
            return out;
        }
    }

    /** Hands out the running configuration's lines, in an order that replays; called with the lock held. */
    private void lines(Consumer<String> out) {
        ports.runningLines(out);
        addresses.runningLines(out);
        neighbors.runningLines(out);
        sr.settingLines(out);
        routes.runningLines(out);
        sr.steerLines(out);
        if (mirrors != null) {
            mirrors.runningLines(out);
        }
    }

    @Override
    public void save(Path file) throws DataplaneException {
        try {
            synchronized (state.lock) {
                ConfigStore.write(file, this::lines);
            }
        } catch (IOException e) {
            throw new DataplaneException("cannot save " + file + ": " + e.getMessage());
        }
    }

    @Override
    public List<String> read(Path file) throws DataplaneException {
        try {
            return ConfigStore.read(file);
        } catch (IOException e) {
            throw new DataplaneException("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Override
    public Path file() {
        return store.file();
    }

    @Override
    public boolean replayOnce(LineExecutor executor) {
        boolean journal;
        synchronized (state.lock) {
            if (replayed) {
                return false;
            }
            replayed = true;
            journal = Files.exists(store.journalFile());
            state.replaying = true;
        }
        List<ConfigStore.Line> rejected = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        boolean read = false;
        try {
            // streamed: each line is executed as it is read, without the lock (the executor takes it)
            store.load(line -> {
                String error;
                try {
                    error = executor.execute(line.file(), line.number(), line.text(), line.problem());
                } catch (RuntimeException e) {
                    error = e.getMessage() == null ? e.toString() : e.getMessage();
                }
                if (error != null) {
                    rejected.add(line);
                    reasons.add(error);
                }
            });
            read = true;
        } catch (IOException e) {
            CoreLog.warn("cannot read " + store.file() + ": " + e.getMessage());
        } finally {
            synchronized (state.lock) {
                state.replaying = false;
                // a file that could not be read to its end is left as it was
                if (keep(rejected, reasons) && read && (journal || !rejected.isEmpty())) {
                    persist(); // one file again, of what was applied; the rest is in .rejected and .bak
                }
            }
        }
        return true;
    }

    /** Lines the replay could not apply go to srv6.conf.rejected; @return false when they could not (the file must keep them) */
    private boolean keep(List<ConfigStore.Line> rejected, List<String> reasons) {
        if (rejected.isEmpty()) {
            return true;
        }
        try {
            store.reject(rejected, reasons);
            CoreLog.warn(rejected.size() + " configuration lines could not be applied; they are kept in "
                    + store.rejectedFile());
            return true;
        } catch (IOException e) {
            CoreLog.error("cannot keep " + rejected.size() + " rejected configuration lines in "
                    + store.rejectedFile() + "; " + store.file() + " is left as it was", e);
            return false;
        }
    }

    @Override
    public void batch(Runnable work) {
        synchronized (state.lock) {
            state.batches++;
        }
        try {
            work.run();
        } finally {
            synchronized (state.lock) {
                if (--state.batches == 0) {
                    persist(); // the whole configuration once, instead of a journal line per change
                }
            }
        }
    }

    @Override
    public boolean replaying() {
        return state.replaying;
    }
}
