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
import org.osgi.service.feature.FeatureArtifact;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureExtension;
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
                List<String> includes = new ArrayList<>();
                FeatureExtension x = theirs.getExtensions().get(Feature.INCLUDES);
                if (x != null) {
                    assertEquals(FeatureExtension.Type.ARTIFACTS, x.getType());
                    assertEquals(FeatureExtension.Kind.MANDATORY, x.getKind());
                    for (FeatureArtifact a : x.getArtifacts()) {
                        includes.add(a.getID().toString());
                    }
                }
                assertEquals(p.toString(), includes, ours.includes);
            }
        }
        assertTrue("expected the six feature files, found " + files, files >= 6);
    }

    /**
     * Every behavior module has its own feature, which lists its bundle alone, and srv6-all
     * includes every behavior feature (and nothing else), so each behavior can be uninstalled by
     * its feature and srv6-all brings them all.
     */
    @Test
    public void everyBehaviorHasItsFeatureAndSrv6AllIncludesThemAll() throws IOException {
        Path src = Path.of(System.getProperty("srv6.features.src", "../../features/src/main/features"));
        Path bundles = src.resolve("../../../../bundles").normalize();
        List<String> modules = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(bundles, "behavior-*")) {
            for (Path m : ds) {
                if (Files.isRegularFile(m.resolve("pom.xml"))) {
                    modules.add("srv6-" + m.getFileName());
                }
            }
        }
        assertTrue("behavior modules under " + bundles + ": " + modules, modules.size() >= 20);
        List<String> features = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(src, "srv6-behavior-*.json")) {
            for (Path p : ds) {
                Feature f = Feature.read(p);
                features.add(f.name);
                assertEquals(p + " lists its bundle alone", 1, f.bundles.size());
                assertEquals(p.toString(), "org.srv6.appliance:" + f.name + ":${project.version}", f.bundles.get(0).toString());
                assertEquals(p.toString(), "org.srv6.appliance:" + f.name + ":osgifeature:" + f.name + ":${project.version}", f.id);
            }
        }
        java.util.Collections.sort(modules);
        java.util.Collections.sort(features);
        assertEquals("one feature per behavior module", modules, features);
        Feature all = Feature.read(src.resolve("srv6-all.json"));
        assertEquals("srv6-all includes features, it lists no bundle of its own", List.of(), all.bundles);
        List<String> included = new ArrayList<>();
        for (String id : all.includes) {
            included.add(id.split(":")[1]);
        }
        assertEquals("included once each", included.size(), new java.util.HashSet<>(included).size());
        java.util.Collections.sort(included);
        assertEquals("srv6-all includes every behavior feature", features, included);
    }

    @Test
    public void includesAreReadAndAnUnknownMandatoryExtensionIsRefused() throws IOException {
        Feature f = Feature.read(write("srv6-set", "{\"id\": \"a:srv6-set:osgifeature:srv6-set:1\", \"extensions\": {"
                + " \"" + Feature.INCLUDES + "\": {\"type\": \"artifacts\", \"kind\": \"mandatory\","
                + " \"artifacts\": [ {\"id\": \"a:m1:osgifeature:m1:1\"}, \"a:m2:osgifeature:m2:1\" ] },"
                + " \"notes\": {\"type\": \"text\", \"kind\": \"optional\", \"text\": \"x\"} } }"));
        assertEquals(List.of("a:m1:osgifeature:m1:1", "a:m2:osgifeature:m2:1"), f.includes);
        assertEquals(List.of(), f.bundles);
        Path p = write("srv6-other", "{\"id\": \"a:b:1\", \"extensions\": {\"x.y\": {\"type\": \"text\", \"kind\": \"mandatory\", \"text\": \"\"}}}");
        try {
            Feature.read(p);
            fail("accepted");
        } catch (IOException e) {
            assertEquals(p + ": mandatory extension x.y is not supported; this runtime knows " + Feature.INCLUDES, e.getMessage());
        }
    }

    private Feature set(String name, String... members) throws IOException {
        StringBuilder a = new StringBuilder();
        for (String m : members) {
            a.append(a.length() == 0 ? "" : ", ").append("{\"id\": \"a:").append(m).append(":osgifeature:").append(m).append(":1\"}");
        }
        return Feature.read(write(name, "{\"id\": \"a:" + name + ":osgifeature:" + name + ":1\", \"bundles\": [\"a:" + name + ":1\"],"
                + " \"extensions\": {\"" + Feature.INCLUDES + "\": {\"type\": \"artifacts\", \"kind\": \"mandatory\", \"artifacts\": [" + a + "]}}}"));
    }

    @Test
    public void closureFollowsIncludesOnceEachAndNamesAMissingMember() throws IOException {
        Map<String, Feature> all = new java.util.TreeMap<>();
        for (Feature f : List.of(set("top", "mid", "leaf"), set("mid", "leaf", "top"), set("leaf"), set("broken", "gone"))) {
            all.put(f.name, f);
        }
        assertEquals(List.of("top", "mid", "leaf"), new ArrayList<>(FeatureManager.closureOf("top", all)));
        assertEquals(List.of("leaf", "top"), FeatureManager.members(all.get("mid"), all));
        try {
            FeatureManager.closureOf("broken", all);
            fail("a missing member was accepted");
        } catch (IllegalArgumentException e) {
            assertEquals("feature broken includes a:gone:osgifeature:gone:1, which no file in features/ has as its id", e.getMessage());
        }
    }
}
