/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.core.GrantRequest;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import io.switchman.spring.boot.autoconfigure.endpoint.SwitchmanEndpointAutoConfiguration;
import io.switchman.spring.boot.console.SwitchmanConsole;
import io.switchman.spring.boot.console.SwitchmanConsole.View;
import io.switchman.spring.boot.console.SwitchmanConsoleController;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** When the console is served, where its buttons post to, and what it shows. */
class SwitchmanConsoleAutoConfigurationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final String prefix = "/console-" + UUID.randomUUID();

  private final String[] base = {
    "switchman.connect-string=" + zk.server().getConnectString(),
    "switchman.prefix=" + prefix,
    "switchman.host=h1.example.com",
    "switchman.session-timeout=4s",
    "switchman.connection-timeout=2s",
    "switchman.stop-timeout=1s"
  };

  private final WebApplicationContextRunner web =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class,
                  SwitchmanEndpointAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  WebEndpointAutoConfiguration.class,
                  SwitchmanConsoleAutoConfiguration.class))
          .withPropertyValues(base);

  @Test
  void consoleShouldBeOffByDefault() {
    web.run(c -> assertThat(c).hasNotFailed().doesNotHaveBean(SwitchmanConsole.class));
  }

  @Test
  void consoleShouldNeedAServletWebApplication() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SwitchmanAutoConfiguration.class, SwitchmanConsoleAutoConfiguration.class))
        .withPropertyValues(base)
        .withPropertyValues("switchman.console.enabled=true")
        .run(c -> assertThat(c).hasNotFailed().doesNotHaveBean(SwitchmanConsole.class));
  }

  @Test
  void consoleShouldNeedSpringMvc() {
    web.withPropertyValues("switchman.console.enabled=true")
        .withClassLoader(new FilteredClassLoader(SseEmitter.class))
        .run(c -> assertThat(c).hasNotFailed().doesNotHaveBean(SwitchmanConsole.class));
  }

  @Test
  void buttonsShouldShowOnlyWithUnrestrictedWebAccess() {
    web.withPropertyValues("switchman.console.enabled=true")
        .run(
            c -> {
              assertThat(c).hasSingleBean(SwitchmanConsoleController.class);
              assertThat(c.getBean(SwitchmanConsole.class).writePath()).isNull();
            });
    web.withPropertyValues(
            "switchman.console.enabled=true",
            "management.endpoints.web.exposure.include=switchman",
            "management.endpoint.switchman.access=UNRESTRICTED")
        .run(
            c ->
                assertThat(c.getBean(SwitchmanConsole.class).writePath())
                    .isEqualTo("/actuator/switchman"));
    web.withPropertyValues(
            "switchman.console.enabled=true", "management.endpoints.web.exposure.include=switchman")
        .run(c -> assertThat(c.getBean(SwitchmanConsole.class).writePath()).isNull());
    web.withPropertyValues(
            "switchman.console.enabled=true",
            "management.endpoints.web.exposure.include=switchman",
            "management.endpoint.switchman.access=UNRESTRICTED",
            "management.server.port=0")
        .run(c -> assertThat(c.getBean(SwitchmanConsole.class).writePath()).isNull());
  }

  @Test
  void invalidPathShouldFailNamingIt() {
    web.withPropertyValues("switchman.console.enabled=true", "switchman.console.path=switchman/")
        .run(
            c ->
                assertThat(c)
                    .getFailure()
                    .rootCause()
                    .hasMessage(
                        "Invalid switchman.console.path 'switchman/': expected a path such as"
                            + " /switchman: starting with '/', not '/' alone, no trailing '/',"
                            + " letters, digits and - . _ ~ only"));
  }

  @Test
  void viewShouldShowLocksWithHolderAndThisInstancesGrants() {
    web.withPropertyValues("switchman.console.enabled=true")
        .run(
            c -> {
              c.getBean(CuratorFramework.class).blockUntilConnected();
              SwitchmanEngine engine = c.getBean(SwitchmanEngine.class);
              var a = engine.acquire(GrantRequest.builder("nightly").build());
              try {
                View v = c.getBean(SwitchmanConsole.class).view();
                assertThat(v.connected()).isTrue();
                assertThat(v.host()).isEqualTo("h1.example.com");
                assertThat(v.locks())
                    .singleElement()
                    .satisfies(
                        l -> {
                          assertThat(l.name()).isEqualTo("nightly");
                          assertThat(l.host()).isEqualTo("h1.example.com");
                          assertThat(l.pid())
                              .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
                          assertThat(l.fencingToken()).isEqualTo(a.grant().fencingToken());
                          assertThat(l.paused()).isFalse();
                        });
                assertThat(v.grants()).singleElement().extracting("name").isEqualTo("nightly");
                engine
                    .operations()
                    .pause("other", "backup", io.switchman.core.PauseMode.FAIL_IF_HELD);
                View paused = c.getBean(SwitchmanConsole.class).view();
                assertThat(paused.locks())
                    .filteredOn(l -> l.name().equals("other"))
                    .singleElement()
                    .satisfies(
                        l -> {
                          assertThat(l.paused()).isTrue();
                          assertThat(l.pausedBy()).isEqualTo("h1.example.com");
                          assertThat(l.reason()).isEqualTo("backup");
                        });
              } finally {
                a.grant().release();
              }
            });
  }
}
