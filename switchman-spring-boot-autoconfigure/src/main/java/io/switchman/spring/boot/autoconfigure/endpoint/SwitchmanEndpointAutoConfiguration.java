/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.endpoint;

import io.switchman.core.SwitchmanEngine;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunner;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code switchman} actuator endpoint, when the actuator is present and
 * the endpoint is available (enabled and exposed, e.g. {@code
 * management.endpoints.web.exposure.include=health,switchman}).
 */
@AutoConfiguration(after = SwitchmanAutoConfiguration.class)
@ConditionalOnBean(SwitchmanEngine.class)
public final class SwitchmanEndpointAutoConfiguration {

  /** The endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
  @ConditionalOnAvailableEndpoint(SwitchmanEndpoint.class)
  static class EndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SwitchmanEndpoint switchmanEndpoint(
        SwitchmanEngine engine, ObjectProvider<SwitchmanRunner> runner) {
      return new SwitchmanEndpoint(engine, runner.getIfUnique());
    }
  }
}
