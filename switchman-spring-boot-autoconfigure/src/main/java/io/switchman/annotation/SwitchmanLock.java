/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method only while this process holds the cluster-wide lock {@link #name()}: at
 * most one holder across all hosts at a time.
 *
 * <p>When the lock is busy (and {@link #waitFor()} has passed), when this host is not in {@link
 * #group()}, or when ZooKeeper cannot be reached, the method does not run and returns {@code null}
 * (or {@code Optional.empty()}). If the lock may be lost while the method runs (connection
 * suspended, session lost, lock node deleted or changed, host left the group, safety deadline
 * passed, {@link #maxDuration()} exceeded), the thread running the method is interrupted before
 * another holder can be granted the lock. The current grant, with its fencing token, is available
 * through {@link io.switchman.core.SwitchmanContext}.
 *
 * <p><b>Which methods are guarded.</b> By default (Spring AOP, a class proxy per bean) a call is
 * guarded only when it goes through the proxy of a Spring bean: a public, protected or
 * package-private instance method, not final, of a class that is not final, called from another
 * bean (or by Spring's scheduler). Private, static and final methods, and methods of final classes,
 * are rejected at startup, because the proxy cannot intercept them. Two cases cannot be detected
 * and run <em>unguarded</em>: a call from inside the same object ({@code this.other()},
 * self-invocation, as with {@code @Transactional}), and a call on an object that is not a Spring
 * bean (created with {@code new}). Inside a self-invoked method, {@link
 * io.switchman.core.SwitchmanContext} still gives the grant of the method the guard ran, the
 * caller's. With {@code switchman.mode=aspectj} and the AspectJ weaver (see
 * io.switchman.spring.boot.autoconfigure.SwitchmanAspect) every execution of the annotated method
 * is guarded, self-invoked, final, private and static ones included, under its own lock; the
 * annotation must then be declared on the method itself.
 *
 * <p><b>Return types.</b> A call that is skipped returns {@code null}, or {@code Optional.empty()}
 * for an {@code Optional}; methods returning a primitive are rejected at startup.
 *
 * <p>Every attribute accepts {@code ${...}} placeholders. Durations accept {@code 500ms}, {@code
 * 10s}, {@code 5m}, {@code 1h}, {@code 1d} and ISO-8601 ({@code PT10S}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface SwitchmanLock {

  /**
   * The lock name, shared by every host that must exclude each other; the znode is {@code
   * <prefix>/locks/<name>}. Default: {@code <SimpleClassName>.<methodName>}. No {@code /}, not
   * {@code .} or {@code ..}, at most 512 characters.
   */
  String name() default "";

  /**
   * How long to wait for the lock when it is held, served in arrival order. Default {@code 0s}:
   * skip the run when the lock is held.
   */
  String waitFor() default "0s";

  /**
   * The server group (defined in the prefix znode's data) whose hosts may run the method. Default:
   * none, any host.
   */
  String group() default "";

  /**
   * Keep the lock this long after the method started, even if it returned sooner, so that hosts
   * whose clocks disagree slightly do not run the same scheduled job twice. Default {@code 0s}.
   */
  String holdAtLeast() default "0s";

  /** Interrupt the method when it runs longer than this. Default: none. */
  String maxDuration() default "";
}
