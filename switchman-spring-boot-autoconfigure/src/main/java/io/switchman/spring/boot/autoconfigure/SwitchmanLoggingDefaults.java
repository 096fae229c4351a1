/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Quiets ZooKeeper's and Curator's loggers unless the application sets them: at INFO they print
 * some 120 lines at every start (environment dumps, banner), and with ZooKeeper down a stack trace
 * at every reconnect attempt, about every second. switchman reports what matters itself (a skipped
 * call at WARN, the health indicator, the metrics).
 *
 * <p>The levels are added as the <em>last</em> property source, the lowest precedence: any {@code
 * logging.level.*} the application sets (in application.yml, the command line, the environment)
 * wins. A level set for {@code org} or {@code org.apache} also keeps these defaults out.
 */
public final class SwitchmanLoggingDefaults implements EnvironmentPostProcessor, Ordered {

  /** The name of the property source added. */
  public static final String PROPERTY_SOURCE_NAME = "switchmanLoggingDefaults";

  /** The defaults: logger name to level. */
  static final Map<String, String> LEVELS = levels();

  private static Map<String, String> levels() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("org.apache.zookeeper", "WARN");
    m.put("org.apache.curator", "WARN");
    // At WARN, the client logs every failed reconnect attempt with its stack trace.
    m.put("org.apache.zookeeper.ClientCnxn", "ERROR");
    return Map.copyOf(m);
  }

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)
        || environment.containsProperty("logging.level.org")
        || environment.containsProperty("logging.level.org.apache")) {
      return;
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    LEVELS.forEach((logger, level) -> defaults.put("logging.level." + logger, level));
    environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
