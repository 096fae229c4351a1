/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.CuratorClients;
import io.switchman.core.HostFacts;
import io.switchman.core.StopBudget;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.core.internal.ConnectStrings;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.Names;
import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.Acl;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of switchman: the Curator client (unless the application defines one), an
 * optional embedded ZooKeeper, the {@link SwitchmanEngine}, and the guarding of methods annotated
 * with {@code @SwitchmanLock} and {@code @SwitchmanLease}.
 */
@AutoConfiguration
@ConditionalOnClass({SwitchmanEngine.class, CuratorFramework.class})
@ConditionalOnBooleanProperty(name = "switchman.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SwitchmanProperties.class)
@ImportRuntimeHints(SwitchmanRuntimeHints.class)
public final class SwitchmanAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanAutoConfiguration.class);

  private static final String PROPERTY_ACTION =
      "Fix the switchman.* property named above: each is described in the configuration metadata"
          + " (your IDE shows it) and in the Properties section of switchman's Spring Boot guide.";

  @Bean
  @ConditionalOnMissingBean
  HostFacts switchmanHostFacts(SwitchmanProperties properties) {
    String host = properties.getHost();
    if (host != null && !host.isEmpty()) {
      try {
        Names.checkHostName("switchman.host", host);
      } catch (SwitchmanException e) {
        throw new SwitchmanConfigurationException(e.getMessage(), PROPERTY_ACTION);
      }
    }
    return HostFacts.local(host);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(CuratorFramework.class)
  CuratorFramework switchmanCuratorFramework(
      SwitchmanProperties properties, ObjectProvider<SwitchmanEmbeddedZooKeeper> embedded) {
    SwitchmanEmbeddedZooKeeper server = embedded.getIfAvailable();
    String connectString = server != null ? server.connectString() : properties.getConnectString();
    if (server == null) {
      int chroot = connectString.indexOf('/');
      String problem =
          ConnectStrings.problem(
              chroot < 0 || connectString.contains("://")
                  ? connectString
                  : connectString.substring(0, chroot));
      if (problem != null) {
        throw new SwitchmanConfigurationException(
            "Invalid switchman.connect-string '"
                + Names.printable(connectString)
                + "': expected "
                + ConnectStrings.RULE
                + ", optionally followed by a chroot path ("
                + problem
                + ")",
            PROPERTY_ACTION);
      }
    }
    SwitchmanProperties.Retry retry = properties.getRetry();
    CuratorClients.Builder builder =
        CuratorClients.builder(connectString)
            .sessionTimeout(
                Duration.ofMillis(millis("session-timeout", properties.getSessionTimeout())))
            .connectionTimeout(
                Duration.ofMillis(millis("connection-timeout", connectionTimeout(properties))))
            .retryPolicy(
                new ExponentialBackoffRetry(
                    millis("retry.base-sleep", retry.getBaseSleep()),
                    retry.getMaxRetries(),
                    millis("retry.max-sleep", retry.getMaxSleep())));
    String credentials = properties.getAuth().getCredentials();
    if (credentials != null && !credentials.isEmpty()) {
      try {
        builder.authorization(properties.getAuth().getScheme(), credentials);
      } catch (SwitchmanException e) {
        throw new SwitchmanConfigurationException(
            "Invalid switchman.auth.credentials: " + e.getMessage(), PROPERTY_ACTION);
      }
    } else if (properties.getAcl() == Acl.CREATOR) {
      throw new SwitchmanConfigurationException(
          "switchman.acl=creator needs switchman.auth.credentials: only an authenticated session"
              + " can create znodes that only its creator may use",
          PROPERTY_ACTION);
    }
    CuratorFramework client = builder.build();
    client.start();
    log.info("Connecting to ZooKeeper at {} (prefix {})", connectString, properties.getPrefix());
    return client;
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnSingleCandidate(CuratorFramework.class)
  SwitchmanEngine switchmanEngine(
      CuratorFramework client, SwitchmanProperties properties, HostFacts host) {
    if (client.getState() == CuratorFrameworkState.LATENT) {
      log.info("Starting the application's CuratorFramework, which was not started");
      client.start();
    }
    // Not CuratorClients.acl(...): switchman.acl=creator promises that only sessions
    // authenticated as this one may use the nodes, reading included (see docs/spring-boot.md).
    List<ACL> acl =
        properties.getAcl() == Acl.CREATOR
            ? ZooDefs.Ids.CREATOR_ALL_ACL
            : ZooDefs.Ids.OPEN_ACL_UNSAFE;
    millis("stop-timeout", properties.getStopTimeout());
    try {
      Names.checkPrefix(properties.getPrefix());
    } catch (SwitchmanException e) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman.prefix: " + e.getMessage(), PROPERTY_ACTION);
    }
    return SwitchmanEngine.builder(client)
        .prefix(properties.getPrefix())
        .host(host)
        .stopBudget(stopBudget(properties).budget())
        .operationTimeout(positive("connection-timeout", connectionTimeout(properties)))
        .acl(acl)
        .build();
  }

  @Bean
  @ConditionalOnMissingBean
  SwitchmanHalter switchmanHalter() {
    return SwitchmanHalter.runtime();
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  GuardedMethods switchmanGuardedMethods(
      Environment environment, SwitchmanProperties properties, HostFacts host) {
    return new GuardedMethods(environment, properties, host);
  }

  /**
   * The registry lock name to guarded method, and the runner of the endpoint's {@code run} action:
   * it waits up to 10 s for the method to return.
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  GuardedBeans switchmanGuardedBeans(GuardedMethods methods) {
    return new GuardedBeans(methods, Duration.ofSeconds(10));
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  SwitchmanStartupReport switchmanStartupReport(
      GuardedMethods methods,
      Environment environment,
      ListableBeanFactory beanFactory,
      SwitchmanProperties properties) {
    return new SwitchmanStartupReport(methods, environment, beanFactory, properties);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnBean(SwitchmanEngine.class)
  SwitchmanGuard switchmanGuard(
      SwitchmanEngine engine,
      GuardedMethods methods,
      ObjectProvider<SwitchmanRunListener> listeners,
      SwitchmanHalter halter,
      SwitchmanProperties properties,
      CuratorFramework client) {
    return new SwitchmanGuard(
        engine,
        methods,
        listeners.orderedStream().toList(),
        halter,
        properties.getStopTimeout(),
        properties.getOnStuck(),
        () -> abandonSession(client));
  }

  /**
   * Drops the client's connection without closing its ZooKeeper session (closing it would delete
   * the session's ephemeral nodes at once): the server expires the session after its timeout, and
   * its nodes go then. Curator sees an expired session and opens a new one, which shutdown closes.
   * Used at shutdown when a guarded method still runs, so its lock is not handed over while it
   * does.
   */
  static void abandonSession(CuratorFramework client) {
    try {
      ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
      log.warn(
          "Abandoning ZooKeeper session 0x{}: the server expires it after {} ms",
          Long.toHexString(zk.getSessionId()),
          zk.getSessionTimeout());
      zk.getTestable().injectSessionExpiration();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot abandon the ZooKeeper session: " + e, e);
    }
  }

  @Bean
  @ConditionalOnBean(SwitchmanEngine.class)
  @ConditionalOnMissingBean
  SwitchmanTemplate switchmanTemplate(
      ObjectProvider<SwitchmanGuard> guard, GuardedMethods methods, HostFacts host) {
    return new SwitchmanTemplate(guard::getObject, methods, host);
  }

  @Bean
  @ConditionalOnBean(SwitchmanEngine.class)
  SwitchmanStartupChecks switchmanStartupChecks(
      SwitchmanEngine engine,
      CuratorFramework client,
      GuardedMethods methods,
      SwitchmanProperties properties,
      ListableBeanFactory beanFactory,
      HostFacts host) {
    boolean ownClient = beanFactory.containsBean("switchmanCuratorFramework");
    return new SwitchmanStartupChecks(engine, client, methods, properties, ownClient, host);
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static SwitchmanMethodPostProcessor switchmanMethodPostProcessor(Environment environment) {
    SwitchmanProperties.Mode mode =
        Binder.get(environment)
            .bind("switchman.mode", SwitchmanProperties.Mode.class)
            .orElse(SwitchmanProperties.Mode.PROXY);
    return new SwitchmanMethodPostProcessor(mode);
  }

  /** The embedded ZooKeeper server, started before the client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty("switchman.embedded.enabled")
  static class EmbeddedZooKeeperConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SwitchmanEmbeddedZooKeeper switchmanEmbeddedZooKeeper(SwitchmanProperties properties) {
      return SwitchmanEmbeddedZooKeeper.start(
          properties.getEmbedded().getPort(), properties.getEmbedded().getDataDir());
    }
  }

  /** The longest default connection timeout. */
  static final Duration MAX_DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(15);

  /**
   * {@code switchman.connection-timeout}, by default the session timeout, at most 15 s: Curator
   * warns at every start when the connection timeout is above the session timeout.
   */
  static Duration connectionTimeout(SwitchmanProperties properties) {
    Duration set = properties.getConnectionTimeout();
    if (set != null) {
      return set;
    }
    Duration session = properties.getSessionTimeout();
    return session.compareTo(MAX_DEFAULT_CONNECTION_TIMEOUT) < 0 && !session.isNegative()
        ? session
        : MAX_DEFAULT_CONNECTION_TIMEOUT;
  }

  /**
   * The core's stop-budget rule for {@code switchman.stop-timeout} and the asked {@code
   * switchman.session-timeout}; Spring cannot force a method to stop, so the stop time is never
   * capped (the startup checks warn when it does not fit).
   */
  static StopBudget stopBudget(SwitchmanProperties properties) {
    return new StopBudget(properties.getSessionTimeout(), properties.getStopTimeout());
  }

  private static Duration positive(String property, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman." + property + " " + value + ": must be positive", PROPERTY_ACTION);
    }
    if (value.compareTo(Durations.MAX) > 0) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman."
              + property
              + " "
              + value
              + ": too long, at most "
              + Durations.MAX_TEXT
              + " ("
              + Durations.MAX
              + ")",
          PROPERTY_ACTION);
    }
    return value;
  }

  private static int millis(String property, Duration value) {
    positive(property, value);
    if (value.toMillis() > Integer.MAX_VALUE) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman." + property + " " + value + ": too long", PROPERTY_ACTION);
    }
    return (int) value.toMillis();
  }
}
