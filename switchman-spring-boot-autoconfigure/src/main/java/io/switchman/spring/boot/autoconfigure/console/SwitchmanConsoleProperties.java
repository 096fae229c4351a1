/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.console;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The live web console. */
@ConfigurationProperties("switchman.console")
public class SwitchmanConsoleProperties {

  /**
   * Whether to serve the live web console (a servlet web application with Spring MVC). It shows
   * every lock, resource, queue and group under the prefix to anyone who can reach its path:
   * protect it as you protect the actuator.
   */
  private boolean enabled = false;

  /** Path of the console, e.g. /switchman; its event stream is at <path>/events. */
  private String path = "/switchman";

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }
}
