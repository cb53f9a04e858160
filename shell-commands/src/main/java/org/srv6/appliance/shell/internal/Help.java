package org.srv6.appliance.shell.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The texts of {@code help}: the appliance's commands first, each with its description, then
 * every other command of the shell with its description when its bundle gives one.
 */
final class Help {
    private Help() {
    }

    /** {@code help}: ours, then the others ({@code scope:name} to description, "" when none). */
    static String all(String[][] ours, TreeMap<String, String> others) {
        StringBuilder sb = new StringBuilder("The appliance's commands (help srv6 for their usage, ip help for the ip objects):\n");
        table(sb, ours, false);
        if (!others.isEmpty()) {
            sb.append("\nThe shell's other commands (help NAME for one):\n");
            int w = 0;
            for (String n : others.keySet()) {
                w = Math.max(w, n.length());
            }
            for (var e : others.entrySet()) {
                sb.append(String.format("  %-" + w + "s  %s", e.getKey(), e.getValue()).stripTrailing()).append('\n');
            }
        }
        return strip(sb);
    }

    /** {@code help srv6}: ours with description and usage. */
    static String srv6(String[][] ours) {
        StringBuilder sb = new StringBuilder("The appliance's commands (scope srv6):\n");
        table(sb, ours, true);
        return strip(sb);
    }

    /** {@code help srv6:NAME} or {@code help NAME} of one of ours. */
    static String one(String[] c) {
        return (c[0].equals("ip") ? "srv6:ip" : "srv6:" + c[0]) + " - " + c[1] + "\n  usage: " + c[2];
    }

    /** What each {@code ip} object configures. */
    static final String OBJECTS = """
            Objects:
              link      the ports: TAP (also in another namespace) and pcap ports, up/down, MTU, MAC, table
              address   the addresses of the ports (and their local and connected routes)
              route     routes, SIDs (encap seg6local action ...) and transit routes (encap seg6 mode ...) per table
              neighbor  the neighbor table (NDP, ARP): static entries, show, flush
              sr        tunnel source, HMAC keys and per-port policy, steering by incoming port
            """;

    /** {@code help ip}: the command's description, then {@code ip help}'s text and what each object is. */
    static String ip() {
        return "srv6:ip - " + ShellCommands.IP_DESC + "\n" + Usage.IP + OBJECTS
                + "Each object prints its own usage: ip link help, ip address help, ip route help, ip neigh help, ip sr help";
    }

    private static void table(StringBuilder sb, String[][] ours, boolean usage) {
        int w = 0;
        for (String[] c : ours) {
            w = Math.max(w, name(c).length());
        }
        for (String[] c : ours) {
            sb.append(String.format("  %-" + w + "s  %s%n", name(c), c[1]));
            if (usage) {
                sb.append(" ".repeat(w + 4)).append("usage: ").append(c[2]).append('\n');
            }
        }
    }

    private static String name(String[] c) {
        return c[0].equals("ip") || c[0].equals("help") ? c[0] : "srv6:" + c[0];
    }

    private static String strip(StringBuilder sb) {
        return sb.charAt(sb.length() - 1) == '\n' ? sb.substring(0, sb.length() - 1) : sb.toString();
    }

    /** Every command of the other scopes with the description of its first described method. */
    static TreeMap<String, String> others(BundleContext context) throws InvalidSyntaxException {
        TreeMap<String, String> out = new TreeMap<>();
        if (context == null) {
            return out;
        }
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(osgi.command.scope=*)");
        if (refs == null) {
            return out;
        }
        for (ServiceReference<?> ref : refs) {
            String scope = String.valueOf(ref.getProperty("osgi.command.scope"));
            if (scope.equals("srv6")) {
                continue;
            }
            List<String> functions = functions(ref.getProperty("osgi.command.function"));
            Object service = context.getService(ref);
            try {
                for (String f : functions) {
                    out.merge(scope + ":" + f, describe(service, f), (a, b) -> a.isEmpty() ? b : a);
                }
            } finally {
                if (service != null) {
                    context.ungetService(ref);
                }
            }
        }
        return out;
    }

    /**
     * Fills the descriptions still missing from the console's completion declarations
     * ({@code complete -c gogo:cat -d "Concatenate and print files"} in etc/gosh_profile),
     * which Gogo keeps in the session variable {@code .completions}: a map from the command's
     * name to JLine's CompletionData (public fields; the one without options is the command's).
     */
    static void fromCompletions(TreeMap<String, String> out, Object completions) {
        if (!(completions instanceof java.util.Map<?, ?> map)) {
            return;
        }
        for (var e : out.entrySet()) {
            if (!e.getValue().isEmpty() || !(map.get(e.getKey()) instanceof List<?> data)) {
                continue;
            }
            for (Object d : data) {
                try {
                    Object options = d.getClass().getField("options").get(d);
                    Object description = d.getClass().getField("description").get(d);
                    if (options == null && description != null) {
                        e.setValue(description.toString());
                    }
                } catch (ReflectiveOperationException | RuntimeException ignored) {
                    // not a completion of JLine's: no description from it
                }
            }
        }
    }

    private static List<String> functions(Object p) {
        List<String> out = new ArrayList<>();
        if (p instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (p instanceof String s) {
            out.add(s);
        } else if (p instanceof Iterable<?> i) {
            i.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    /** The {@link Descriptor} of {@code service}'s method for {@code function}, or "". */
    static String describe(Object service, String function) {
        if (service == null) {
            return "";
        }
        String cap = function.isEmpty() ? function : Character.toUpperCase(function.charAt(0)) + function.substring(1);
        for (Method m : service.getClass().getMethods()) {
            String n = m.getName();
            if (n.equals(function) || n.equals("_" + function) || n.equals("get" + cap) || n.equals("is" + cap)) {
                Descriptor d = m.getAnnotation(Descriptor.class);
                if (d != null) {
                    return d.value();
                }
            }
        }
        return "";
    }
}
