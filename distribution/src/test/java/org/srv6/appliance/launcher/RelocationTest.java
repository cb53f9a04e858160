package org.srv6.appliance.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** A home started once, then moved and copied, boots from its cache with its runtime bundles. */
public class RelocationTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void locationsInsideTheOldHomeMoveOthersStay() {
        Path a = Path.of("/opt/a");
        Path b = Path.of("/srv/b");
        assertEquals("file:/srv/b/system/x.jar", Relocation.relocated("file:/opt/a/system/x.jar", a, b));
        assertEquals("file:///srv/b/deploy/x.jar", Relocation.relocated("file:///opt/a/deploy/x.jar", a, b));
        assertEquals("reference:file:/srv/b/x.jar", Relocation.relocated("reference:file:/opt/a/x.jar", a, b));
        assertNull(Relocation.relocated("file:/opt/ab/system/x.jar", a, b));
        assertNull(Relocation.relocated("file:/tmp/x.jar", a, b));
        assertNull(Relocation.relocated("mvn:org/x/1", a, b));
    }

    @Test
    public void movedAndCopiedHomesBootWithTheirRuntimeBundles() throws Exception {
        Path function = jarOf(org.osgi.util.function.Function.class);
        Path promise = jarOf(org.osgi.util.promise.Promise.class);
        Path first = tmp.getRoot().toPath().resolve("a");
        Path system = first.resolve("system/org/osgi/org.osgi.util.function/1.0.0");
        Files.createDirectories(system);
        Files.copy(function, system.resolve("org.osgi.util.function-1.0.0.jar"));
        Files.createDirectories(first.resolve("etc"));
        Files.writeString(first.resolve("etc/startup.properties"), "org.osgi/org.osgi.util.function\n");
        Files.createDirectories(first.resolve("deploy"));
        Files.copy(promise, first.resolve("deploy/promise.jar"));
        Path outside = tmp.newFolder("outside").toPath().resolve("component.jar");
        Files.copy(jarOf(org.osgi.service.component.ComponentContext.class), outside);

        Framework fw = boot(first);
        BundleContext ctx = fw.getBundleContext();
        ctx.installBundle("file:" + first.resolve("deploy/promise.jar")).start();
        ctx.installBundle(outside.toUri().toString());
        stop(fw);

        Path moved = tmp.getRoot().toPath().resolve("b");
        Files.move(first, moved);
        fw = boot(moved);
        assertBundles(fw, moved, outside);
        stop(fw);

        Path copied = tmp.getRoot().toPath().resolve("c");
        copyTree(moved, copied);
        fw = boot(copied);
        assertBundles(fw, copied, outside);
        stop(fw);
        // the original keeps booting from its own cache
        fw = boot(moved);
        assertBundles(fw, moved, outside);
        stop(fw);
    }

    private static void assertBundles(Framework fw, Path home, Path outside) {
        BundleContext ctx = fw.getBundleContext();
        Bundle startup = ctx.getBundle(home.resolve("system/org/osgi/org.osgi.util.function/1.0.0/org.osgi.util.function-1.0.0.jar").toUri().toString());
        assertNotNull("startup bundle at its new place", startup);
        Bundle deployed = ctx.getBundle("file:" + home.resolve("deploy/promise.jar"));
        assertNotNull("runtime bundle from deploy/ at its new place", deployed);
        assertEquals(Bundle.ACTIVE, deployed.getState());
        assertNotNull("runtime bundle from outside the home kept", ctx.getBundle(outside.toUri().toString()));
        assertEquals("the framework, the startup bundle and two runtime bundles", 4, ctx.getBundles().length);
    }

    private static Framework boot(Path home) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, home.resolve("var/cache").toString());
        props.put("org.osgi.framework.storage.clean", "none");
        props.put("felix.log.level", "1");
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(props);
        fw.init();
        Main.relocateCache(fw.getBundleContext(), home);
        Main.installStartup(fw.getBundleContext(), home);
        fw.start();
        return fw;
    }

    private static void stop(Framework fw) throws Exception {
        fw.stop();
        fw.waitForStop(10_000);
    }

    private static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
