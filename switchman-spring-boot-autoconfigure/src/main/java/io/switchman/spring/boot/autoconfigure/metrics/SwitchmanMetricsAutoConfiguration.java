/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.switchman.core.SwitchmanEngine;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of switchman's Micrometer meters (when Micrometer and a {@link MeterRegistry}
 * are present) and of an observation around each guarded run (when an {@link ObservationRegistry}
 * is present).
 */
@AutoConfiguration(
    after = SwitchmanAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@ConditionalOnBean(SwitchmanEngine.class)
public final class SwitchmanMetricsAutoConfiguration {

  /** The meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  static class MeterConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SwitchmanMetrics switchmanMetrics(MeterRegistry registry, SwitchmanEngine engine) {
      return new SwitchmanMetrics(registry, engine);
    }
  }

  /** The observation around each guarded run. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ObservationRegistry.class)
  @ConditionalOnBean(ObservationRegistry.class)
  static class ObservationConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SwitchmanObservations switchmanObservations(ObservationRegistry registry) {
      return new SwitchmanObservations(registry);
    }
  }
}
