/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

/**
 * The application cannot start as configured: an invalid annotation on a guarded method, or an
 * invalid {@code switchman.*} property. The message names the method or property, the value, and
 * what is allowed.
 */
public class SwitchmanConfigurationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String action;

  SwitchmanConfigurationException(String message, String action, Throwable cause) {
    super(message, cause);
    this.action = action;
  }

  /** An invalid setting: {@code message} names it and its value, {@code action} what to do. */
  public SwitchmanConfigurationException(String message, String action) {
    super(message);
    this.action = action;
  }

  /** What to do about it, for the startup failure report. */
  public String action() {
    return action;
  }
}
