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
 * One OSGi Feature (R8 compendium, Feature Service, {@code feature-resource-version} 1.0): its id,
 * the bundles it lists and the features it includes. The name used by the commands is the file
 * name without {@code .json}.
 *
 * <p>The Feature format has no includes of its own; a feature made of other features (srv6-all)
 * lists their ids in the mandatory extension {@value #INCLUDES} of type {@code artifacts}, which a
 * runtime that does not know it must refuse rather than install half of the feature:
 * <pre>
 * "extensions": { "org.srv6.appliance.includes": { "type": "artifacts", "kind": "mandatory",
 *     "artifacts": [ { "id": "org.srv6.appliance:srv6-behavior-end:osgifeature:srv6-behavior-end:0.1.0" } ] } }
 * </pre>
 */
final class Feature {
    /** Name of the extension that lists the ids of the included features. */
    static final String INCLUDES = "org.srv6.appliance.includes";

    final String name;
    final String id;
    final String version;
    final String description;
    final List<BundleId> bundles;
    /** Ids of the features this one includes, as written (group:artifact:osgifeature:classifier:version). */
    final List<String> includes;

    private Feature(String name, String id, String version, String description, List<BundleId> bundles, List<String> includes) {
        this.name = name;
        this.id = id;
        this.version = version;
        this.description = description;
        this.bundles = bundles;
        this.includes = includes;
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
        List<String> includes = new ArrayList<>();
        Object ext = m.get("extensions");
        if (ext != null && !(ext instanceof Map)) {
            throw new IOException(file + ": \"extensions\" must be an object");
        }
        if (ext != null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) ext).entrySet()) {
                Map<?, ?> x = e.getValue() instanceof Map ? (Map<?, ?>) e.getValue() : Map.of();
                if (INCLUDES.equals(e.getKey())) {
                    if (!"artifacts".equals(x.get("type")) || !(x.get("artifacts") instanceof List)) {
                        throw new IOException(file + ": extension " + INCLUDES + " must be of type artifacts, with a list \"artifacts\"");
                    }
                    for (Object a : (List<?>) x.get("artifacts")) {
                        Object aid = a instanceof Map ? ((Map<?, ?>) a).get("id") : a;
                        if (!(aid instanceof String)) {
                            throw new IOException(file + ": an included feature without \"id\"; expected {\"id\": \"group:artifact:osgifeature:name:version\"}");
                        }
                        try {
                            BundleId.parse((String) aid);
                        } catch (IllegalArgumentException iae) {
                            throw new IOException(file + ": " + iae.getMessage());
                        }
                        includes.add((String) aid);
                    }
                } else if ("mandatory".equals(x.get("kind"))) {
                    // the Feature Service: a mandatory extension the runtime does not know fails the feature
                    throw new IOException(file + ": mandatory extension " + e.getKey() + " is not supported; this runtime knows " + INCLUDES);
                }
            }
        }
        Object d = m.get("description");
        return new Feature(name, id, fid.version, d instanceof String ? (String) d : "", Collections.unmodifiableList(bundles),
                Collections.unmodifiableList(includes));
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
