/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.internal.LeaseExpression;
import io.switchman.core.internal.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link GrantRequest} checked on one host: resource names expanded for the macros and checked,
 * amounts and given capacities evaluated, a resource leased twice or a lease that can never be
 * granted (amount above capacity) rejected. All of it needs no ZooKeeper, so adapters check their
 * requests at start-up with the very code {@link SwitchmanEngine#acquire} runs, and a bad value is
 * reported as such even when ZooKeeper is unreachable.
 *
 * <p>Capacities that the request does not give come from the {@code capacities} of the cluster
 * data, looked up by the name as requested, then by the expanded name ({@link #capacityFrom}).
 */
public final class RequestPlan {

  /**
   * One lease of the request, checked.
   *
   * @param resource the resource as requested (macros not expanded), e.g. {@code FQDN_cpu}
   * @param expanded the resource name after macro expansion
   * @param amount the units to take, at least 1
   * @param capacity the capacity the request gives, evaluated, or null when it comes from the
   *     cluster data
   */
  public record Lease(String resource, String expanded, long amount, @Nullable Long capacity) {}

  /** A lease with its capacity known, as the engine queues it. */
  record Resolved(String resource, long amount, long capacity) {}

  private final GrantRequest request;
  private final HostFacts host;
  private final List<Lease> leases;

  private RequestPlan(GrantRequest request, HostFacts host, List<Lease> leases) {
    this.request = request;
    this.host = host;
    this.leases = List.copyOf(leases);
  }

  /**
   * Checks {@code request} for {@code host}.
   *
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} (bad name, amount or capacity, a
   *     resource leased twice) or {@code AMOUNT_ABOVE_CAPACITY}, naming the value
   */
  public static RequestPlan of(GrantRequest request, HostFacts host) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(host, "host");
    List<Lease> out = new ArrayList<>();
    for (LeaseRequest l : request.leases()) {
      String expanded = Names.checkResourceName(host.expand(l.resource()));
      long amount = amount(l, expanded, host);
      Long capacity = null;
      if (l.capacity() != null) {
        capacity = capacity(expanded, amount, l.capacity(), host);
      }
      for (Lease other : out) {
        if (other.expanded().equals(expanded)) {
          throw SwitchmanException.invalid(
              "Resource " + expanded + " is leased twice in request '" + request.name() + "'");
        }
      }
      out.add(new Lease(l.resource(), expanded, amount, capacity));
    }
    return new RequestPlan(request, host, out);
  }

  /** The request. */
  public GrantRequest request() {
    return request;
  }

  /** The leases, in the order of the request. */
  public List<Lease> leases() {
    return leases;
  }

  /** The leases whose capacity must come from the cluster data. */
  public List<Lease> leasesWithoutCapacity() {
    return leases.stream().filter(l -> l.capacity() == null).toList();
  }

  /**
   * The capacity expression the cluster data gives for {@code lease}: by the resource name as
   * requested, then by the expanded name; null when it gives none.
   */
  public @Nullable String capacityFrom(ClusterData data, Lease lease) {
    return capacityFrom(data.capacities(), lease.resource(), lease.expanded(), host);
  }

  /**
   * The value of {@code capacities} for a resource: by its name as requested, then by the name its
   * key expands to on {@code host}; null when there is none.
   */
  public static @Nullable String capacityFrom(
      Map<String, String> capacities, String resource, String expanded, HostFacts host) {
    String exact = capacities.get(resource);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, String> e : capacities.entrySet()) {
      if (host.expand(e.getKey()).equals(expanded)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * Checks the request against {@code data} as {@link SwitchmanEngine#acquire} does at every call:
   * every lease's capacity is known, its amount fits it, and its resource is listed in the {@code
   * resources}. Adapters run it at start-up so that a mistake is reported once, with the fix.
   *
   * @param prefix the prefix znode, for messages
   * @throws SwitchmanException of kind {@code CAPACITY_UNKNOWN}, {@code AMOUNT_ABOVE_CAPACITY} or
   *     {@code UNKNOWN_RESOURCE}, naming the resource (as requested and expanded)
   */
  public void checkAgainst(ClusterData data, String prefix) {
    Objects.requireNonNull(data, "data");
    resolve(data, prefix);
  }

  /**
   * The leases with their capacities, ordered as the {@code resources} of the cluster data list
   * them (every host takes them in that order).
   *
   * @param prefix the prefix znode, for messages
   */
  List<Resolved> resolve(ClusterData data, String prefix) {
    if (leases.isEmpty()) {
      return List.of();
    }
    List<String> known = new ArrayList<>();
    for (String r : data.resources()) {
      known.add(host.expand(r));
    }
    List<Resolved> out = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (Lease l : leases) {
      long capacity;
      if (l.capacity() != null) {
        capacity = l.capacity();
      } else {
        String expression = capacityFrom(data, l);
        if (expression == null) {
          throw new SwitchmanException(
              SwitchmanException.Kind.CAPACITY_UNKNOWN,
              "No capacity for resource '"
                  + l.expanded()
                  + "': give one with the lease, or add it to the \"capacities\" of znode "
                  + prefix);
        }
        capacity = capacityFromZnode(l, expression, prefix);
      }
      if (!known.contains(l.expanded())) {
        // both names when they differ: the user wrote FQDN_cpu, the data must list it
        unknown.add(
            l.resource().equals(l.expanded())
                ? l.expanded()
                : l.resource() + " (expanded: " + l.expanded() + ")");
      }
      out.add(new Resolved(l.expanded(), l.amount(), capacity));
    }
    if (!unknown.isEmpty()) {
      throw new SwitchmanException(
          SwitchmanException.Kind.UNKNOWN_RESOURCE,
          "Unknown resources "
              + unknown
              + ": the \"resources\" of znode "
              + prefix
              + " list "
              + known);
    }
    out.sort((a, b) -> Integer.compare(known.indexOf(a.resource()), known.indexOf(b.resource())));
    return out;
  }

  /**
   * A capacity the cluster data gives: an invalid one is the cluster data's fault, reported as such
   * ({@code INVALID_CLUSTER_DATA}, naming the znode), not as a bad argument of the request.
   */
  private long capacityFromZnode(Lease l, String expression, String prefix) {
    try {
      return capacity(l.expanded(), l.amount(), expression, host);
    } catch (SwitchmanException e) {
      if (e.kind() != SwitchmanException.Kind.INVALID_ARGUMENT) {
        throw e;
      }
      throw new SwitchmanException(
          SwitchmanException.Kind.INVALID_CLUSTER_DATA,
          "Invalid cluster data in znode "
              + prefix
              + ": the \"capacities\" entry for resource "
              + l.resource()
              + " is invalid: "
              + e.getMessage(),
          e);
    }
  }

  /** The lease's amount, a whole number of at least 1. */
  private static long amount(LeaseRequest l, String resource, HostFacts host) {
    long amount = LeaseExpression.evaluate("amount of lease " + resource, l.amount(), host);
    if (amount < 1) {
      throw SwitchmanException.invalid(
          "Invalid amount " + amount + " for resource " + resource + ": must be at least 1");
    }
    return amount;
  }

  /** A capacity of at least 1 and at least the amount. */
  private static long capacity(
      String resource, long amount, String capacityExpression, HostFacts host) {
    long capacity =
        LeaseExpression.evaluate("capacity of resource " + resource, capacityExpression, host);
    if (capacity < 1) {
      throw SwitchmanException.invalid(
          "Invalid capacity " + capacity + " for resource " + resource + ": must be at least 1");
    }
    if (amount > capacity) {
      throw new SwitchmanException(
          SwitchmanException.Kind.AMOUNT_ABOVE_CAPACITY,
          "Lease of "
              + amount
              + " units of resource "
              + resource
              + " can never be granted: its capacity is "
              + capacity);
    }
    return capacity;
  }
}
