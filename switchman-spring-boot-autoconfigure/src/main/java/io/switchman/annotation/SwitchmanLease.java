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
 * <p>The macros {@code FQDN} (this host's name), {@code CPU} (processors available to this process)
 * and {@code MEMMB} (memory in MiB) are expanded in all three attributes, so {@code FQDN_cpu} is a
 * per-host resource. Amount and capacity are integer arithmetic: numbers, {@code + - * /},
 * parentheses and {@code int()}. Every attribute accepts {@code ${...}} placeholders.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(SwitchmanLeases.class)
public @interface SwitchmanLease {

  /** The resource name, for example {@code db_api} or {@code FQDN_cpu}. */
  String resource();

  /** How many units of the resource this method takes: a positive integer. Default 1. */
  int amount() default 1;

  /**
   * The resource's total capacity, an integer expression such as {@code CPU} or {@code
   * int(MEMMB/1024)}. Default: the property {@code switchman.capacities.<resource>}, else the
   * {@code capacities} map in the prefix znode's data. Every holder of a resource must agree on its
   * capacity.
   */
  String capacity() default "";
}
