package org.srv6.appliance.features.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.feature.impl.FeatureServiceImpl;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureService;

public class FeatureTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path write(String name, String json) throws IOException {
        Path p = tmp.getRoot().toPath().resolve(name + ".json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    public void readsIdAndBundlesWithAndWithoutClassifier() throws IOException {
        Feature f = Feature.read(write("srv6-x", "{ \"feature-resource-version\": \"1.0\",\n"
                + " \"id\": \"org.srv6.appliance:srv6-x:osgifeature:srv6-x:1.2.3\", \"name\": \"x\",\n"
                + " \"bundles\": [ {\"id\": \"io.netty:netty-buffer:4.2.18.Final\"},\n"
                + "   {\"id\": \"io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.2.18.Final\", \"start-order\": 2} ] }"));
        assertEquals("srv6-x", f.name);
        assertEquals("1.2.3", f.version);
        assertEquals(2, f.bundles.size());
        Path repo = Path.of("/r");
        assertEquals(Path.of("/r/io/netty/netty-buffer/4.2.18.Final/netty-buffer-4.2.18.Final.jar"), f.bundles.get(0).resolve(repo));
        assertEquals(Path.of("/r/io/netty/netty-transport-native-epoll/4.2.18.Final/netty-transport-native-epoll-4.2.18.Final-linux-x86_64.jar"),
                f.bundles.get(1).resolve(repo));
        assertNull(f.bundles.get(0).classifier);
    }

    @Test
    public void malformedJsonIsOneLineWithTheFileAndLine() throws IOException {
        Path p = write("bad", "{\n \"id\": \"a:b:1\",\n \"bundles\": [ {\"id\": \"a:b:1\"} \n");
        try {
            Feature.read(p);
            fail("accepted");
        } catch (IOException e) {
            assertEquals(p + ": invalid JSON at line 4: expected ']'", e.getMessage());
        }
    }

    @Test
    public void badBundleIdSaysWhatIsExpected() throws IOException {
        Path p = write("bad", "{\"id\": \"a:b:1\", \"bundles\": [ {\"id\": \"a:b\"} ]}");
        try {
            Feature.read(p);
            fail("accepted");
        } catch (IOException e) {
            assertEquals(p + ": bad id a:b; expected group:artifact[:type[:classifier]]:version", e.getMessage());
        }
    }

    @Test
    public void unsupportedResourceVersionIsRejected() throws IOException {
        Path p = write("v2", "{\"feature-resource-version\": \"2.0\", \"id\": \"a:b:1\"}");
        try {
            Feature.read(p);
            fail("accepted");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().endsWith("feature-resource-version 2.0 not supported; expected 1.0"));
        }
    }

    @Test
    public void jsonEscapesAndNumbers() {
        Map<?, ?> m = (Map<?, ?>) Json.parse("{\"a\": \"x\\\"y\\u0041\\n\", \"n\": -12, \"d\": 1.5e2, \"t\": true, \"z\": null, \"l\": []}");
        assertEquals("x\"yA\n", m.get("a"));
        assertEquals(-12L, m.get("n"));
        assertEquals(150.0, m.get("d"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertTrue(m.containsKey("z"));
        assertEquals(List.of(), m.get("l"));
    }

    /**
     * The project's feature files, read by our reader and by Apache Felix's implementation of the
     * OSGi Feature Service: same id, same bundles in the same order.
     */
    @Test
    public void projectFeaturesReadTheSameAsWithTheReferenceImplementation() throws IOException {
        // the sources, filtered here as the features module filters them: this module builds first
        Path src = Path.of(System.getProperty("srv6.features.src", "../../features/src/main/features"));
        Path dir = tmp.newFolder("features").toPath();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(src, "*.json")) {
            for (Path p : ds) {
                Files.writeString(dir.resolve(p.getFileName()), Files.readString(p)
                        .replace("${project.version}", System.getProperty("project.version", "0.1.0-SNAPSHOT"))
                        .replace("${netty.version}", System.getProperty("netty.version", "4.2.18.Final")));
            }
        }
        FeatureService reference = new FeatureServiceImpl();
        int files = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                files++;
                Feature ours = Feature.read(p);
                org.osgi.service.feature.Feature theirs;
                try (Reader r = Files.newBufferedReader(p)) {
                    theirs = reference.readFeature(r);
                }
                assertEquals(p.toString(), theirs.getID().toString(), ours.id);
                assertEquals(p.toString(), theirs.getID().getVersion(), ours.version);
                assertEquals(ours.name, theirs.getName().orElse(null));
                List<String> expected = new ArrayList<>();
                for (FeatureBundle b : theirs.getBundles()) {
                    expected.add(b.getID().toString());
                }
                List<String> actual = new ArrayList<>();
                for (Feature.BundleId b : ours.bundles) {
                    actual.add(b.toString());
                }
                assertEquals(p.toString(), expected, actual);
            }
        }
        assertTrue("expected the six feature files, found " + files, files >= 6);
    }
}
