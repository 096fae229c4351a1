/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.internal.Names;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A wish to hold {@code amount} units of {@code resource}. All three are expanded for the macros
 * {@code FQDN}, {@code CPU} and {@code MEMMB} when the request is served; amount and capacity are
 * integer expressions.
 *
 * @param resource the resource name, e.g. {@code FQDN_cpu}
 * @param amount the units to take, e.g. {@code 1} or {@code int(CPU/2)}
 * @param capacity the resource's capacity, e.g. {@code CPU}; {@code null} to take it from the
 *     {@code capacities} of the prefix znode's data
 */
public record LeaseRequest(String resource, String amount, @Nullable String capacity) {

  public LeaseRequest {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(amount, "amount");
    if (capacity != null && capacity.isBlank()) {
      capacity = null;
    }
  }

  /**
   * Parses switchman's command-line form {@code RES=COUNT:TOTAL} (or {@code RES=COUNT}, the
   * capacity then coming from the cluster data).
   *
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value
   */
  public static LeaseRequest parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw SwitchmanException.invalid(
          "Invalid lease '" + Names.printable(spec) + "': expected RESOURCE=COUNT:TOTAL");
    }
    String res = spec.substring(0, eq);
    String value = spec.substring(eq + 1);
    int colon = value.indexOf(':');
    if (colon < 0) {
      return new LeaseRequest(res, value, null);
    }
    if (colon == 0 || colon == value.length() - 1) {
      throw SwitchmanException.invalid(
          "Invalid lease '" + Names.printable(spec) + "': expected RESOURCE=COUNT:TOTAL");
    }
    return new LeaseRequest(res, value.substring(0, colon), value.substring(colon + 1));
  }
}
