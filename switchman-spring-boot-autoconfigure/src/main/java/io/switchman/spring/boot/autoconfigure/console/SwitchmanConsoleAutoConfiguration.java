/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.console;

import io.switchman.core.SwitchmanEngine;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import io.switchman.spring.boot.autoconfigure.SwitchmanConfigurationException;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunner;
import io.switchman.spring.boot.autoconfigure.endpoint.SwitchmanEndpointAutoConfiguration;
import io.switchman.spring.boot.console.SwitchmanConsole;
import io.switchman.spring.boot.console.SwitchmanConsoleController;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Auto-configuration of the live web console at {@code switchman.console.path}, in a servlet web
 * application with Spring MVC, when {@code switchman.console.enabled=true}. Its buttons post to the
 * actuator endpoint, so they show only when the endpoint is exposed over HTTP on the application's
 * port with {@code management.endpoint.switchman.access=unrestricted}.
 */
@AutoConfiguration(
    after = {SwitchmanAutoConfiguration.class, SwitchmanEndpointAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, SseEmitter.class})
@ConditionalOnBooleanProperty("switchman.console.enabled")
@ConditionalOnBean(SwitchmanEngine.class)
@EnableConfigurationProperties(SwitchmanConsoleProperties.class)
public final class SwitchmanConsoleAutoConfiguration {

  /** Where the page's buttons post to, or null when they must not show. */
  @FunctionalInterface
  interface WritePath extends Supplier<@Nullable String> {}

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  SwitchmanConsole switchmanConsole(
      SwitchmanEngine engine,
      CuratorFramework client,
      ObjectProvider<SwitchmanRunner> runner,
      ObjectProvider<WritePath> writePath) {
    WritePath write = writePath.getIfAvailable(() -> () -> null);
    return new SwitchmanConsole(
        engine,
        client,
        () -> {
          SwitchmanRunner r = runner.getIfUnique();
          return r == null ? Map.of() : r.methods();
        },
        write);
  }

  @Bean
  @ConditionalOnMissingBean
  SwitchmanConsoleController switchmanConsoleController(
      SwitchmanConsole console, SwitchmanConsoleProperties properties) {
    return new SwitchmanConsoleController(console, checkPath(properties.getPath()));
  }

  static String checkPath(String path) {
    if (!path.startsWith("/")
        || path.length() < 2
        || path.endsWith("/")
        || path.contains("//")
        || !path.matches("[A-Za-z0-9/._~-]+")) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman.console.path '"
              + path
              + "': expected a path such as /switchman: starting with '/', not '/' alone, no"
              + " trailing '/', letters, digits and - . _ ~ only",
          "Fix switchman.console.path (see docs/console.md).");
    }
    return path;
  }

  /** With the actuator: the endpoint's path when writes are allowed over HTTP on this port. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({
    PathMappedEndpoints.class,
    EndpointAccessResolver.class,
    Access.class,
    ManagementPortType.class
  })
  static class ActuatorWriteAccess {

    @Bean
    WritePath switchmanConsoleWritePath(
        ObjectProvider<PathMappedEndpoints> endpoints,
        ObjectProvider<EndpointAccessResolver> access,
        Environment environment) {
      EndpointId id = EndpointId.of("switchman");
      return () -> {
        if (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) {
          return null;
        }
        PathMappedEndpoints paths = endpoints.getIfAvailable();
        EndpointAccessResolver resolver = access.getIfAvailable();
        if (paths == null || resolver == null) {
          return null;
        }
        String path = paths.getPath(id);
        if (path == null || resolver.accessFor(id, Access.READ_ONLY) != Access.UNRESTRICTED) {
          return null;
        }
        return path;
      };
    }
  }
}
