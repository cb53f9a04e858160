package org.srv6.appliance.shell.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.ConfigReplay;
import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.CaptureInfo;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MirrorService;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.StatsSection;
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
        "osgi.command.function=lcp",
        "osgi.command.function=keywords",
        "osgi.command.function=help",
        "osgi.command.function=default"})
public final class ShellCommands implements Ip.Services {

    // what `help` and `help srv6` print of each command; also its Gogo @Descriptor
    static final String IP_DESC = "Configure ports, addresses, routes, neighbors and SRv6 in the iproute2 dialect; ip help for the objects";
    static final String BEHAVIORS_DESC = "List the installed behaviors: keyword, bundle, version, SIDs using it, then its parameter syntax";
    static final String SIDS_DESC = "List the SIDs: behavior, state, table, lookup table, packets, bytes, drops";
    static final String STATS_DESC = "Show the counters of each port, then the drops by reason and the neighbor counters";
    static final String CAPTURE_DESC = "Write what a port sends and receives as pcap to a file or - (the client's output), as it passes; stop PORT|all, list";
    static final String CONFIG_DESC = "Show, save or load the running configuration; status of the boot replay";
    static final String LCP_DESC = "Mirror ports into a Linux control namespace (routing daemons talk through them); add, del, show with counters";
    static final String PORTS_DESC = "Print the port names on one line (for Tab completion)";
    static final String KEYWORDS_DESC = "Print the installed behavior keywords on one line (for Tab completion)";
    static final String HELP_DESC = "List the commands with their descriptions, the appliance's first; help srv6, help ip or help NAME for one";
    static final String DEFAULT_DESC = "Answers a name no command has with one line: Command not found";

    /** Each srv6 command: name, description, usage; in the order {@code help} lists them. */
    static final String[][] COMMANDS = {
        {"ip", IP_DESC, "ip [ -4 | -6 | -s | -d ] { link | address | route | neighbor | sr } { COMMAND | help }"},
        {"behaviors", BEHAVIORS_DESC, "srv6:behaviors"},
        {"sids", SIDS_DESC, "srv6:sids"},
        {"stats", STATS_DESC, "srv6:stats"},
        {"capture", CAPTURE_DESC, "srv6:capture PORT FILE|- [count N] [filter EXPR]"},
        {"config", CONFIG_DESC, "srv6:config [ show | status | save FILE | load FILE ]"},
        {"lcp", LCP_DESC, Lcp.USAGE},
        {"ports", PORTS_DESC, "srv6:ports"},
        {"keywords", KEYWORDS_DESC, "srv6:keywords"},
        {"help", HELP_DESC, "help [ srv6 | ip | NAME ]"},
    };

    private volatile BundleContext context;

    @Activate
    void activate(BundleContext bc) {
        context = bc;
    }

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
    /** Counters of other bundles (the netlink follower's), printed at the end of {@code srv6:stats}. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<StatsSection> sections = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MirrorService mirrors;

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
    @Override public MirrorService mirrors() { return mirrors; }
    @Override public String lcpNetns() {
        BundleContext bc = context;
        return Lcp.defaultNetns(bc == null ? System.getProperty("srv6.lcp.netns") : bc.getProperty("srv6.lcp.netns"));
    }

    @Descriptor(IP_DESC)
    public String ip(@Descriptor("OBJECT COMMAND ..., e.g. route add fc00::1/128 encap seg6local action End dev p0; help")
            String... args) {
        String out = ip.command(List.of(args));
        return out.isEmpty() ? null : stripNl(out);
    }

    private static String stripNl(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    @Descriptor(BEHAVIORS_DESC)
    public String behaviors(@Descriptor("none") String... args) {
        noArgs("behaviors", args);
        SrService s = need(sr);
        StringBuilder sb = new StringBuilder();
        for (BehaviorInfo b : s.behaviors()) {
            sb.append(b.keyword()).append(' ').append(b.bundleId()).append(' ').append(b.symbolicName())
                    .append(' ').append(b.version()).append(' ').append(String.join(",", b.sids())).append('\n')
                    .append("    ").append(b.syntax()).append('\n');
        }
        return stripNl(sb.toString());
    }

    @Descriptor(SIDS_DESC)
    public String sids(@Descriptor("none") String... args) {
        noArgs("sids", args);
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

    @Descriptor(STATS_DESC)
    public String stats(@Descriptor("none") String... args) throws DataplaneException {
        noArgs("stats", args);
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
            String io = c.ioBackend();
            if (!io.isEmpty()) {
                int loops = c.loopBusyNanos().length;
                sb.append("io: ").append(io).append(", ").append(loops).append(loops == 1 ? " loop" : " loops").append('\n');
            }
        }
        for (StatsSection section : sections) {
            String lines;
            try {
                lines = section.stats();
            } catch (RuntimeException e) {
                lines = "unavailable: " + e.getMessage();
            }
            sb.append(section.section()).append(":\n");
            for (String line : lines.split("\n")) {
                if (!line.isBlank()) {
                    sb.append("  ").append(line).append('\n');
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
    @Descriptor(CAPTURE_DESC)
    public String capture(CommandSession session,
            @Descriptor("PORT FILE|- [count N] [filter EXPR] | stop PORT|all | list") String... args) {
        if (args.length == 0) {
            throw new ShellError("no port given; usage: " + CAPTURE_USAGE_ALL);
        }
        if (args[0].equals("list")) {
            if (args.length != 1) {
                throw new ShellError("unexpected '" + args[1] + "'; usage: srv6:capture list");
            }
            return captureTable(need(ports).captures(), System.currentTimeMillis());
        }
        if (args[0].equals("stop")) {
            if (args.length != 2) {
                throw new ShellError((args.length < 2 ? "no port given" : "unexpected '" + args[2] + "'")
                        + "; usage: srv6:capture stop PORT|all");
            }
            PortService p = need(ports);
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
                    throw new ShellError(e.getMessage(), false);
                }
                sb.append(c.port()).append(": ").append(c.frames()).append(" frames to ").append(c.file())
                        .append(", ").append(c.dropped()).append(" dropped\n");
            }
            return sb.length() == 0 ? null : stripNl(sb.toString());
        }
        String port = args[0];
        if (args.length < 2) {
            throw new ShellError("no file given; usage: " + CAPTURE_USAGE);
        }
        String file = args[1];
        long count = 0;
        String filter = null;
        for (int k = 2; k < args.length; k++) {
            switch (args[k]) {
                case "count" -> {
                    if (k + 1 >= args.length) {
                        throw new ShellError("count needs a number; usage: " + CAPTURE_USAGE);
                    }
                    try {
                        count = Long.parseLong(args[++k]);
                    } catch (NumberFormatException e) {
                        count = -1;
                    }
                    if (count <= 0) {
                        throw new ShellError("bad count '" + args[k] + "'; expected a positive number; usage: "
                                + CAPTURE_USAGE);
                    }
                }
                case "filter" -> {
                    if (k + 1 >= args.length) {
                        throw new ShellError("filter needs an expression; usage: " + CAPTURE_USAGE);
                    }
                    filter = String.join(" ", java.util.Arrays.copyOfRange(args, k + 1, args.length));
                    k = args.length;
                }
                default -> throw new ShellError("unexpected '" + args[k] + "'; usage: " + CAPTURE_USAGE);
            }
        }
        PortService p = need(ports);
        try {
            if (file.equals("-")) {
                p.streamCapture(port, session.getConsole(), count, filter);
            } else {
                p.startCapture(port, Path.of(file).toAbsolutePath(), count, filter);
            }
        } catch (DataplaneException e) {
            throw new ShellError(e.getMessage() + "; usage: " + CAPTURE_USAGE, false);
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

    @Descriptor(CONFIG_DESC)
    public String config(@Descriptor("[ show | status | save FILE | load FILE ]") String... args) {
        try {
            return configCommand(args);
        } catch (IOException e) {
            throw new ShellError(ioMessage(e), false);
        }
    }

    private static String ioMessage(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "cannot read " + e.getMessage() + ": no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "cannot access " + e.getMessage() + ": permission denied";
        }
        return "cannot access the file: " + e.getMessage();
    }

    private String configCommand(String... args) throws IOException {
        String verb = args.length == 0 ? "show" : args[0];
        if (verb.equals("status")) {
            return status(replay);
        }
        if (!List.of("show", "save", "load").contains(verb)) {
            throw usage("config", "unknown config command '" + verb + "'; expected show, status, save FILE or load FILE");
        }
        ConfigService c = need(config);
        switch (verb) {
            case "show" -> {
                return String.join("\n", c.running());
            }
            case "save" -> {
                if (args.length != 2) {
                    throw usage("config", "missing file; expected srv6:config save FILE");
                }
                Path target = Path.of(args[1]).toAbsolutePath();
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.write(tmp, c.running());
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return null;
            }
            case "load" -> {
                if (args.length != 2) {
                    throw usage("config", "missing file; expected srv6:config load FILE");
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
                    throw new ShellError(rejected[0], false);
                }
                return null;
            }
            default -> throw usage("config", "unknown config command '" + verb
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

    @Descriptor(LCP_DESC)
    public String lcp(@Descriptor("add PORT [netns NS] [name IFNAME] | del PORT | show") String... args) {
        try {
            return Lcp.execute(mirrors, List.of(args), lcpNetns());
        } catch (ShellError e) {
            if (!e.wrongWords()) {
                throw e;
            }
            throw new ShellError(e.getMessage() + "; usage: " + Lcp.USAGE);
        }
    }

    /** Port names, one per line, for completion declarations. */
    @Descriptor(PORTS_DESC)
    public String ports(@Descriptor("none") String... args) {
        noArgs("ports", args);
        PortService p = ports;
        List<String> names = new ArrayList<>();
        if (p != null) {
            p.list().forEach(i -> names.add(i.name()));
        }
        return String.join(" ", names);
    }

    /** Installed behavior keywords and transit modes, for completion declarations. */
    @Descriptor(KEYWORDS_DESC)
    public String keywords(@Descriptor("none") String... args) {
        noArgs("keywords", args);
        SrService s = sr;
        List<String> k = new ArrayList<>();
        if (s != null) {
            s.behaviors().forEach(b -> k.add(b.keyword()));
        }
        return String.join(" ", k);
    }

    /**
     * Gogo runs {@code default} for a name that no command has (in place of its
     * CommandNotFoundException), with that name first: one line, as every rejected command.
     */
    @Descriptor(DEFAULT_DESC)
    public Object _default(@Descriptor("the name typed, then its arguments") Object... args) {
        String name = args.length == 0 ? "" : String.valueOf(args[0]);
        throw new ShellError("Command not found: " + name + "; help lists the commands", false);
    }

    @Descriptor(HELP_DESC)
    public String help(CommandSession session, @Descriptor("[ srv6 | ip | NAME ]") String... args) throws Exception {
        if (args.length == 0) {
            TreeMap<String, String> others = Help.others(context);
            Help.fromCompletions(others, session.get(".completions"));
            return Help.all(COMMANDS, others);
        }
        if (args.length > 1) {
            throw usage("help", "unexpected '" + args[1] + "'");
        }
        String name = args[0];
        if (name.equals("srv6") || name.equals("ip") || name.equals("srv6:ip")) {
            return name.endsWith("ip") ? Help.ip() : Help.srv6(COMMANDS);
        }
        for (String[] c : COMMANDS) {
            if (name.equals(c[0]) || name.equals("srv6:" + c[0])) {
                return Help.one(c);
            }
        }
        if (name.equals("default") || name.equals("srv6:default")) {
            return Help.one(new String[] {"default", DEFAULT_DESC, "(not typed: Gogo runs it for an unknown NAME)"});
        }
        if (!name.matches("[\\w.:-]+")) {
            throw usage("help", "invalid command name '" + name + "'");
        }
        // another bundle's command: Gogo's own help for it (its methods and parameters)
        Object out = session.execute("felix:help " + name);
        return out == null ? null : out.toString();
    }

    /** A srv6 command given arguments it does not take. */
    private static void noArgs(String command, String... args) {
        if (args.length > 0) {
            throw usage(command, "unexpected '" + args[0] + "'; srv6:" + command + " takes no arguments");
        }
    }

    /** Wrong words for a srv6 command: the reason, then its usage line. */
    static ShellError usage(String command, String reason) {
        for (String[] c : COMMANDS) {
            if (c[0].equals(command)) {
                return new ShellError(reason + "; usage: " + c[2]);
            }
        }
        return new ShellError(reason);
    }

    private static <T> T need(T service) {
        if (service == null) {
            throw new ShellError("dataplane service not available; expected the srv6-core bundle to be active", false);
        }
        return service;
    }
}
