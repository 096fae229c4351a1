/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link Grant#checkLoss()}: what the CLI asks when its command has exited. (That it declares a
 * passed safety deadline at once is the monitor's own {@code checkDeadline}, which the public API
 * cannot make pass between two ticks deterministically.)
 */
class CheckLossTest extends EngineTestBase {

  @Test
  void heldGrantIsNotLostByAsking() throws Exception {
    Acquisition a = engine("h1").acquire(lock("fresh"));
    Grant grant = a.grant();
    assertThat(grant.checkLoss()).isEmpty();
    assertThat(grant.isHeld()).isTrue();
    grant.release();
    assertThat(grant.checkLoss()).isEmpty();
  }
}
