package org.srv6.appliance.api.behavior;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The one place a behavior names its keyword and kind. As a DS component property type it
 * becomes the service properties {@value Behavior#KEYWORD_PROPERTY} and
 * {@value Behavior#KIND_PROPERTY} the core selects behaviors by; {@link AbstractBehavior} reads
 * the same annotation at run time for its {@link BehaviorDescriptor}, so the two cannot differ.
 *
 * <pre>
 * &#64;Component(service = Behavior.class)
 * &#64;BehaviorType(behavior = "End.X", behavior_kind = BehaviorKind.ENDPOINT)
 * public final class EndXBehavior extends AbstractBehavior { ... }
 * </pre>
 *
 * The element names are those of the properties they set ({@code srv6.} + name, {@code _} read as
 * {@code .}), as the Declarative Services component property mapping derives them.
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BehaviorType {
    /** Prefix of every property name, so that {@code behavior} maps to {@value Behavior#KEYWORD_PROPERTY}. */
    String PREFIX_ = "srv6.";

    /** @return the keyword: {@code End.X} (spelled as in RFC 8986) or the seg6 mode ({@code encap}) */
    String behavior();

    /** @return endpoint (a SID's {@code action}) or transit (a steering route's {@code mode}) */
    BehaviorKind behavior_kind() default BehaviorKind.ENDPOINT;
}
