/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Grant;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.LeaseRequest;
import io.switchman.core.SwitchmanException;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs code under a lock and leases given in code, for what has no annotation to carry them: batch
 * steps, message listeners, startup tasks. In the style of Spring's {@code TransactionTemplate}:
 *
 * <pre>{@code
 * boolean ran = switchman.lock("nightly-export")
 *     .waitFor(Duration.ofSeconds(5))
 *     .maxDuration(Duration.ofMinutes(10))
 *     .run(() -> exporter.export());
 *
 * SwitchmanTemplate.Result<Integer> r = switchman.leases("reindex")
 *     .lease("db-connections", 2)
 *     .execute(grant -> reindexer.run(grant.fencingToken()));
 * if (r.ran()) { ... r.value() ... }
 * }</pre>
 *
 * The same semantics as {@code @SwitchmanLock} / {@code @SwitchmanLease}: when the lock is busy,
 * this host is not in the group, the wait runs out or ZooKeeper cannot be reached, the code does
 * not run (logged and counted as a skip); it runs on the calling thread, which is interrupted on
 * loss of the grant or at maxDuration ({@code on-stuck} applies); the grant is released when it
 * returns, or holdAtLeast after it started. {@code SwitchmanContext} works inside. A {@link Spec}
 * is immutable: keep one in a field and run it as often as needed.
 */
public final class SwitchmanTemplate {

  private final Supplier<SwitchmanGuard> guard;
  private final GuardedMethods methods;
  private final HostFacts host;

  SwitchmanTemplate(Supplier<SwitchmanGuard> guard, GuardedMethods methods, HostFacts host) {
    this.guard = guard;
    this.methods = methods;
    this.host = host;
  }

  /**
   * Code to run under the exclusive lock {@code name} (and any leases added).
   *
   * @throws IllegalArgumentException when the name is invalid
   */
  public Spec lock(String name) {
    return new Spec(this, check(name), true, List.of(), null, Duration.ZERO, Duration.ZERO, null);
  }

  /**
   * Code to run under leases only (added with {@link Spec#lease}), as a request named {@code name}.
   *
   * @throws IllegalArgumentException when the name is invalid
   */
  public Spec leases(String name) {
    return new Spec(this, check(name), false, List.of(), null, Duration.ZERO, Duration.ZERO, null);
  }

  private static String check(String name) {
    Objects.requireNonNull(name, "name");
    try {
      return Names.checkLockName(name);
    } catch (SwitchmanException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * What one run returned, if it ran.
   *
   * @param ran whether the code ran (false: it was skipped)
   * @param value what it returned, null when skipped
   * @param <T> the type of the value
   */
  public record Result<T>(boolean ran, @Nullable T value) {

    /** The value, empty when skipped or null. */
    public Optional<T> optional() {
      return Optional.ofNullable(value);
    }
  }

  /** A lock or leases with their options; immutable, each option returns a new Spec. */
  public static final class Spec {
    private final SwitchmanTemplate template;
    private final String name;
    private final boolean lock;
    private final List<LeaseRequest> leases;
    private final @Nullable String group;
    private final Duration waitFor;
    private final Duration holdAtLeast;
    private final @Nullable Duration maxDuration;

    private Spec(
        SwitchmanTemplate template,
        String name,
        boolean lock,
        List<LeaseRequest> leases,
        @Nullable String group,
        Duration waitFor,
        Duration holdAtLeast,
        @Nullable Duration maxDuration) {
      this.template = template;
      this.name = name;
      this.lock = lock;
      this.leases = List.copyOf(leases);
      this.group = group;
      this.waitFor = waitFor;
      this.holdAtLeast = holdAtLeast;
      this.maxDuration = maxDuration;
    }

    /** How long to wait for a held lock before skipping; default zero (skip at once). */
    public Spec waitFor(Duration wait) {
      return new Spec(
          template,
          name,
          lock,
          leases,
          group,
          notNegative("waitFor", wait),
          holdAtLeast,
          maxDuration);
    }

    /** Runs only on hosts of {@code group} (in the cluster data); others skip. */
    public Spec group(String group) {
      try {
        Names.checkGroupName(Objects.requireNonNull(group, "group"));
      } catch (SwitchmanException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return new Spec(template, name, lock, leases, group, waitFor, holdAtLeast, maxDuration);
    }

    /** Keeps the grant at least this long after the start, even if the code returned sooner. */
    public Spec holdAtLeast(Duration hold) {
      return new Spec(
          template,
          name,
          lock,
          leases,
          group,
          waitFor,
          notNegative("holdAtLeast", hold),
          maxDuration);
    }

    /** Interrupts the code when it runs longer than this. */
    public Spec maxDuration(Duration max) {
      if (max.isZero() || max.isNegative()) {
        throw new IllegalArgumentException(
            "Invalid maxDuration " + Durations.format(max) + ": must be positive");
      }
      return new Spec(template, name, lock, leases, group, waitFor, holdAtLeast, max);
    }

    /**
     * Adds a lease of {@code amount} units of {@code resource}, whose capacity comes from {@code
     * switchman.capacities} or the cluster data. Macros ({@code FQDN}, ...) are expanded.
     */
    public Spec lease(String resource, int amount) {
      return lease(resource, amount, null);
    }

    /**
     * Adds a lease of {@code amount} units of {@code resource} of the given capacity (an expression
     * such as {@code CPU*2}); null for the capacity from {@code switchman.capacities} or the
     * cluster data.
     */
    public Spec lease(String resource, int amount, @Nullable String capacity) {
      Objects.requireNonNull(resource, "resource");
      if (amount < 1) {
        throw new IllegalArgumentException(
            "Invalid amount " + amount + " of lease " + resource + ": must be at least 1");
      }
      String expanded;
      try {
        expanded = Names.checkResourceName(template.host.expand(resource));
      } catch (SwitchmanException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      for (LeaseRequest l : leases) {
        if (template.host.expand(l.resource()).equals(expanded)) {
          throw new IllegalArgumentException(
              "resource '"
                  + expanded
                  + "' is leased twice; lease it once with the sum of the amounts");
        }
      }
      String cap =
          capacity == null || capacity.isBlank()
              ? template.methods.capacityFromProperties(resource, expanded)
              : capacity;
      List<LeaseRequest> more = new ArrayList<>(leases);
      more.add(new LeaseRequest(resource, Integer.toString(amount), cap));
      return new Spec(template, name, lock, more, group, waitFor, holdAtLeast, maxDuration);
    }

    /**
     * Runs {@code task} under the grant, on this thread.
     *
     * @return whether it ran
     */
    public boolean run(Runnable task) {
      Objects.requireNonNull(task, "task");
      return execute(
              g -> {
                task.run();
                return Boolean.TRUE;
              })
          .ran();
    }

    /**
     * Calls {@code task} under the grant, on this thread.
     *
     * @throws Exception what {@code task} threw
     */
    public <T> Result<T> call(Callable<T> task) throws Exception {
      Objects.requireNonNull(task, "task");
      try {
        return invoke(g -> task.call());
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    /** Applies {@code task} to the grant (its fencing token, lock name), on this thread. */
    public <T> Result<T> execute(Function<Grant, T> task) {
      Objects.requireNonNull(task, "task");
      try {
        return invoke(task::apply);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    @FunctionalInterface
    private interface Task<T> {
      T apply(Grant grant) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private <T> Result<T> invoke(Task<T> task) throws Throwable {
      if (!lock && leases.isEmpty()) {
        throw new IllegalStateException(
            "SwitchmanTemplate.leases(\"" + name + "\") needs at least one lease(...)");
      }
      GrantRequest.Builder request =
          GrantRequest.builder(name).lock(lock).lockWait(waitFor).group(group);
      leases.forEach(request::lease);
      GuardedMethod method =
          new GuardedMethod(
              "SwitchmanTemplate run of '" + name + "'",
              request.build(),
              holdAtLeast,
              maxDuration,
              false,
              ResultKind.BLOCKING);
      SwitchmanGuard guard = template.guard.get();
      long start = System.nanoTime();
      Grant grant = guard.acquire(method, start);
      if (grant == null) {
        return new Result<>(false, null);
      }
      Object value = guard.run(() -> task.apply(grant), method, grant, start);
      return new Result<>(true, (T) value);
    }

    private static Duration notNegative(String what, Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException(
            "Invalid " + what + " " + Durations.format(d) + ": must not be negative");
      }
      return d;
    }
  }
}
