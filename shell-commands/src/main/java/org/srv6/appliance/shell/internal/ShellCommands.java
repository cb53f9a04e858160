package org.srv6.appliance.shell.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.CaptureInfo;
import org.srv6.appliance.api.dataplane.ConfigReplay;
import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * The Gogo commands {@code ip} and {@code srv6:*}. Services are optional and dynamic so the
 * commands stay registered (and say what is missing) while the core restarts. The saved
 * configuration is replayed at boot by {@link BootReplayComponent}, not here.
 */
@Component(service = Object.class, property = {
        "osgi.command.scope=srv6",
        "osgi.command.function=ip",
        "osgi.command.function=behaviors",
        "osgi.command.function=sids",
        "osgi.command.function=stats",
        "osgi.command.function=capture",
        "osgi.command.function=config",
        "osgi.command.function=ports",
        "osgi.command.function=keywords"})
public final class ShellCommands implements Ip.Services {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PortService ports;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AddressService addresses;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RouteService routes;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile NeighborService neighbors;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SrService sr;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Counters counters;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigService config;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigReplay replay;

    private final Ip ip = new Ip(this);

    @Override public PortService portService() { return ports; }
    @Override public AddressService addresses() { return addresses; }
    @Override public RouteService routes() { return routes; }
    @Override public NeighborService neighbors() { return neighbors; }
    @Override public SrService sr() { return sr; }

    public String ip(String... args) {
        String out = ip.execute(List.of(args));
        return out.isEmpty() ? null : stripNl(out);
    }

    private static String stripNl(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    public String behaviors() {
        SrService s = need(sr);
        StringBuilder sb = new StringBuilder();
        for (BehaviorInfo b : s.behaviors()) {
            sb.append(b.keyword()).append(' ').append(b.bundleId()).append(' ').append(b.symbolicName())
                    .append(' ').append(b.version()).append(' ').append(String.join(",", b.sids())).append('\n')
                    .append("    ").append(b.syntax()).append('\n');
        }
        return stripNl(sb.toString());
    }

    public String sids() {
        return sidTable(need(sr).sids());
    }

    /**
     * The SID table: TABLE is the table the SID is installed in, LOOKUP the table its behavior
     * looks packets up in ({@code table T} / {@code vrftable T} of End.T, End.DT*), else "-". A
     * proxy SID (it takes back what its service returns) counts both directions in its row and
     * shows each on the line below; a SID with a status (the instance's, or why it is inactive)
     * shows it on a line of its own.
     */
    static String sidTable(List<SidInfo> sids) {
        StringBuilder sb = new StringBuilder(String.format("%-40s %-18s %-8s %-6s %-6s %12s %14s %10s%n",
                "SID", "BEHAVIOR", "STATE", "TABLE", "LOOKUP", "PACKETS", "BYTES", "DROPS"));
        for (SidInfo i : sids) {
            sb.append(String.format("%-40s %-18s %-8s %-6s %-6s %12d %14d %10d%n", i.sid(), i.keyword(),
                    i.active() ? "active" : "inactive", RouteGrammar.tableName(i.table()), lookupTable(i.params()),
                    i.packets() + i.fromPackets(), i.bytes() + i.fromBytes(), i.drops() + i.fromDrops()));
            if (i.proxy()) {
                sb.append("    ").append(directions(i.packets(), i.bytes(), i.drops(), i.fromPackets(), i.fromBytes(),
                        i.fromDrops())).append('\n');
            }
            if (i.status() != null) {
                sb.append("    ").append(i.status()).append('\n');
            }
        }
        return stripNl(sb.toString());
    }

    /** A proxy SID's counters per direction: to its service ({@code process}), from it ({@code processReturn}). */
    static String directions(long packets, long bytes, long errors, long fromPackets, long fromBytes, long fromErrors) {
        return "to-service packets " + packets + " bytes " + bytes + " errors " + errors + " from-service packets "
                + fromPackets + " bytes " + fromBytes + " errors " + fromErrors;
    }

    /** @return the table a behavior's parameters name ({@code table T} or {@code vrftable T}), or "-" */
    static String lookupTable(String params) {
        List<String> w = params == null ? List.of() : RouteGrammar.words(params);
        for (int k = 0; k + 1 < w.size(); k++) {
            if (w.get(k).equals("table") || w.get(k).equals("vrftable")) {
                int id = RouteGrammar.tableId(w.get(k + 1));
                return id == -1 ? w.get(k + 1) : RouteGrammar.tableName(id);
            }
        }
        return "-";
    }

    public String stats() throws DataplaneException {
        PortService p = need(ports);
        StringBuilder sb = new StringBuilder(String.format("%-12s %12s %14s %12s %14s %10s %10s%n",
                "PORT", "RX-PACKETS", "RX-BYTES", "TX-PACKETS", "TX-BYTES", "RX-DROP", "TX-DROP"));
        for (PortInfo pi : p.list()) {
            PortCounters c = p.counters(pi.name());
            sb.append(String.format("%-12s %12d %14d %12d %14d %10d %10d%n", pi.name(), c.rxPackets(),
                    c.rxBytes(), c.txPackets(), c.txBytes(), c.rxDropped(), c.txDropped()));
        }
        Counters c = counters;
        if (c != null) {
            sb.append("drops:\n");
            for (Map.Entry<String, Long> e : c.drops().entrySet()) {
                sb.append(String.format("  %-24s %d%n", e.getKey(), e.getValue()));
            }
            Map<String, Long> neigh = c.neighbors();
            if (!neigh.isEmpty()) {
                sb.append("neighbors:\n");
                for (Map.Entry<String, Long> e : neigh.entrySet()) {
                    sb.append(String.format("  %-24s %d%n", e.getKey(), e.getValue()));
                }
            }
        }
        return stripNl(sb.toString());
    }

    static final String CAPTURE_USAGE = "srv6:capture PORT FILE|- [count N] [filter EXPR]";
    static final String CAPTURE_USAGE_ALL = CAPTURE_USAGE + " | stop PORT|all | list";

    /**
     * {@code srv6:capture PORT FILE|- [count N] [filter EXPR]}, {@code srv6:capture stop PORT|all},
     * {@code srv6:capture list}. With {@code -} the pcap stream goes to the session's output
     * (the admin client's standard output) and the command returns when the capture ends.
     */
    public String capture(CommandSession session, String... args) throws DataplaneException {
        if (args.length == 0) {
            throw new IllegalArgumentException("no port given; usage: " + CAPTURE_USAGE_ALL);
        }
        PortService p = need(ports);
        if (args[0].equals("list")) {
            if (args.length != 1) {
                throw new IllegalArgumentException("unexpected '" + args[1] + "'; usage: srv6:capture list");
            }
            return captureTable(p.captures(), System.currentTimeMillis());
        }
        if (args[0].equals("stop")) {
            if (args.length != 2) {
                throw new IllegalArgumentException((args.length < 2 ? "no port given" : "unexpected '" + args[2] + "'")
                        + "; usage: srv6:capture stop PORT|all");
            }
            List<String> names = new ArrayList<>();
            if (args[1].equals("all")) {
                p.captures().forEach(c -> names.add(c.port()));
            } else {
                names.add(args[1]);
            }
            StringBuilder sb = new StringBuilder();
            for (String n : names) {
                CaptureInfo c;
                try {
                    c = p.stopCapture(n);
                } catch (DataplaneException e) {
                    if (args[1].equals("all")) {
                        continue; // ended meanwhile
                    }
                    throw e;
                }
                sb.append(c.port()).append(": ").append(c.frames()).append(" frames to ").append(c.file())
                        .append(", ").append(c.dropped()).append(" dropped\n");
            }
            return sb.length() == 0 ? null : stripNl(sb.toString());
        }
        String port = args[0];
        if (args.length < 2) {
            throw new IllegalArgumentException("no file given; usage: " + CAPTURE_USAGE);
        }
        String file = args[1];
        long count = 0;
        String filter = null;
        for (int k = 2; k < args.length; k++) {
            switch (args[k]) {
                case "count" -> {
                    if (k + 1 >= args.length) {
                        throw new IllegalArgumentException("count needs a number; usage: " + CAPTURE_USAGE);
                    }
                    try {
                        count = Long.parseLong(args[++k]);
                    } catch (NumberFormatException e) {
                        count = -1;
                    }
                    if (count <= 0) {
                        throw new IllegalArgumentException("bad count '" + args[k] + "'; expected a positive number; usage: "
                                + CAPTURE_USAGE);
                    }
                }
                case "filter" -> {
                    if (k + 1 >= args.length) {
                        throw new IllegalArgumentException("filter needs an expression; usage: " + CAPTURE_USAGE);
                    }
                    filter = String.join(" ", java.util.Arrays.copyOfRange(args, k + 1, args.length));
                    k = args.length;
                }
                default -> throw new IllegalArgumentException("unexpected '" + args[k] + "'; usage: " + CAPTURE_USAGE);
            }
        }
        try {
            if (file.equals("-")) {
                p.streamCapture(port, session.getConsole(), count, filter);
            } else {
                p.startCapture(port, Path.of(file).toAbsolutePath(), count, filter);
            }
        } catch (DataplaneException e) {
            throw new IllegalArgumentException(e.getMessage() + "; usage: " + CAPTURE_USAGE, e);
        }
        return null;
    }

    /** The running captures: port, frames written, dropped, limit, running time, file, filter. */
    static String captureTable(List<CaptureInfo> captures, long now) {
        StringBuilder sb = new StringBuilder(String.format("%-12s %12s %10s %10s %10s  %-30s %s%n",
                "PORT", "FRAMES", "DROPPED", "COUNT", "TIME", "FILE", "FILTER"));
        for (CaptureInfo c : captures) {
            long secs = Math.max(0, now - c.startMillis()) / 1000;
            sb.append(String.format("%-12s %12d %10d %10s %10s  %-30s %s", c.port(), c.frames(), c.dropped(),
                    c.count() == 0 ? "-" : Long.toString(c.count()),
                    String.format("%d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60), c.file(),
                    c.filter().isEmpty() ? "-" : c.filter()).stripTrailing()).append('\n');
        }
        return stripNl(sb.toString());
    }

    public String config(String... args) throws Exception {
        String verb = args.length == 0 ? "show" : args[0];
        if (verb.equals("status")) {
            return status(replay);
        }
        ConfigService c = need(config);
        switch (verb) {
            case "show" -> {
                return String.join("\n", c.running());
            }
            case "save" -> {
                if (args.length != 2) {
                    throw new IllegalArgumentException("missing file; expected srv6:config save FILE");
                }
                Path target = Path.of(args[1]).toAbsolutePath();
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.write(tmp, c.running());
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return null;
            }
            case "load" -> {
                if (args.length != 2) {
                    throw new IllegalArgumentException("missing file; expected srv6:config load FILE");
                }
                List<String> lines = Files.readAllLines(Path.of(args[1]));
                String[] rejected = {null};
                // one batch: no journal line per change, the configuration is written once at the end
                c.batch(() -> {
                    int n = 0;
                    for (String line : lines) {
                        n++;
                        String err = ip.run(line);
                        if (err != null) {
                            rejected[0] = args[1] + " line " + n + ": " + err;
                            return;
                        }
                    }
                });
                if (rejected[0] != null) {
                    throw new IllegalArgumentException(rejected[0]);
                }
                return null;
            }
            default -> throw new IllegalArgumentException("unknown config command '" + verb
                    + "'; expected show, status, save FILE or load FILE");
        }
    }

    /** {@code srv6:config status}: the boot replay's summary, then each rejected line with its reason. */
    static String status(ConfigReplay r) {
        if (r == null) {
            return "the saved configuration has not been replayed yet; expected the srv6-core bundle to be active";
        }
        StringBuilder sb = new StringBuilder(BootReplay.summary(r));
        for (ConfigReplay.Rejected x : r.rejected()) {
            sb.append("\n  ").append(BootReplay.where(r.file(), x)).append(": ").append(x.reason()).append(": ").append(x.text());
        }
        return sb.toString();
    }

    /** Port names, one per line, for completion declarations. */
    public String ports() {
        PortService p = ports;
        List<String> names = new ArrayList<>();
        if (p != null) {
            p.list().forEach(i -> names.add(i.name()));
        }
        return String.join(" ", names);
    }

    /** Installed behavior keywords and transit modes, for completion declarations. */
    public String keywords() {
        SrService s = sr;
        List<String> k = new ArrayList<>();
        if (s != null) {
            s.behaviors().forEach(b -> k.add(b.keyword()));
        }
        return String.join(" ", k);
    }

    private static <T> T need(T service) {
        if (service == null) {
            throw new IllegalStateException("dataplane service not available; expected the srv6-core bundle to be active");
        }
        return service;
    }
}
