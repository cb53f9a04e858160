package org.srv6.appliance.features.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One OSGi Feature (R8 compendium, Feature Service, {@code feature-resource-version} 1.0): its id
 * and the bundles it lists. The name used by the commands is the file name without {@code .json}.
 */
final class Feature {
    final String name;
    final String id;
    final String version;
    final String description;
    final List<BundleId> bundles;

    private Feature(String name, String id, String version, String description, List<BundleId> bundles) {
        this.name = name;
        this.id = id;
        this.version = version;
        this.description = description;
        this.bundles = bundles;
    }

    static Feature read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".json".length());
        Object doc;
        try {
            doc = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
        if (!(doc instanceof Map)) {
            throw new IOException(file + ": expected a JSON object");
        }
        Map<?, ?> m = (Map<?, ?>) doc;
        Object frv = m.get("feature-resource-version");
        if (frv != null && !"1.0".equals(frv)) {
            throw new IOException(file + ": feature-resource-version " + frv + " not supported; expected 1.0");
        }
        Object idv = m.get("id");
        if (!(idv instanceof String)) {
            throw new IOException(file + ": missing \"id\"; expected group:artifact[:type[:classifier]]:version");
        }
        String id = (String) idv;
        BundleId fid = BundleId.parse(id);
        List<BundleId> bundles = new ArrayList<>();
        Object bl = m.get("bundles");
        if (bl instanceof List) {
            for (Object b : (List<?>) bl) {
                Object bid = b instanceof Map ? ((Map<?, ?>) b).get("id") : b;
                if (!(bid instanceof String)) {
                    throw new IOException(file + ": a bundle without \"id\"; expected {\"id\": \"group:artifact:version\"}");
                }
                try {
                    bundles.add(BundleId.parse((String) bid));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": " + e.getMessage());
                }
            }
        }
        Object d = m.get("description");
        return new Feature(name, id, fid.version, d instanceof String ? (String) d : "", Collections.unmodifiableList(bundles));
    }

    /** A Maven coordinate as the Feature format writes it: {@code g:a[:type[:classifier]]:v}. */
    static final class BundleId {
        final String group;
        final String artifact;
        final String type;
        final String classifier;
        final String version;

        private BundleId(String group, String artifact, String type, String classifier, String version) {
            this.group = group;
            this.artifact = artifact;
            this.type = type;
            this.classifier = classifier;
            this.version = version;
        }

        static BundleId parse(String id) {
            String[] p = id.split(":", -1);
            for (String x : p) {
                if (x.isEmpty()) {
                    p = new String[0];
                    break;
                }
            }
            switch (p.length) {
                case 3: return new BundleId(p[0], p[1], "jar", null, p[2]);
                case 4: return new BundleId(p[0], p[1], p[2], null, p[3]);
                case 5: return new BundleId(p[0], p[1], p[2], p[3], p[4]);
                default:
                    throw new IllegalArgumentException("bad id " + id + "; expected group:artifact[:type[:classifier]]:version");
            }
        }

        /** @return the file in a Maven repository layout under {@code repo} */
        Path resolve(Path repo) {
            String file = artifact + "-" + version + (classifier == null ? "" : "-" + classifier) + "."
                    + ("bundle".equals(type) ? "jar" : type);
            return repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version).resolve(file);
        }

        @Override
        public String toString() {
            return group + ":" + artifact + (classifier == null ? ("jar".equals(type) ? "" : ":" + type) : ":" + type + ":" + classifier)
                    + ":" + version;
        }
    }
}
