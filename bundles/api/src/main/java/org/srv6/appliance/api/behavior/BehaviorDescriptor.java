package org.srv6.appliance.api.behavior;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a behavior is: its keyword, one-line definition, required and optional attributes and
 * supported flavors. {@code srv6:behaviors} prints it; {@link AttributeParser} enforces it.
 *
 * @param keyword      {@code End.X} for endpoints (spelled as in RFC 8986), the seg6 mode
 *                     ({@code encap}, {@code inline}, ...) for transit behaviors
 * @param kind         endpoint or transit
 * @param definition   one line, e.g. "Endpoint with L3 cross-connect"
 * @param reference    where it is specified, e.g. "RFC 8986 §4.2"
 * @param required     attributes that must be present
 * @param optional     attributes that may be present
 * @param flavors      flavors accepted after {@code flavors}
 * @param alternatives groups of attributes of which exactly one must be present (e.g. nh6|nh4)
 */
public record BehaviorDescriptor(String keyword, BehaviorKind kind, String definition, String reference,
        Set<Attribute> required, Set<Attribute> optional, Set<Flavor> flavors,
        Set<Set<Attribute>> alternatives) {

    public BehaviorDescriptor {
        required = Collections.unmodifiableSet(copy(required));
        optional = Collections.unmodifiableSet(copy(optional));
        flavors = flavors.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(Flavor.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(flavors));
        // Each group in Attribute order, so that syntax() names a group once whatever Set was given.
        Set<Set<Attribute>> groups = new HashSet<>();
        for (Set<Attribute> g : alternatives) {
            groups.add(Collections.unmodifiableSet(copy(g)));
        }
        alternatives = Set.copyOf(groups);
    }

    /** A descriptor without alternative groups. */
    public BehaviorDescriptor(String keyword, BehaviorKind kind, String definition, String reference,
            Set<Attribute> required, Set<Attribute> optional, Set<Flavor> flavors) {
        this(keyword, kind, definition, reference, required, optional, flavors, Set.of());
    }

    private static EnumSet<Attribute> copy(Set<Attribute> s) {
        return s.isEmpty() ? EnumSet.noneOf(Attribute.class) : EnumSet.copyOf(s);
    }

    /** @return true when the attribute may appear at all */
    public boolean accepts(Attribute a) {
        if (required.contains(a) || optional.contains(a)) {
            return true;
        }
        for (Set<Attribute> g : alternatives) {
            if (g.contains(a)) {
                return true;
            }
        }
        return a == Attribute.COUNT;
    }

    /**
     * @return the parameter syntax, e.g. {@code nh6 ADDRESS [oif PORT] [flavors psp,usp,usd]}
     */
    public String syntax() {
        StringBuilder sb = new StringBuilder();
        for (Attribute a : Attribute.values()) {
            if (a == Attribute.MODE || a == Attribute.COUNT) {
                continue;
            }
            String item = a == Attribute.FLAVORS && !flavors.isEmpty()
                    ? "flavors " + String.join(",", flavors.stream().map(Flavor::keyword).toList())
                    : a.syntax();
            Set<Attribute> group = groupOf(a);
            if (group != null) {
                if (group.iterator().next() != firstOf(group)) {
                    continue;
                }
            }
            if (group != null && a == firstOf(group)) {
                StringBuilder g = new StringBuilder();
                for (Attribute x : Attribute.values()) {
                    if (group.contains(x)) {
                        g.append(g.length() == 0 ? "" : " | ").append(x.syntax());
                    }
                }
                append(sb, g.toString());
            } else if (group == null && required.contains(a)) {
                append(sb, item);
            } else if (group == null && optional.contains(a)) {
                append(sb, "[" + item + "]");
            }
        }
        append(sb, "[count]");
        return sb.toString();
    }

    private Set<Attribute> groupOf(Attribute a) {
        for (Set<Attribute> g : alternatives) {
            if (g.contains(a)) {
                return g;
            }
        }
        return null;
    }

    private static Attribute firstOf(Set<Attribute> group) {
        for (Attribute x : Attribute.values()) {
            if (group.contains(x)) {
                return x;
            }
        }
        throw new IllegalStateException();
    }

    private static void append(StringBuilder sb, String s) {
        if (sb.length() > 0) {
            sb.append(' ');
        }
        sb.append(s);
    }

    /** @return a builder for the descriptor of {@code keyword} (as {@link AbstractBehavior} uses it) */
    public static Builder builder(String keyword, BehaviorKind kind) {
        return new Builder(keyword, kind);
    }

    /** Builds a descriptor from readable calls; attributes and flavors not named are not accepted. */
    public static final class Builder {
        private final String keyword;
        private final BehaviorKind kind;
        private String definition = "";
        private String reference = "";
        private final EnumSet<Attribute> required = EnumSet.noneOf(Attribute.class);
        private final EnumSet<Attribute> optional = EnumSet.noneOf(Attribute.class);
        private final EnumSet<Flavor> flavors = EnumSet.noneOf(Flavor.class);
        private final List<Set<Attribute>> alternatives = new ArrayList<>();

        private Builder(String keyword, BehaviorKind kind) {
            this.keyword = keyword;
            this.kind = kind;
        }

        /** @param oneLine e.g. "Endpoint with L3 cross-connect" */
        public Builder definition(String oneLine) {
            this.definition = oneLine;
            return this;
        }

        /** @param where e.g. "RFC 8986 §4.2" */
        public Builder reference(String where) {
            this.reference = where;
            return this;
        }

        public Builder required(Attribute... attributes) {
            required.addAll(List.of(attributes));
            return this;
        }

        public Builder optional(Attribute... attributes) {
            optional.addAll(List.of(attributes));
            return this;
        }

        public Builder flavors(Flavor... accepted) {
            flavors.addAll(List.of(accepted));
            return this;
        }

        /** Adds a group of attributes of which exactly one must be present (e.g. nh6 | nh4). */
        public Builder oneOf(Attribute... group) {
            alternatives.add(Set.of(group));
            return this;
        }

        public BehaviorDescriptor build() {
            return new BehaviorDescriptor(keyword, kind, definition, reference, required, optional, flavors,
                    new HashSet<>(alternatives));
        }
    }
}
