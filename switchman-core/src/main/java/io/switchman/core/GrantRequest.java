/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.internal.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a job needs before it may run: optionally the exclusive lock {@code name}, any number of
 * leases, and membership of a group. Served as switchman does: group check, leases first (all
 * queues joined in one transaction), then the lock. Immutable; build with {@link #builder}.
 *
 * @param name the job's name: the lock name, and the name its lease queue nodes carry
 * @param lock whether to take the exclusive lock (switchman's {@code --lock/--no-lock})
 * @param leases the leases, taken together
 * @param group the group this host must belong to, or {@code null} for any host
 * @param lockWait how long to wait for a held lock; zero skips at once
 * @param leaseWait how long to wait for the leases; zero waits without limit, as switchman's {@code
 *     resources_wait_timeout} of 0
 */
public record GrantRequest(
    String name,
    boolean lock,
    List<LeaseRequest> leases,
    @Nullable String group,
    Duration lockWait,
    Duration leaseWait) {

  public GrantRequest {
    Names.checkLockName(Objects.requireNonNull(name, "name"));
    leases = List.copyOf(leases);
    if (group != null) {
      Names.checkGroupName(group);
    }
    if (lockWait.isNegative() || leaseWait.isNegative()) {
      throw SwitchmanException.invalid("Wait durations must not be negative");
    }
    if (!lock && leases.isEmpty()) {
      throw SwitchmanException.invalid(
          "Request '" + name + "' takes neither the lock nor a lease: nothing to guard");
    }
  }

  /** A builder for a request that takes the lock {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a {@link GrantRequest}. */
  public static final class Builder {
    private final String name;
    private boolean lock = true;
    private final List<LeaseRequest> leases = new ArrayList<>();
    private @Nullable String group;
    private Duration lockWait = Duration.ZERO;
    private Duration leaseWait = Duration.ZERO;

    private Builder(String name) {
      this.name = name;
    }

    /** Whether to take the exclusive lock; default true. */
    public Builder lock(boolean lock) {
      this.lock = lock;
      return this;
    }

    /** Adds a lease. */
    public Builder lease(LeaseRequest lease) {
      leases.add(lease);
      return this;
    }

    /** Adds a lease of {@code amount} units of {@code resource} with the given capacity. */
    public Builder lease(String resource, String amount, @Nullable String capacity) {
      return lease(new LeaseRequest(resource, amount, capacity));
    }

    /** Requires this host to be in {@code group}; null or empty for any host. */
    public Builder group(@Nullable String group) {
      this.group = group == null || group.isEmpty() ? null : group;
      return this;
    }

    /** How long to wait for a held lock; default zero (skip). */
    public Builder lockWait(Duration wait) {
      this.lockWait = wait;
      return this;
    }

    /** How long to wait for the leases; default zero (no limit). */
    public Builder leaseWait(Duration wait) {
      this.leaseWait = wait;
      return this;
    }

    public GrantRequest build() {
      return new GrantRequest(name, lock, leases, group, lockWait, leaseWait);
    }
  }
}
