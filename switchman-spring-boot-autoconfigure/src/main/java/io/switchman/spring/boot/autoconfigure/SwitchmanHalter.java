/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

/**
 * Halts the JVM when a guarded method does not return within the stop time after its grant was lost
 * and {@code switchman.on-stuck=halt}. The default calls {@link Runtime#halt(int)}: no shutdown
 * hooks run, so the method cannot outlive the grant by more than the stop budget. Define a bean of
 * this type to replace it (tests do, to observe the halt without dying).
 */
@FunctionalInterface
public interface SwitchmanHalter {

  /** The exit status of a halt: 70, EX_SOFTWARE of sysexits.h. */
  int EXIT_STATUS = 70;

  /**
   * Halts the JVM.
   *
   * @param reason what was stuck, already logged
   */
  void halt(String reason);

  /** The default: {@code Runtime.getRuntime().halt(70)}. */
  static SwitchmanHalter runtime() {
    return reason -> Runtime.getRuntime().halt(EXIT_STATUS);
  }
}
