/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

/**
 * Moved to {@link io.switchman.core.internal.LeaseExpression} (not API). This delegate stays only
 * until the adapters check leases through {@link RequestPlan}; then it is deleted.
 */
public final class LeaseExpression {

  private LeaseExpression() {}

  /** See {@link io.switchman.core.internal.LeaseExpression#evaluate(String, String, HostFacts)}. */
  public static long evaluate(String what, String expression, HostFacts host) {
    return io.switchman.core.internal.LeaseExpression.evaluate(what, expression, host);
  }

  /** Without macros; for the core's tests. */
  static long evaluate(String what, String expression) {
    return io.switchman.core.internal.LeaseExpression.evaluate(what, expression);
  }
}
