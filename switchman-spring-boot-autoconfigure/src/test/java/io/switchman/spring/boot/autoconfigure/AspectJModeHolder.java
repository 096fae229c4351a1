/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.annotation.SwitchmanLock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A proxy-mode bean (its package is not woven) that holds a lock until released: the other
 * application context of the AspectJ-mode tests.
 */
public class AspectJModeHolder {

  private volatile CountDownLatch held = new CountDownLatch(1);
  private volatile CountDownLatch release = new CountDownLatch(1);

  /** Prepares the next hold; call before starting it. */
  public void reset() {
    held = new CountDownLatch(1);
    release = new CountDownLatch(1);
  }

  @SwitchmanLock(name = "aj-final")
  public void holdFinal() throws InterruptedException {
    hold();
  }

  @SwitchmanLock(name = "aj-inner")
  public void holdInner() throws InterruptedException {
    hold();
  }

  private void hold() throws InterruptedException {
    held.countDown();
    release.await(60, TimeUnit.SECONDS);
  }

  /** Whether a hold method is running (under its grant). */
  public boolean isHeld() {
    return held.getCount() == 0;
  }

  /** Ends the running hold. */
  public void release() {
    release.countDown();
  }
}
