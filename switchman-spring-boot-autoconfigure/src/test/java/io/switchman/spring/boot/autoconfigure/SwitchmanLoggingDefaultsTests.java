/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/** ZooKeeper's and Curator's loggers default to WARN, at the lowest precedence. */
class SwitchmanLoggingDefaultsTests {

  @Test
  void shouldBeRegisteredAsAnEnvironmentPostProcessor() throws Exception {
    List<String> registered = new ArrayList<>();
    for (URL url :
        Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
      Properties p = PropertiesLoaderUtils.loadProperties(new UrlResource(url));
      registered.add(p.getProperty("org.springframework.boot.EnvironmentPostProcessor", ""));
    }
    assertThat(registered).anyMatch(v -> v.contains(SwitchmanLoggingDefaults.class.getName()));
  }

  @Test
  void shouldDefaultTheLoggersAsTheLastPropertySource() {
    StandardEnvironment env = new StandardEnvironment();
    new SwitchmanLoggingDefaults().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("logging.level.org.apache.zookeeper")).isEqualTo("WARN");
    assertThat(env.getProperty("logging.level.org.apache.curator")).isEqualTo("WARN");
    assertThat(env.getProperty("logging.level.org.apache.zookeeper.ClientCnxn")).isEqualTo("ERROR");
    assertThat(env.getPropertySources().stream().reduce((a, b) -> b).orElseThrow().getName())
        .isEqualTo(SwitchmanLoggingDefaults.PROPERTY_SOURCE_NAME);
  }

  @Test
  void aLevelTheUserSetsShouldWin() {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources()
        .addFirst(
            new MapPropertySource(
                "application", Map.of("logging.level.org.apache.zookeeper", "INFO")));
    new SwitchmanLoggingDefaults().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("logging.level.org.apache.zookeeper")).isEqualTo("INFO");
    assertThat(env.getProperty("logging.level.org.apache.curator")).isEqualTo("WARN");
  }

  @Test
  void aLevelForAParentShouldKeepTheDefaultsOut() {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources()
        .addFirst(
            new MapPropertySource("application", Map.of("logging.level.org.apache", "DEBUG")));
    new SwitchmanLoggingDefaults().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("logging.level.org.apache.zookeeper")).isNull();
  }
}
