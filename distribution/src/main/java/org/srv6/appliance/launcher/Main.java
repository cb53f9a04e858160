package org.srv6.appliance.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Boots the appliance: Felix with the framework properties of {@code etc/srv6.properties} and
 * the infrastructure bundles of {@code etc/startup.properties}; the features runtime installs
 * the rest. Usage: {@code Main console|daemon}.
 */
public final class Main {

    private static final String JUL_FORMAT = "java.util.logging.SimpleFormatter.format";
    /** Held here: java.util.logging keeps its loggers, and so their filters, only while referenced. */
    private static final Logger NETTY_NET = Logger.getLogger("io.netty.util.NetUtilInitializations");
    private static volatile boolean noInterfaces;
    private static final Logger LAUNCHER_LOG = Logger.getLogger("org.srv6.appliance.launcher");

    /** Framework property holding the launcher's process id. */
    static final String PID_PROPERTY = "srv6.pid";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "console";
        if (!mode.equals("console") && !mode.equals("daemon")) {
            System.err.println("unknown mode " + mode + "; expected console or daemon");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        oneLineLibraryLogs();
        Path home = home();
        System.setProperty("srv6.home", home.toString());
        System.setProperty("srv6.history", home.resolve("var/.srv6_history").toString());

        Map<String, String> props = frameworkProperties(home);
        props.put(Constants.FRAMEWORK_STORAGE, home.resolve("var/cache").toString());
        props.put("srv6.home", home.toString());
        // bin/srv6 start checks that the admin socket is answered by the process it started
        props.put(PID_PROPERTY, Long.toString(ProcessHandle.current().pid()));
        props.putIfAbsent("gosh.home", home.toString());
        if (mode.equals("daemon")) {
            // the shell must neither read the terminal nor stop the framework when its script ends
            props.put("gosh.args", "--nointeractive --noshutdown");
            // no terminal to probe: stdin is /dev/null
            System.setProperty("org.jline.terminal.dumb", "true");
        }
        Path log = securePermissions(home);
        if (mode.equals("console")) {
            // library warnings would be printed across the shell's prompt; the daemon's stderr is the log already
            logToFile(log);
        }
        cleanCacheIfRebuilt(home);

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework framework = factory.newFramework(props);
        framework.init();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "srv6-shutdown"));
        try {
            relocateCache(framework.getBundleContext(), home);
            installStartup(framework.getBundleContext(), home);
            framework.start();
        } catch (IOException | BundleException | RuntimeException e) {
            System.err.println("srv6: boot failed: " + e.getMessage());
            System.exit(1);
        }
        if (Boolean.getBoolean("srv6.boot.time")) {
            System.err.printf("srv6: framework started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        framework.waitForStop(0);
        System.exit(0);
    }

    /**
     * A home that was moved or copied after a start still has the framework cache of its old
     * place: its bundles move to the new home before anything resolves.
     */
    static void relocateCache(BundleContext context, Path home) throws IOException {
        Path old = Relocation.recordedHome(home);
        if (old != null && !old.equals(home)) {
            // through java.util.logging: var/log/srv6.log in both modes, never across the console
            LAUNCHER_LOG.info("home moved from " + old + " to " + home + "; moving the cached bundles");
            for (String problem : Relocation.relocate(context, old, home)) {
                LAUNCHER_LOG.warning(problem);
            }
        }
        Relocation.record(home);
    }

    /**
     * Makes var/log 0750 and the log file 0640 (created if absent), and etc/srv6.conf 0600: the
     * configuration holds secrets, the log only what an operator's group may read. Set, not
     * requested at creation, so that the appliance's umask (077 from bin/srv6) cannot narrow them.
     */
    static Path securePermissions(Path home) throws IOException {
        Path dir = home.resolve("var/log");
        Files.createDirectories(dir);
        setPermissions(dir, "rwxr-x---");
        Path log = dir.resolve("srv6.log");
        if (!Files.exists(log)) {
            Files.createFile(log);
        }
        setPermissions(log, "rw-r-----");
        Path conf = home.resolve("etc/srv6.conf");
        if (Files.isRegularFile(conf)) {
            setPermissions(conf, "rw-------");
        }
        return log;
    }

    private static void setPermissions(Path p, String perms) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (IOException | UnsupportedOperationException e) {
            System.err.println("srv6: cannot set permissions " + perms + " on " + p + ": " + e.getMessage());
        }
    }

    /**
     * Library warnings (java.util.logging: Netty, JLine) as one line each, in the format of the
     * appliance's own log: {@code timestamp LEVEL logger: message}. Netty's look-up of the
     * network interfaces, which fails in a namespace whose loopback is down, says so in one line
     * instead of a stack trace of the whole boot.
     */
    static void oneLineLibraryLogs() {
        if (System.getProperty(JUL_FORMAT) == null) {
            System.setProperty(JUL_FORMAT, "%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n");
        }
        NETTY_NET.setFilter(Main::foldNetworkInterfaceWarning);
    }

    static boolean foldNetworkInterfaceWarning(LogRecord record) {
        String message = String.valueOf(record.getMessage());
        if (message.startsWith("Failed to find the loopback interface") && noInterfaces) {
            // already said: there is no interface at all
            return false;
        }
        if (record.getThrown() != null) {
            noInterfaces |= message.startsWith("Failed to retrieve the list of available network interfaces");
            record.setMessage(message + ": " + record.getThrown().getMessage() + " (is the loopback interface up?)");
            record.setThrown(null);
        }
        return true;
    }

    /** Sends java.util.logging records (Netty's and JLine's warnings) to {@code file}, appended. */
    static void logToFile(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Handler handler = new StreamHandler(out, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(handler);
    }

    private static void stop(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                framework.stop();
                framework.waitForStop(20_000);
            }
        } catch (BundleException | InterruptedException e) {
            System.err.println("srv6: framework did not stop cleanly: " + e.getMessage());
        }
    }

    static Path home() throws Exception {
        String prop = System.getProperty("srv6.home");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        // lib/srv6-launcher.jar -> home
        Path jar = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent().toAbsolutePath().normalize();
    }

    static Map<String, String> frameworkProperties(Path home) throws IOException {
        Properties raw = new Properties();
        Path file = home.resolve("etc/srv6.properties");
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                raw.load(in);
            }
        }
        Map<String, String> out = new HashMap<>();
        for (String key : raw.stringPropertyNames()) {
            out.put(key, substitute(raw.getProperty(key), raw, home));
        }
        // -D on the command line wins over the file
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("srv6.") || key.startsWith("felix.") || key.startsWith("gosh.")
                    || key.startsWith("org.osgi.") || key.startsWith("io.netty.")) {
                out.put(key, System.getProperty(key));
            }
        }
        return out;
    }

    static String substitute(String value, Properties raw, Path home) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            int end = start < 0 ? -1 : value.indexOf('}', start);
            if (start < 0 || end < 0) {
                sb.append(value, i, value.length());
                break;
            }
            sb.append(value, i, start);
            String name = value.substring(start + 2, end);
            String v = name.equals("srv6.home") ? home.toString()
                    : System.getProperty(name, raw.getProperty(name));
            sb.append(v != null ? v : "");
            i = end + 1;
        }
        return sb.toString();
    }

    /** A rebuilt distribution must not boot the bundles cached from the previous build. */
    private static void cleanCacheIfRebuilt(Path home) throws IOException {
        Path stampFile = home.resolve("lib/build.stamp");
        String stamp = Files.exists(stampFile) ? Files.readString(stampFile).trim() : "";
        Path seen = home.resolve("var/build.stamp");
        String previous = Files.exists(seen) ? Files.readString(seen).trim() : null;
        if (!stamp.equals(previous)) {
            Path cache = home.resolve("var/cache");
            if (Files.exists(cache)) {
                try (Stream<Path> walk = Files.walk(cache)) {
                    walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
            Files.writeString(seen, stamp + "\n", StandardCharsets.UTF_8);
        }
    }

    /**
     * Installs each {@code groupId/artifactId} of etc/startup.properties from system/ (the
     * newest version present), then starts them in file order; fragments are never started.
     */
    static void installStartup(BundleContext context, Path home) throws IOException, BundleException {
        Path list = home.resolve("etc/startup.properties");
        List<Bundle> toStart = new ArrayList<>();
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            Path jar = resolve(home.resolve("system"), entry);
            String location = jar.toUri().toString();
            Bundle bundle = context.getBundle(location);
            if (bundle == null) {
                bundle = context.installBundle(location);
            }
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                toStart.add(bundle);
            }
        }
        for (Bundle b : toStart) {
            try {
                b.start();
            } catch (BundleException e) {
                System.err.println("srv6: bundle " + b.getSymbolicName() + " did not start: " + e.getMessage());
            }
        }
    }

    static Path resolve(Path system, String entry) throws IOException {
        String[] gav = entry.split("[/:]");
        if (gav.length < 2) {
            throw new IOException("etc/startup.properties: " + entry + " is not groupId/artifactId[/version]");
        }
        Path dir = system.resolve(gav[0].replace('.', '/')).resolve(gav[1]);
        String version = gav.length > 2 ? gav[2] : null;
        if (version == null) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(dir)) {
                for (Path v : versions) {
                    if (!Files.isDirectory(v)) {
                        continue;
                    }
                    String name = v.getFileName().toString();
                    if (version == null || compareVersions(name, version) > 0) {
                        version = name;
                    }
                }
            } catch (IOException e) {
                throw new IOException("etc/startup.properties: " + entry + " is not in " + system);
            }
        }
        Path jar = dir.resolve(version).resolve(gav[1] + "-" + version + ".jar");
        if (!Files.exists(jar)) {
            throw new IOException("etc/startup.properties: " + jar + " does not exist");
        }
        return jar;
    }

    /** Numeric segments compare as numbers (1.10 after 1.9), anything else as text. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (x[i].matches("\\d+") && y[i].matches("\\d+")) {
                c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
