package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.junit.Test;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SrService;

/** The usage texts of {@code ip}, its one-line errors, and the descriptions {@code help} prints. */
public class UsageTest {

    private static final List<BehaviorInfo> BEHAVIORS = List.of(
            new BehaviorInfo("End", "ENDPOINT", 11, "srv6-behavior-end", "0.1.0", "[flavors psp,usp,usd,next-csid]", "End", List.of()),
            new BehaviorInfo("End.X", "ENDPOINT", 12, "srv6-behavior-end-x", "0.1.0", "nh6 ADDRESS [oif PORT]", "End.X", List.of()),
            new BehaviorInfo("encap", "TRANSIT", 13, "srv6-behavior-t-encaps", "0.1.0", "segs S1,...,Sn [hmac KEYID]", "H.Encaps", List.of()));

    @SuppressWarnings("unchecked")
    private static <T> T service(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (m.getName().equals("behaviors")) {
                return BEHAVIORS;
            }
            if (m.getName().equals("add") && type == RouteService.class) {
                throw new DataplaneException("RTNETLINK answers: File exists");
            }
            return m.getReturnType() == List.class ? List.of() : null;
        });
    }

    private final Ip ip = new Ip(new Ip.Services() {
        final PortService ps = service(PortService.class);
        final RouteService rs = service(RouteService.class);
        final SrService sr = service(SrService.class);
        @Override public PortService portService() { return ps; }
        @Override public AddressService addresses() { return service(AddressService.class); }
        @Override public RouteService routes() { return rs; }
        @Override public NeighborService neighbors() { return service(NeighborService.class); }
        @Override public SrService sr() { return sr; }
    });

    private String ip(String line) {
        return ip.command(Ip.words(line));
    }

    private ShellError error(String line) {
        try {
            ip(line);
        } catch (ShellError e) {
            assertFalse(e.getMessage(), e.getMessage().contains("\n"));
            assertEquals("Error: " + e.getMessage(), e.toString());
            return e;
        }
        fail("accepted: " + line);
        return null;
    }

    @Test
    public void ipHelpIsIproute2sTopUsage() {
        assertEquals("""
                Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
                where  OBJECT := { link | address | route | neighbor | sr }
                       OPTIONS := { -4 | -6 | -s[tatistics] | -d[etails] }
                """, ip("help"));
        assertEquals(ip("help"), ip("ip -6 help"));
    }

    @Test
    public void eachObjectPrintsItsUsageUnderItsAbbreviations() {
        assertTrue(ip("link help").startsWith("Usage: ip link add NAME type tap [ queues N ] [ netns NS [ name IFNAME ] ]\n"));
        assertEquals(ip("link help"), ip("l help"));
        assertTrue(ip("addr help").startsWith("Usage: ip [ -4 | -6 ] address { add | del } IFADDR dev PORT\n"));
        assertEquals(ip("addr help"), ip("a help"));
        assertTrue(ip("neigh help").startsWith("Usage: ip neigh { add | del | replace | change } ADDR [ lladdr LLADDR ] dev PORT\n"));
        assertEquals(ip("neigh help"), ip("neighbour help"));
        assertTrue(ip("sr help").contains("       ip sr hmac policy PORT { -1 | 0 | 1 }\n"));
        assertTrue(ip("-6 route help").startsWith("Usage: ip [ -4 | -6 ] [ -s ] route { list | show } [ table TABLE_ID | table all ]\n"));
        assertEquals(ip("route help"), ip("r help"));
    }

    @Test
    public void routeHelpHasTheSeg6SyntaxAndEveryInstalledBehavior() {
        String help = ip("route help");
        assertTrue(help, help.contains("ENCAPTYPE := encap { seg6 | seg6local }\n"));
        assertTrue(help, help.contains("SEG6HDR := mode SEGMODE [ tunsrc ADDRESS ] segs ADDR1,ADDRi,ADDRn [ hmac HMACKEYID ]\n"));
        assertTrue(help, help.contains("SEG6LOCALHDR := action ACTION [ ACTION_PARAMS ] [ count ]\n"));
        // the actions and their parameters come from the installed behaviors' descriptors
        assertTrue(help, help.contains("ACTION := { End | End.X }\n"));
        assertTrue(help, help.contains("\n       End   [flavors psp,usp,usd,next-csid]\n"));
        assertTrue(help, help.contains("\n       End.X nh6 ADDRESS [oif PORT]\n"));
        assertTrue(help, help.contains("installed SEGMODEs: { encap }\n"));
        assertFalse(help, help.contains("\n\n"));
    }

    @Test
    public void routeHelpWithoutTheCoreSaysWhereTheBehaviorsComeFrom() {
        assertTrue(Usage.route(null).endsWith("ACTION := (the installed behaviors are listed when the srv6-core bundle is active)\n"));
    }

    @Test
    public void wrongWordsEndWithTheObjectsUsageLine() {
        assertEquals("unknown object 'frobnicate'; expected link, addr, route, neigh, sr; usage: "
                + "ip [ -4 | -6 | -s | -d ] { link | address | route | neighbor | sr } { COMMAND | help }",
                error("frobnicate").getMessage());
        assertEquals("unknown route command 'frob'; expected add, del, replace, show; usage: " + Usage.line("route"),
                error("route frob 2001:db8::/64").getMessage());
        // the route grammar's own one line
        assertTrue(error("-6 route add").getMessage().startsWith("missing prefix; expected ip route add PREFIX"));
        assertTrue(error("-6 route add").getMessage().endsWith("; usage: " + Usage.line("route")));
        assertEquals("unknown link command 'up'; expected add, del, set, show; usage: " + Usage.line("link"),
                error("link up").getMessage());
        assertTrue(error("neigh add 2001:db8::1 lladdr 02:00:00:00:00:01").getMessage()
                .endsWith("; usage: " + Usage.line("neighbor")));
        assertTrue(error("sr bogus").getMessage().endsWith("; usage: ip sr { tunsrc | hmac | steer } COMMAND | ip sr help"));
        assertTrue(error("-x link").getMessage().startsWith("unknown option '-x'; expected -4, -6, -s or -d; usage: ip [ -4"));
    }

    @Test
    public void answersAboutTheStateHaveNoUsageLine() {
        // the words were right: the device, the route or the table is what is wrong
        assertEquals("Device \"nope\" does not exist.", error("link show dev nope").getMessage());
        assertEquals("RTNETLINK answers: File exists", error("-6 route add 2001:db8::/64 dev p0").getMessage());
    }

    @Test
    public void usageLinesAreOneLine() {
        for (String o : new String[] {"", "link", "address", "route", "neighbor", "sr"}) {
            assertFalse(o, Usage.line(o).contains("\n"));
            assertTrue(o, Usage.of(o, BEHAVIORS).startsWith("Usage: ip "));
        }
    }

    @Test
    public void everySrv6CommandHasADescriptorAndAUsage() throws Exception {
        for (String[] c : ShellCommands.COMMANDS) {
            Method m = null;
            for (Method x : ShellCommands.class.getMethods()) {
                if (x.getName().equals(c[0])) {
                    m = x;
                }
            }
            assertNotNull(c[0], m);
            assertEquals(c[0], c[1], m.getAnnotation(Descriptor.class).value());
            assertTrue(c[0], m.isVarArgs());
            assertTrue(c[0], c[2].startsWith(c[0].equals("ip") || c[0].equals("help") ? c[0] : "srv6:" + c[0]));
            // the parameters are described too
            Descriptor p = (Descriptor) m.getParameterAnnotations()[m.getParameterCount() - 1][0];
            assertFalse(c[0], p.value().isEmpty());
        }
        assertEquals(ShellCommands.DEFAULT_DESC, ShellCommands.class.getMethod("_default", Object[].class)
                .getAnnotation(Descriptor.class).value());
    }

    @Test
    public void srv6CommandsGivenWrongArgumentsSayWhatAndTheirUsage() throws Exception {
        ShellCommands cmd = new ShellCommands();
        assertEquals("no port given; usage: srv6:capture PORT FILE|- [count N] [filter EXPR] | stop PORT|all | list", message(() -> cmd.capture(null)));
        assertEquals("no file given; usage: srv6:capture PORT FILE|- [count N] [filter EXPR]", message(() -> cmd.capture(null, "p0")));
        assertEquals("bad count 'many'; expected a positive number; usage: srv6:capture PORT FILE|- [count N] [filter EXPR]",
                message(() -> cmd.capture(null, "p0", "/tmp/x.pcap", "count", "many")));
        assertEquals("unexpected 'x'; srv6:sids takes no arguments; usage: srv6:sids", message(() -> cmd.sids("x")));
        assertEquals("unknown config command 'frob'; expected show, status, save FILE or load FILE; usage: "
                + "srv6:config [ show | status | save FILE | load FILE ]", message(() -> cmd.config("frob")));
        assertEquals("Command not found: frobnicate; help lists the commands", message(() -> cmd._default("frobnicate", "1")));
        assertEquals("srv6:default - " + ShellCommands.DEFAULT_DESC + "\n  usage: (not typed: Gogo runs it for an unknown NAME)",
                cmd.help(null, "default"));
        assertEquals(Help.ip(), cmd.help(null, "ip"));
        assertEquals(Help.srv6(ShellCommands.COMMANDS), cmd.help(null, "srv6"));
        assertEquals("invalid command name 'lb; stop 0'; usage: help [ srv6 | ip | NAME ]", message(() -> {
            try {
                cmd.help(null, "lb; stop 0");
            } catch (ShellError e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }));
        assertEquals("unknown object 'x'; expected link, addr, route, neigh, sr; usage: " + Usage.line(""),
                message(() -> cmd.ip("x")));
    }

    private static String message(Runnable r) {
        try {
            r.run();
        } catch (ShellError e) {
            assertEquals("Error: " + e.getMessage(), e.toString());
            return e.getMessage();
        }
        fail("accepted");
        return null;
    }

    @Test
    public void helpListsOursFirstWithDescriptionsThenTheOthers() {
        TreeMap<String, String> others = new TreeMap<>();
        others.put("felix:lb", "list all installed bundles");
        others.put("gogo:echo", "");
        String help = Help.all(ShellCommands.COMMANDS, others);
        String[] lines = help.split("\n");
        assertEquals("The appliance's commands (help srv6 for their usage, ip help for the ip objects):", lines[0]);
        assertEquals("  ip              " + ShellCommands.IP_DESC, lines[1]);
        assertEquals("  srv6:behaviors  " + ShellCommands.BEHAVIORS_DESC, lines[2]);
        assertTrue(help, help.endsWith("\n\nThe shell's other commands (help NAME for one):\n"
                + "  felix:lb   list all installed bundles\n  gogo:echo"));
        String srv6 = Help.srv6(ShellCommands.COMMANDS);
        assertTrue(srv6, srv6.contains("  srv6:capture    " + ShellCommands.CAPTURE_DESC
                + "\n                  usage: srv6:capture PORT FILE|- [count N] [filter EXPR]\n"));
        assertTrue(Help.ip(), Help.ip().startsWith("srv6:ip - " + ShellCommands.IP_DESC + "\nUsage: ip [ OPTIONS ]"));
        for (String o : new String[] {"link", "address", "route", "neighbor", "sr"}) {
            assertTrue(o, Help.ip().matches("(?s).*\n  " + o + " +\\S.*"));
        }
    }

    /** A command object as another bundle registers it. */
    public static final class Other {
        @Descriptor("list all installed bundles")
        public String lb(String... a) {
            return "";
        }

        public String plain() {
            return "";
        }
    }

    /** JLine's CompletionData, as the console's {@code complete -c NAME -d TEXT} keeps it. */
    public static final class Data {
        public final List<String> options;
        public final String description;

        Data(List<String> options, String description) {
            this.options = options;
            this.description = description;
        }
    }

    @Test
    public void commandsWithoutADescriptorTakeTheConsolesCompletionDescription() {
        TreeMap<String, String> others = new TreeMap<>();
        others.put("gogo:cat", "");
        others.put("felix:lb", "list all installed bundles");
        others.put("gogo:tac", "");
        Help.fromCompletions(others, java.util.Map.of(
                "gogo:cat", List.of(new Data(List.of("-n"), "Number the output lines"), new Data(null, "Concatenate and print files")),
                "felix:lb", List.of(new Data(null, "other text"))));
        assertEquals("Concatenate and print files", others.get("gogo:cat"));
        assertEquals("list all installed bundles", others.get("felix:lb"));
        assertEquals("", others.get("gogo:tac"));
        Help.fromCompletions(others, null);
    }

    @Test
    public void otherCommandsAreDescribedByTheirDescriptor() {
        assertEquals("list all installed bundles", Help.describe(new Other(), "lb"));
        assertEquals("", Help.describe(new Other(), "plain"));
        assertEquals("", Help.describe(null, "lb"));
    }
}
