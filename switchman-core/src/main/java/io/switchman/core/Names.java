/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

/**
 * Moved to {@link io.switchman.core.internal.Names} (not API). This delegate stays only until the
 * adapters stop calling it (GrantRequest and {@link RequestPlan} check names); then it is deleted.
 */
public final class Names {

  /** See {@link io.switchman.core.internal.Names#MAX_LENGTH}. */
  public static final int MAX_LENGTH = io.switchman.core.internal.Names.MAX_LENGTH;

  private Names() {}

  /** See {@link io.switchman.core.internal.Names#checkLockName}. */
  public static String checkLockName(String name) {
    return io.switchman.core.internal.Names.checkLockName(name);
  }

  /** See {@link io.switchman.core.internal.Names#checkResourceName}. */
  public static String checkResourceName(String name) {
    return io.switchman.core.internal.Names.checkResourceName(name);
  }

  /** See {@link io.switchman.core.internal.Names#checkGroupName}. */
  public static String checkGroupName(String name) {
    return io.switchman.core.internal.Names.checkGroupName(name);
  }
}
