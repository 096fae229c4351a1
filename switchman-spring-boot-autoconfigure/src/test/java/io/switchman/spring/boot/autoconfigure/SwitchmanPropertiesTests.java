/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.Acl;
import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.OnStuck;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The defaults of every property, without creating any bean (no client, no ZooKeeper). */
class SwitchmanPropertiesTests {

  @Test
  void newPropertiesShouldHaveTheDocumentedDefaults() {
    assertDefaults(new SwitchmanProperties());
  }

  @Test
  void bindingNothingShouldKeepTheDocumentedDefaults() {
    Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("other.key", "x")));
    SwitchmanProperties bound =
        binder.bindOrCreate("switchman", Bindable.of(SwitchmanProperties.class));
    assertDefaults(bound);
  }

  @Test
  void bindingShouldAcceptTheDocumentedForms() {
    Binder binder =
        new Binder(
            new MapConfigurationPropertySource(
                Map.of(
                    "switchman.stop-timeout", "750ms",
                    "switchman.on-stuck", "log",
                    "switchman.acl", "creator",
                    "switchman.capacities[FQDN_cpu]", "CPU")));
    SwitchmanProperties bound =
        binder.bindOrCreate("switchman", Bindable.of(SwitchmanProperties.class));
    assertThat(bound.getStopTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(bound.getOnStuck()).isEqualTo(OnStuck.LOG);
    assertThat(bound.getAcl()).isEqualTo(Acl.CREATOR);
    assertThat(bound.getCapacities()).containsExactly(Map.entry("FQDN_cpu", "CPU"));
  }

  @Test
  void metadataShouldDescribeEveryPropertyIncludingTheHealthToggleAndTheClusterData()
      throws Exception {
    String metadata;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(metadata)
        .contains("\"management.health.switchman.enabled\"")
        .contains("\"switchman.cluster-data.groups\"")
        .contains("\"switchman.cluster-data.resources\"")
        .contains("\"switchman.cluster-data.capacities\"")
        .contains("\"switchman.cluster-data.overwrite\"")
        .contains("\"switchman.connection-timeout\"");
  }

  private static void assertDefaults(SwitchmanProperties p) {
    assertThat(p.isEnabled()).isTrue();
    assertThat(p.getConnectString()).isEqualTo("localhost:2181");
    assertThat(p.getPrefix()).isEqualTo("/switchman");
    assertThat(p.getSessionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.getConnectionTimeout()).isNull(); // the session timeout, at most 15 s
    assertThat(SwitchmanAutoConfiguration.connectionTimeout(p)).isEqualTo(Duration.ofSeconds(15));
    assertThat(p.getClusterData().isDeclared()).isFalse();
    assertThat(p.getClusterData().isOverwrite()).isFalse();
    assertThat(p.getRetry().getBaseSleep()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.getRetry().getMaxSleep()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.getRetry().getMaxRetries()).isEqualTo(3);
    assertThat(p.getHost()).isNull();
    assertThat(p.getAuth().getScheme()).isEqualTo("digest");
    assertThat(p.getAuth().getCredentials()).isNull();
    assertThat(p.getAcl()).isEqualTo(Acl.OPEN);
    assertThat(p.getCapacities()).isEmpty();
    assertThat(p.getStopTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.getOnStuck()).isEqualTo(OnStuck.HALT);
    assertThat(p.getEmbedded().isEnabled()).isFalse();
    assertThat(p.getEmbedded().getPort()).isEqualTo(2181);
    assertThat(p.getEmbedded().getDataDir()).isNull();
  }
}
