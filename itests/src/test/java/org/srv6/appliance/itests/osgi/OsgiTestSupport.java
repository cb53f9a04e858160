package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertNotNull;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.streamBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.tinybundles.InnerClassStrategy;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.api.dataplane.SteerInfo;
import org.srv6.appliance.itests.IoSelection;
import org.srv6.appliance.testkit.Ipv4Builder;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.L3Builder;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.SrhBuilder;

/**
 * Boots the appliance's OSGi runtime the way the launcher does: the startup bundles, the features
 * runtime, and {@code srv6.features.boot}. Every test class gets its own home under
 * {@code target/osgi-homes/}, with {@code features/} and {@code system/} copied from the modules'
 * own outputs (the jars this build just made), else from the built distribution ({@code srv6.home})
 * and the local Maven repository; nothing is fetched from a network.
 */
public abstract class OsgiTestSupport {
    static final String VERSION = "0.1.0-SNAPSHOT";
    static final String NETTY = "4.2.18.Final";

    /** {group, artifact, version[, classifier]} of the startup set (etc/startup.properties). */
    static final String[][] STARTUP = {
        {"org.osgi", "org.osgi.util.function", "1.2.0"},
        {"org.osgi", "org.osgi.util.promise", "1.3.0"},
        {"org.osgi", "org.osgi.service.component", "1.5.1"},
        {"org.apache.felix", "org.apache.felix.scr", "2.2.12"},
        {"org.apache.felix", "org.apache.felix.configadmin", "1.9.26"},
        {"org.apache.felix", "org.apache.felix.fileinstall", "3.7.4"},
        {"org.apache.felix", "org.apache.felix.log", "1.3.0"},
        {"org.apache.felix", "org.apache.felix.gogo.runtime", "1.1.6"},
        {"org.apache.felix", "org.apache.felix.gogo.command", "1.1.2"},
        {"net.java.dev.jna", "jna", "5.17.0"},
        {"org.srv6.appliance", "srv6-admin", VERSION},
        {"org.srv6.appliance", "srv6-features-runtime", VERSION},
    };

    /** Every bundle a feature file names, so that system/ holds what the features need. */
    static final String[][] FEATURE_BUNDLES = {
        {"io.netty", "netty-common", NETTY},
        {"io.netty", "netty-buffer", NETTY},
        {"io.netty", "netty-transport", NETTY},
        {"io.netty", "netty-resolver", NETTY},
        {"io.netty", "netty-transport-native-unix-common", NETTY},
        {"io.netty", "netty-transport-classes-epoll", NETTY},
        {"io.netty", "netty-transport-native-epoll", NETTY, "linux-x86_64"},
        {"io.netty", "netty-transport-classes-io_uring", NETTY},
        {"io.netty", "netty-transport-native-io_uring", NETTY, "linux-x86_64"},
        {"org.srv6.appliance", "srv6-api", VERSION},
        {"org.srv6.appliance", "srv6-core", VERSION},
        {"org.srv6.appliance", "srv6-shell-commands", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-x", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-dx6", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-dx4", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-dx2", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-t", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-dt6", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-dt4", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-dt46", VERSION},
        {"org.srv6.appliance", "srv6-behavior-t-encaps", VERSION},
        {"org.srv6.appliance", "srv6-behavior-t-encaps-red", VERSION},
        {"org.srv6.appliance", "srv6-behavior-t-encaps-l2", VERSION},
        {"org.srv6.appliance", "srv6-behavior-t-encaps-l2-red", VERSION},
        {"org.srv6.appliance", "srv6-behavior-t-insert", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-b6", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-b6-encaps", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-b6-encaps-red", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-bm", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-s", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-am", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-as", VERSION},
        {"org.srv6.appliance", "srv6-behavior-end-ad", VERSION},
    };

    static Path projectRoot() {
        // failsafe runs in itests/
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("../bundles")) ? here.getParent() : here;
    }

    static Path localRepository() {
        String p = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    static String relative(String[] c) {
        String file = c[1] + "-" + c[2] + (c.length > 3 ? "-" + c[3] : "") + ".jar";
        return c[0].replace('.', '/') + "/" + c[1] + "/" + c[2] + "/" + file;
    }

    /** @return the jar of {@code c}: the project module's own target/, else the distribution's system/, else ~/.m2 */
    static Path locate(String[] c) {
        if (c[0].equals("org.srv6.appliance")) {
            String module = c[1].substring("srv6-".length());
            for (Path dir : new Path[] {projectRoot().resolve("bundles").resolve(module), projectRoot().resolve(module)}) {
                Path p = dir.resolve("target").resolve(c[1] + "-" + c[2] + ".jar");
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        String home = System.getProperty("srv6.home");
        if (home != null) {
            Path p = Path.of(home, "system").resolve(relative(c));
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Path p = localRepository().resolve(relative(c));
        if (Files.isRegularFile(p)) {
            return p;
        }
        throw new IllegalStateException("bundle " + String.join(":", c) + " not found; expected " + relative(c)
                + " under the distribution's system/, the module's target/ or the local Maven repository (build it first)");
    }

    /** A fresh appliance home for one test class: features/, system/, etc/, var/. */
    static Path home(String name) {
        try {
            Path h = projectRoot().resolve("itests/target/osgi-homes").resolve(name).toAbsolutePath();
            deleteTree(h);
            Files.createDirectories(h.resolve("features"));
            Files.createDirectories(h.resolve("var"));
            Files.createDirectories(h.resolve("etc"));
            Files.createDirectories(h.resolve("deploy"));
            String dist = System.getProperty("srv6.home");
            Path features = projectRoot().resolve("features/target/features");
            if (!Files.isDirectory(features) && dist != null) {
                features = Path.of(dist, "features");
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(features, "*.json")) {
                for (Path f : ds) {
                    Files.copy(f, h.resolve("features").resolve(f.getFileName()));
                }
            }
            List<String[]> all = new ArrayList<>(List.of(STARTUP));
            all.addAll(List.of(FEATURE_BUNDLES));
            for (String[] c : all) {
                Path target = h.resolve("system").resolve(relative(c));
                Files.createDirectories(target.getParent());
                Files.copy(locate(c), target, StandardCopyOption.REPLACE_EXISTING);
            }
            // what a feature names beyond the list (e.g. the io_uring transport a backend needs),
            // when the build has it; a feature whose bundle is missing then fails with its name
            for (String[] c : namedByFeatures(h.resolve("features"))) {
                Path target = h.resolve("system").resolve(relative(c));
                Path jar = locateOrNull(c);
                if (!Files.exists(target) && jar != null) {
                    Files.createDirectories(target.getParent());
                    Files.copy(jar, target);
                }
            }
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the test home: " + e.getMessage(), e);
        }
    }

    private static final java.util.regex.Pattern BUNDLE_ID = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** {group, artifact, version[, classifier]} of every bundle the feature files in {@code dir} name. */
    static List<String[]> namedByFeatures(Path dir) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : ds) {
                java.util.regex.Matcher m = BUNDLE_ID.matcher(Files.readString(f));
                while (m.find()) {
                    // group:artifact:version or group:artifact:type[:classifier]:version; features are not bundles
                    String[] p = m.group(1).split(":");
                    if (p.length == 3) {
                        out.add(p);
                    } else if (p.length == 5 && p[2].equals("jar")) {
                        out.add(new String[] {p[0], p[1], p[4], p[3]});
                    } else if (p.length == 4 && p[2].equals("jar")) {
                        out.add(new String[] {p[0], p[1], p[3]});
                    }
                }
            }
        }
        return out;
    }

    private static Path locateOrNull(String[] c) {
        try {
            return locate(c);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    /** The runtime as the launcher boots it, with {@code bootFeatures} as srv6.features.boot. */
    static Option runtime(Path home, String bootFeatures) {
        List<Option> o = new ArrayList<>();
        o.add(junitBundles());
        o.add(frameworkProperty("srv6.home").value(home.toString()));
        o.add(frameworkProperty("srv6.features.boot").value(bootFeatures));
        o.add(frameworkProperty("felix.fileinstall.dir").value(home.resolve("deploy").toString()));
        o.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        // the backend of this run, as the launcher passes srv6.* of etc/srv6.properties or -D
        if (IoSelection.io() != null) {
            o.add(frameworkProperty("srv6.io").value(IoSelection.io()));
        }
        o.add(systemProperty("io.netty.leakDetection.level").value("paranoid"));
        o.add(systemProperty("org.ops4j.pax.url.mvn.localRepository").value(localRepository().toString()));
        o.add(systemProperty("org.ops4j.pax.url.mvn.offline").value("true"));
        for (String[] c : STARTUP) {
            o.add(bundle(location(home, c)).startLevel(2));
        }
        return composite(o.toArray(new Option[0]));
    }

    /** Symbolic name of {@link #packetBuilder()}. */
    static final String PACKET_BUILDER = "srv6-testkit-packets";

    /**
     * The testkit's packet builder ({@link Packets} and its builders) as a bundle, so that tests
     * running in the container build frames with it. Installed unstarted: it imports the api and
     * Netty, which the boot features bring; start it ({@link #bundleNamed}) once they are there.
     */
    static Option packetBuilder() {
        TinyBundle b = TinyBundles.bundle().symbolicName(PACKET_BUILDER)
                .setHeader("Bundle-ManifestVersion", "2")
                .setHeader("Bundle-Version", "0.1.0")
                .setHeader("Export-Package", Packets.class.getPackageName())
                .setHeader("Import-Package", "io.netty.buffer,org.srv6.appliance.api.packet");
        for (Class<?> c : List.of(Packets.class, L3Builder.class, Ipv6Builder.class, Ipv4Builder.class, SrhBuilder.class)) {
            b.addClass(c, InnerClassStrategy.ALL);
        }
        return streamBundle(b.build(TinyBundles.rawBuilder())).start(false);
    }

    /** The location the features runtime gives a bundle of {@code system/}. */
    static String location(Path home, String[] c) {
        return "file:" + home.resolve("system").resolve(relative(c));
    }

    static String[] coordinate(String artifact) {
        for (String[] c : FEATURE_BUNDLES) {
            if (c[1].equals(artifact)) {
                return c;
            }
        }
        throw new IllegalArgumentException(artifact);
    }

    static Bundle bundleNamed(BundleContext ctx, String symbolicName) {
        for (Bundle b : ctx.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    static <T> T service(BundleContext ctx, Class<T> type, String filter, long timeoutMillis) throws Exception {
        String f = filter == null ? "(objectClass=" + type.getName() + ")" : "(&(objectClass=" + type.getName() + ")" + filter + ")";
        ServiceTracker<T, T> t = new ServiceTracker<>(ctx, ctx.createFilter(f), null);
        t.open(true);
        try {
            return t.waitForService(timeoutMillis);
        } finally {
            t.close();
        }
    }

    static Object serviceObject(BundleContext ctx, String filter) throws Exception {
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(null, filter);
        return refs == null ? null : ctx.getService(refs[0]);
    }

    /** Calls a Gogo command object's method by name (its class lives in another bundle). */
    static Object command(BundleContext ctx, String scope, String function, Object... args) throws Exception {
        long until = System.currentTimeMillis() + 10_000;
        Object target = null;
        while (target == null && System.currentTimeMillis() < until) {
            target = serviceObject(ctx, "(osgi.command.scope=" + scope + ")");
            if (target == null) {
                Thread.sleep(50);
            }
        }
        if (target == null) {
            throw new AssertionError("no command service of scope " + scope);
        }
        for (java.lang.reflect.Method m : target.getClass().getMethods()) {
            if (m.getName().equals(function) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(target, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        }
        throw new AssertionError("no command " + scope + ":" + function);
    }

    /** One admin-socket session: sends a command line, collects stdout, stderr and the exit code. */
    static String[] admin(Path socket, String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer req = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            while (true) {
                int type;
                byte[] payload;
                try {
                    type = in.readUnsignedByte();
                    payload = in.readNBytes(in.readInt());
                } catch (EOFException e) {
                    throw new IOException("the appliance closed the connection before the exit status");
                }
                if (type == 'O') {
                    out.append(new String(payload, StandardCharsets.UTF_8));
                } else if (type == 'E') {
                    err.append(new String(payload, StandardCharsets.UTF_8));
                } else if (type == 'X') {
                    return new String[] {out.toString(), err.toString(), Integer.toString(ByteBuffer.wrap(payload).getInt())};
                } else {
                    throw new IOException("unexpected frame type " + type);
                }
            }
        }
    }

    /** The core's services. */
    record Core(PortService ports, AddressService addresses, RouteService routes, NeighborService neighbors, SrService sr,
            Counters counters) {
        /** @return memory ports {@code names}, each added and up, by name in that order */
        Map<String, MemoryPort> memoryPorts(String... names) throws Exception {
            Map<String, MemoryPort> p = new LinkedHashMap<>();
            for (String name : names) {
                p.put(name, ports.addMemory(name));
                ports.setUp(name, true);
            }
            return p;
        }
    }

    /** @return the core's services, asserting that each is registered (within 10 s) */
    static Core core(BundleContext ctx) throws Exception {
        Core c = new Core(service(ctx, PortService.class, null, 10_000), service(ctx, AddressService.class, null, 10_000),
                service(ctx, RouteService.class, null, 10_000), service(ctx, NeighborService.class, null, 10_000),
                service(ctx, SrService.class, null, 10_000), service(ctx, Counters.class, null, 10_000));
        for (Object s : List.of(c.ports(), c.addresses(), c.routes(), c.neighbors(), c.sr(), c.counters())) {
            assertNotNull("the core's services are not registered", s);
        }
        return c;
    }

    /**
     * Installs and starts the bundles {@code artifacts} from the home's system/, then asserts that
     * the behavior of each of {@code keywords} is registered (within 10 s).
     */
    static void installBehaviors(BundleContext ctx, List<String> artifacts, List<String> keywords) throws Exception {
        Path home = Path.of(ctx.getProperty("srv6.home"));
        for (String a : artifacts) {
            ctx.installBundle(location(home, coordinate(a))).start();
        }
        for (String k : keywords) {
            assertNotNull("no " + k + " behavior registered",
                    service(ctx, Behavior.class, "(" + Behavior.KEYWORD_PROPERTY + "=" + k + ")", 10_000));
        }
    }

    /** Starts the packet builder of {@link #packetBuilder()} (once the api and Netty are there). */
    static void startPacketBuilder(BundleContext ctx) throws Exception {
        Bundle builder = bundleNamed(ctx, PACKET_BUILDER);
        assertNotNull("the packet builder bundle is not installed", builder);
        builder.start();
    }

    /** The route of a SID in the main table: {@code sid}/128 dev {@code dev}, seg6local {@code keyword params}. */
    static RouteSpec sidRoute(String sid, String dev, String keyword, List<String> params) {
        return new RouteSpec(6, sid + "/128", null, dev, 254, 1024, RouteSpec.SEG6LOCAL, keyword, params);
    }

    /** @return the packets dropped for {@code reason} so far */
    static long drops(Counters counters, String reason) {
        return counters.drops().getOrDefault(reason, 0L);
    }

    /** @return the packets dropped so far because their behavior is absent */
    static long absent(Counters counters) {
        return drops(counters, "behavior-absent");
    }

    static SteerInfo steer(SrService sr, String port) {
        for (SteerInfo s : sr.steering()) {
            if (s.port().equals(port)) {
                return s;
            }
        }
        throw new AssertionError("port " + port + " is not steered: " + sr.steering());
    }

    static SidInfo sid(SrService sr, String sid) {
        for (SidInfo s : sr.sids()) {
            if (s.sid().equals(sid) || s.sid().equals(sid + "/128")) {
                return s;
            }
        }
        throw new AssertionError("SID " + sid + " is not configured; SID table: " + sr.sids());
    }

    static byte[] mac(PortInfo p) {
        String[] parts = p.mac().split(":");
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }

    static void waitFor(String what, long timeoutMillis, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
