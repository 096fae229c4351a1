/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.core.Acquisition;
import io.switchman.core.ClusterData;
import io.switchman.core.ClusterStatus.GrantInfo;
import io.switchman.core.GrantRequest;
import io.switchman.core.LossReason;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint.GrantDescriptor;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint.SwitchmanDescriptor;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SwitchmanEndpointAutoConfigurationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final String prefix = "/endpoint-" + UUID.randomUUID();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class, SwitchmanEndpointAutoConfiguration.class))
          .withPropertyValues(
              "switchman.connect-string=" + zk.server().getConnectString(),
              "switchman.prefix=" + prefix,
              "switchman.host=h1.example.com",
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s");

  @Test
  void grantBeingReleasedShouldShowAsReleasingAndALostOneAsLost() {
    Instant now = Instant.now();
    assertThat(
            GrantDescriptor.of(new GrantInfo("x", true, 7, List.of(), now, false, null), "0x1")
                .state())
        .isEqualTo("releasing");
    assertThat(
            GrantDescriptor.of(
                    new GrantInfo("x", true, 7, List.of(), now, false, LossReason.SESSION_LOST),
                    "0x1")
                .state())
        .isEqualTo("lost");
    assertThat(
            GrantDescriptor.of(new GrantInfo("x", true, 7, List.of(), now, true, null), "0x1")
                .state())
        .isEqualTo("held");
  }

  @Test
  void exposedEndpointShouldShowGrantsLocksLeasesAndClusterData() {
    runner
        .withPropertyValues("management.endpoints.web.exposure.include=switchman")
        .run(
            context -> {
              assertThat(context).hasSingleBean(SwitchmanEndpoint.class);
              SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
              context.getBean(CuratorFramework.class).blockUntilConnected();
              engine.writeClusterData(
                  new ClusterData(
                      Map.of("workers", List.of("h1.example.com")),
                      List.of("db"),
                      Map.of("db", "3")));
              Acquisition a =
                  engine.acquire(GrantRequest.builder("export").lease("db", "2", null).build());
              try {
                SwitchmanDescriptor d = context.getBean(SwitchmanEndpoint.class).switchman();
                assertThat(d.connected()).isTrue();
                assertThat(d.host()).isEqualTo("h1.example.com");
                assertThat(d.prefix()).isEqualTo(prefix);
                assertThat(d.sessionId()).startsWith("0x");
                assertThat(d.sessionTimeoutMs()).isEqualTo(4000);
                assertThat(d.grants())
                    .singleElement()
                    .satisfies(
                        g -> {
                          assertThat(g.name()).isEqualTo("export");
                          assertThat(g.fencingToken()).isEqualTo(a.grant().fencingToken());
                          assertThat(g.leases()).containsExactly("db=2/3");
                          assertThat(g.state()).isEqualTo("held");
                          assertThat(g.sessionId()).isEqualTo(d.sessionId());
                        });
                assertThat(d.locks())
                    .singleElement()
                    .satisfies(
                        l -> {
                          assertThat(l.name()).isEqualTo("export");
                          assertThat(l.holder()).startsWith("h1.example.com ");
                          assertThat(l.fencingToken()).isEqualTo(a.grant().fencingToken());
                          assertThat(l.sessionId()).isEqualTo(d.sessionId());
                        });
                assertThat(d.leases().get("db")).singleElement().extracting("amount").isEqualTo(2L);
                assertThat(d.clusterData()).isInstanceOf(ClusterData.class);
                assertThat(((ClusterData) d.clusterData()).capacities()).containsEntry("db", "3");
                assertThat(d.error()).isNull();
              } finally {
                a.grant().release();
              }
            });
  }

  @Test
  void unreachableZooKeeperShouldShowOwnGrantsAndTheError() {
    runner
        .withPropertyValues(
            "management.endpoints.web.exposure.include=switchman",
            "switchman.connect-string=127.0.0.1:1")
        .run(
            context -> {
              SwitchmanDescriptor d = context.getBean(SwitchmanEndpoint.class).switchman();
              assertThat(d.connected()).isFalse();
              assertThat(d.grants()).isEmpty();
              assertThat(d.error()).isEqualTo("not connected to ZooKeeper");
            });
  }

  @Test
  void unexposedEndpointShouldNotBeCreated() {
    runner.run(context -> assertThat(context).doesNotHaveBean(SwitchmanEndpoint.class));
  }

  @Test
  void noActuatorShouldMeanNoEndpoint() {
    runner
        .withPropertyValues("management.endpoints.web.exposure.include=switchman")
        .withClassLoader(new FilteredClassLoader(Endpoint.class))
        .run(
            context -> assertThat(context).hasNotFailed().doesNotHaveBean(SwitchmanEndpoint.class));
  }
}
