/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method only while this process holds a lease of {@link #amount()} units of
 * {@link #resource()}, a fair weighted semaphore whose {@link #capacity()} is shared by every
 * holder across all hosts. Requests for one resource are served strictly in arrival order: a large
 * request at the head of the queue is not overtaken by smaller ones.
 *
 * <p>Repeatable; several leases of one method are taken together (deadlock-free) and released
 * together. With {@link SwitchmanLock} on the same method, the leases are taken first, then the
 * lock, as switchman does. The resource must be listed in the {@code resources} of the prefix
 * znode's data.
 *
 * <p>The resource must be listed in the {@code resources} of the cluster data, which may also give
 * its capacity; when ZooKeeper is reachable at startup, every lease is checked against it and a
 * mistake (resource not listed, no capacity, amount above the capacity) stops startup.
 *
 * <p>The macros {@code FQDN} (this host's name), {@code CPU} (processors available to this process)
 * and {@code MEMMB} (memory in MiB) are expanded in {@link #resource()} and {@link #capacity()}, so
 * {@code FQDN_cpu} is a per-host resource. {@link #capacity()} is integer arithmetic: numbers,
 * {@code + - * /}, parentheses and {@code int()}. The two {@code String} attributes accept {@code
 * ${...}} placeholders; {@link #amount()} is an {@code int}, a constant: no placeholder, macro or
 * arithmetic.
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
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(SwitchmanLeases.class)
public @interface SwitchmanLease {

  /** The resource name, for example {@code db_api} or {@code FQDN_cpu}. */
  String resource();

  /**
   * How many units of the resource this method takes: a constant integer of at least 1 (an {@code
   * int}: no placeholder, macro or arithmetic). Default 1.
   */
  int amount() default 1;

  /**
   * The resource's total capacity, an integer expression such as {@code CPU} or {@code
   * int(MEMMB/1024)}. Default: the property {@code switchman.capacities.<resource>}, else the
   * {@code capacities} map in the prefix znode's data. Every holder of a resource must agree on its
   * capacity.
   */
  String capacity() default "";
}
