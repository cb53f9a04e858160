package org.srv6.appliance.core.internal.control;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.api.dataplane.SteerInfo;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;

/**
 * Owns the SR settings ({@code ip sr}): the tunnel source, the HMAC keys and per-port policies, the
 * per-port steering, and the SID and behavior listings. Key and source changes re-create the instances.
 */
public final class SrSettings implements SrService {
    /** The transit modes a port can be steered into. */
    static final List<String> STEER_MODES = List.of("encap", "encap.red", "l2encap", "l2encap.red");

    private final ControlState state;
    private final BehaviorRegistry registry;
    /** The secrets as typed, for the running configuration (the keys themselves live in the state). */
    private final Map<Integer, String> hmacSecrets = new TreeMap<>();

    public SrSettings(ControlState state, BehaviorRegistry registry) {
        this.state = state;
        this.registry = registry;
    }

    @Override
    public List<BehaviorInfo> behaviors() {
        synchronized (state.lock) {
            return registry.info();
        }
    }

    @Override
    public java.util.Set<String> keywords() {
        synchronized (state.lock) {
            return registry.keywords();
        }
    }

    @Override
    public List<SidInfo> sids() {
        synchronized (state.lock) {
            List<SidInfo> out = new ArrayList<>();
            for (Route r : state.routes.withBehavior()) {
                if (r.kind != Route.SID) {
                    continue;
                }
                Route.SidCounters c = r.counters;
                BehaviorInstance inst = r.instance;
                out.add(new SidInfo(r.prefix(), r.table, r.spec().keyword(), Routes.params(r), inst != null,
                        c.packets.sum(), c.bytes.sum(), c.errors.sum(), c.proxy, c.fromPackets.sum(),
                        c.fromBytes.sum(), c.fromErrors.sum(), inst != null ? status(inst) : c.waiting));
            }
            return out;
        }
    }

    /** Longest status shown: one line of the SID table. */
    private static final int STATUS_MAX = 160;

    /** The instance's own short state, on one line; a failing one says so rather than failing the listing. */
    private static String status(BehaviorInstance inst) {
        String st;
        try {
            st = inst.status();
        } catch (RuntimeException e) {
            return "status unavailable";
        }
        if (st == null || st.isBlank()) {
            return null;
        }
        st = st.strip().replaceAll("\\s+", " ");
        return st.length() <= STATUS_MAX ? st : st.substring(0, STATUS_MAX - 3) + "...";
    }

    @Override
    public void setTunnelSource(String address) throws DataplaneException {
        synchronized (state.lock) {
            byte[] a;
            try {
                a = InetAddrs.parse6(address);
            } catch (IllegalArgumentException e) {
                throw new DataplaneException("bad tunnel source '" + address + "'; expected an IPv6 address");
            }
            state.tunnelSource = a;
            registry.recreateAll();
            state.changed();
        }
    }

    @Override
    public String tunnelSource() {
        synchronized (state.lock) {
            return InetAddrs.format6(state.tunnelSource);
        }
    }

    @Override
    public void setHmacKey(int keyId, String algorithm, String secret) throws DataplaneException {
        synchronized (state.lock) {
            String id = Integer.toUnsignedString(keyId);
            if (keyId == 0) {
                throw new DataplaneException("HMAC key id 0 out of range; expected 1..4294967295");
            }
            String algo = algorithm == null ? "" : algorithm.toLowerCase(Locale.ROOT);
            if (secret == null || secret.isEmpty()) {
                if (!state.hmacKeys.containsKey(keyId)) {
                    throw new DataplaneException("no HMAC key " + id + "; keys: " + keyList());
                }
                Route user = hmacUser(keyId);
                if (user != null) {
                    throw new DataplaneException("HMAC key " + id + " is used by " + describe(user)
                            + "; delete the routes that name hmac " + id + " first");
                }
                state.hmacKeys.remove(keyId);
                hmacSecrets.remove(keyId);
            } else {
                if (!algo.equals("sha1") && !algo.equals("sha256")) {
                    throw new DataplaneException("unknown HMAC algorithm " + algorithm + "; expected sha1 or sha256");
                }
                // the kernel takes at most 64 bytes; one word, so that the configuration line reads back
                if (secret.getBytes(StandardCharsets.UTF_8).length > 64
                        || secret.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                    throw new DataplaneException("bad HMAC secret for key " + id
                            + "; expected one word of at most 64 bytes, without spaces or control characters");
                }
                state.hmacKeys.put(keyId, new BehaviorContext.HmacKey(keyId, algo,
                        secret.getBytes(StandardCharsets.UTF_8)));
                hmacSecrets.put(keyId, secret);
            }
            registry.recreateAll();
            state.changed();
        }
    }

    /** @return a route or steering whose behavior names {@code hmac keyId}, or null */
    private Route hmacUser(int keyId) {
        for (Route r : state.behaviorRoutes()) {
            if (r.config != null) {
                if (r.config.attributes().has(Attribute.HMAC) && r.config.attributes().hmac() == keyId) {
                    return r;
                }
                continue;
            }
            List<String> p = r.spec().params(); // a behavior not installed: its words as typed
            for (int i = 0; p != null && i + 1 < p.size(); i++) {
                if (p.get(i).equals("hmac") && p.get(i + 1).equals(Integer.toUnsignedString(keyId))) {
                    return r;
                }
            }
        }
        return null;
    }

    private String describe(Route r) {
        for (PortCfg p : state.ports.values()) {
            if (p.steer == r) {
                return "ip sr steer iif " + p.name();
            }
        }
        return "route " + r.prefix() + (r.table == Tables.MAIN ? "" : " table " + r.table) + " ("
                + r.spec().keyword() + ")";
    }

    private String keyList() {
        if (state.hmacKeys.isEmpty()) {
            return "none";
        }
        List<String> ids = new ArrayList<>();
        state.hmacKeys.keySet().forEach(k -> ids.add(Integer.toUnsignedString(k)));
        return String.join(", ", ids);
    }

    @Override
    public Map<Integer, String> hmacKeys() {
        synchronized (state.lock) {
            Map<Integer, String> out = new TreeMap<>();
            state.hmacKeys.forEach((k, v) -> out.put(k, v.algorithm()));
            return out;
        }
    }

    @Override
    public void setHmacPolicy(String port, int policy) throws DataplaneException {
        synchronized (state.lock) {
            if (policy < -1 || policy > 1) {
                throw new DataplaneException("HMAC policy " + policy + " out of range; expected -1, 0 or 1");
            }
            state.port(port).hmacPolicy = policy;
            state.changed();
        }
    }

    @Override
    public void addSteer(String port, String mode, List<String> params) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(port);
            if (!STEER_MODES.contains(mode)) {
                throw new DataplaneException("unknown steering mode " + mode + "; expected "
                        + String.join(", ", STEER_MODES));
            }
            if (p.steer != null) {
                throw new DataplaneException("port " + port + " is already steered; ip sr steer del iif " + port
                        + " first");
            }
            Route holder = registry.claimant(p.index(), null, null);
            if (holder != null) {
                throw new DataplaneException("port " + port + " takes the returning traffic of SID " + holder.prefix()
                        + " (" + holder.spec().keyword() + "); a proxy's service port takes no steering");
            }
            Provider pr = registry.active(mode);
            if (pr == null || !pr.kind().equals("TRANSIT")) {
                throw new DataplaneException("steering mode " + mode + " is not installed; installed: "
                        + registry.installed("TRANSIT"));
            }
            RouteSpec spec = new RouteSpec(6, "::/0", null, port, Tables.MAIN, 0, RouteSpec.SEG6, mode, params);
            Route r = new Route(spec, Route.STEER, 0, 0, 0, 0, false, 0, 0, 0, p.index(), 0, false, null);
            registry.instantiate(r, pr);
            p.steer = r;
            state.changed();
        }
    }

    @Override
    public void deleteSteer(String port) throws DataplaneException {
        synchronized (state.lock) {
            PortCfg p = state.port(port);
            if (p.steer == null) {
                throw new DataplaneException("port " + port + " is not steered");
            }
            Route old = p.steer;
            p.steer = null;
            registry.retryWaiting(); // a proxy SID may wait for the port
            state.changed();
            registry.retire(old.instance);
        }
    }

    @Override
    public List<String> steers() {
        synchronized (state.lock) {
            List<String> out = new ArrayList<>();
            for (PortCfg p : state.ports.values()) {
                if (p.steer != null) {
                    out.add(steerLine(p));
                }
            }
            return out;
        }
    }

    @Override
    public List<SteerInfo> steering() {
        synchronized (state.lock) {
            List<SteerInfo> out = new ArrayList<>();
            for (PortCfg p : state.ports.values()) {
                Route r = p.steer;
                if (r != null) {
                    out.add(new SteerInfo(p.name(), r.spec().keyword(), steerLine(p), r.instance != null,
                            r.counters.packets.sum(), r.counters.bytes.sum(), r.counters.errors.sum()));
                }
            }
            return out;
        }
    }

    private static String steerLine(PortCfg p) {
        Route r = p.steer;
        String params = Routes.params(r);
        return "iif " + p.name() + " mode " + r.spec().keyword() + (params.isEmpty() ? "" : " " + params);
    }

    /** The running configuration's tunnel source, HMAC key and HMAC policy lines. */
    void settingLines(Consumer<String> out) {
        if (!Arrays.equals(state.tunnelSource, new byte[16])) {
            out.accept("ip sr tunsrc set " + InetAddrs.format6(state.tunnelSource));
        }
        state.hmacKeys.forEach((k, v) -> out.accept("ip sr hmac set " + Integer.toUnsignedString(k) + " "
                + v.algorithm() + " "
                + hmacSecrets.get(k)));
        for (PortCfg p : state.ports.values()) {
            if (p.persistent() && p.hmacPolicy != 0) {
                out.accept("ip sr hmac policy " + p.name() + " " + p.hmacPolicy);
            }
        }
    }

    /** The running configuration's {@code ip sr steer add} lines (after the routes they may depend on). */
    void steerLines(Consumer<String> out) {
        for (PortCfg p : state.ports.values()) {
            if (p.persistent() && p.steer != null) {
                Route r = p.steer;
                out.accept("ip sr steer add iif " + p.name() + " mode " + r.spec().keyword()
                        + (r.spec().params().isEmpty() ? "" : " " + String.join(" ", r.spec().params())));
            }
        }
    }
}
