/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.Acquisition;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.Acl;
import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.OnStuck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SwitchmanAutoConfigurationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class));

  @Test
  void defaultsShouldCreateClientEngineAndGuard() {
    runner.run(
        context -> {
          assertThat(context)
              .hasSingleBean(CuratorFramework.class)
              .hasSingleBean(SwitchmanEngine.class)
              .hasSingleBean(SwitchmanGuard.class)
              .hasSingleBean(HostFacts.class)
              .hasSingleBean(SwitchmanHalter.class)
              .doesNotHaveBean(SwitchmanEmbeddedZooKeeper.class);
          SwitchmanProperties p = context.getBean(SwitchmanProperties.class);
          assertThat(p.isEnabled()).isTrue();
          assertThat(p.getConnectString()).isEqualTo("localhost:2181");
          assertThat(p.getPrefix()).isEqualTo("/switchman");
          assertThat(p.getSessionTimeout()).isEqualTo(Duration.ofSeconds(30));
          assertThat(p.getConnectionTimeout()).isNull();
          assertThat(SwitchmanAutoConfiguration.connectionTimeout(p))
              .isEqualTo(Duration.ofSeconds(15));
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
          CuratorFramework client = context.getBean(CuratorFramework.class);
          assertThat(client.getZookeeperClient().getCurrentConnectionString())
              .isEqualTo("localhost:2181");
          assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STARTED);
          SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
          assertThat(engine.prefix()).isEqualTo("/switchman");
          assertThat(engine.stopBudget()).isEqualTo(Duration.ofMillis(5500));
          assertThat(engine.host()).isSameAs(context.getBean(HostFacts.class));
        });
  }

  @Test
  void clientShouldBeClosedOnShutdown() {
    CuratorFramework[] client = new CuratorFramework[1];
    runner
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .run(context -> client[0] = context.getBean(CuratorFramework.class));
    assertThat(client[0].getState()).isEqualTo(CuratorFrameworkState.STOPPED);
  }

  @Test
  void userCuratorFrameworkShouldBeUsed() throws Exception {
    try (CuratorFramework own =
        CuratorFrameworkFactory.newClient(zk.server().getConnectString(), new RetryOneTime(100))) {
      own.start();
      own.blockUntilConnected();
      runner
          .withBean("myClient", CuratorFramework.class, () -> own, d -> d.setDestroyMethodName(""))
          .run(
              context -> {
                assertThat(context).hasSingleBean(CuratorFramework.class);
                assertThat(context.getBean(CuratorFramework.class)).isSameAs(own);
                SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
                assertThat(engine.sessionId())
                    .isEqualTo(own.getZookeeperClient().getZooKeeper().getSessionId());
              });
      assertThat(own.getState()).isEqualTo(CuratorFrameworkState.STARTED);
    }
  }

  @Test
  void unstartedUserCuratorFrameworkShouldBeStarted() throws Exception {
    try (CuratorFramework own =
        CuratorFrameworkFactory.newClient(zk.server().getConnectString(), new RetryOneTime(100))) {
      runner
          .withBean("myClient", CuratorFramework.class, () -> own, d -> d.setDestroyMethodName(""))
          .run(
              context ->
                  assertThat(context.getBean(CuratorFramework.class).getState())
                      .isEqualTo(CuratorFrameworkState.STARTED));
    }
  }

  @Test
  void twoCuratorFrameworksShouldFailAGuardedBeanWithAClearMessage() {
    runner
        .withBean("one", CuratorFramework.class, () -> newClient(), d -> {})
        .withBean("two", CuratorFramework.class, () -> newClient(), d -> {})
        .withBean(Guarded.class)
        .run(
            context -> {
              assertThat(context)
                  .getFailure()
                  .hasMessageContaining("there is no SwitchmanEngine")
                  .hasMessageContaining("define exactly one CuratorFramework bean");
            });
  }

  @Test
  void disabledShouldCreateNothingAndLeaveMethodsUnguarded() {
    runner
        .withPropertyValues("switchman.enabled=false")
        .withBean(Guarded.class)
        .run(
            context -> {
              assertThat(context)
                  .doesNotHaveBean(CuratorFramework.class)
                  .doesNotHaveBean(SwitchmanEngine.class)
                  .doesNotHaveBean(SwitchmanGuard.class);
              assertThat(context.getBean(Guarded.class).run()).isEqualTo("ran");
            });
  }

  @Test
  void everyPropertyShouldBeApplied() {
    String prefix = "/custom/" + UUID.randomUUID();
    runner
        .withPropertyValues(
            "switchman.connect-string=" + zk.server().getConnectString(),
            "switchman.prefix=" + prefix,
            "switchman.session-timeout=3s",
            "switchman.connection-timeout=2s",
            "switchman.retry.base-sleep=50ms",
            "switchman.retry.max-sleep=500ms",
            "switchman.retry.max-retries=7",
            "switchman.host=h1.example.com",
            "switchman.auth.scheme=digest",
            "switchman.auth.credentials=user:secret",
            "switchman.acl=creator",
            "switchman.capacities[db_api]=4",
            "switchman.capacities.mem=int(MEMMB/1024)",
            "switchman.stop-timeout=700ms",
            "switchman.on-stuck=log")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              CuratorFramework client = context.getBean(CuratorFramework.class);
              assertThat(client.getZookeeperClient().getCurrentConnectionString())
                  .isEqualTo(zk.server().getConnectString());
              assertThat(client.getZookeeperClient().getConnectionTimeoutMs()).isEqualTo(2000);
              assertThat(client.getZookeeperClient().getRetryPolicy())
                  .isInstanceOfSatisfying(
                      ExponentialBackoffRetry.class,
                      r -> {
                        assertThat(r.getBaseSleepTimeMs()).isEqualTo(50);
                        assertThat(r.getN()).isEqualTo(7);
                      });
              client.blockUntilConnected();
              assertThat(client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs())
                  .isEqualTo(3000);
              SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
              assertThat(engine.prefix()).isEqualTo(prefix);
              assertThat(engine.host().fqdn()).isEqualTo("h1.example.com");
              assertThat(engine.stopBudget()).isEqualTo(Duration.ofMillis(1000));
              Acquisition a = engine.acquire(GrantRequest.builder("acl-check").build());
              List<ACL> acl = client.getACL().forPath(prefix + "/locks/acl-check");
              assertThat(acl)
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.getId().getScheme()).isEqualTo("digest");
                        assertThat(e.getId().getId()).startsWith("user:");
                      });
              a.grant().release();
              GuardedMethods methods = context.getBean(GuardedMethods.class);
              assertThat(methods.capacityFromProperties("db_api", "db_api")).isEqualTo("4");
              assertThat(methods.capacityFromProperties("mem", "mem")).isEqualTo("int(MEMMB/1024)");
              SwitchmanProperties p = context.getBean(SwitchmanProperties.class);
              assertThat(p.getOnStuck()).isEqualTo(OnStuck.LOG);
              assertThat(p.getRetry().getMaxSleep()).isEqualTo(Duration.ofMillis(500));
            });
  }

  @Test
  void capacityKeysWithoutBracketsShouldStillMatch() {
    runner
        .withPropertyValues("switchman.capacities.FQDN_cpu=CPU")
        .run(
            context ->
                assertThat(
                        context
                            .getBean(GuardedMethods.class)
                            .capacityFromProperties("FQDN_cpu", "h1_cpu"))
                    .isEqualTo("CPU"));
  }

  @Test
  void capacityKeysShouldMatchIgnoringCaseAndPunctuation() {
    runner
        .withPropertyValues("switchman.capacities.DBAPI=7")
        .run(
            context ->
                assertThat(
                        context
                            .getBean(GuardedMethods.class)
                            .capacityFromProperties("db_api", "db_api"))
                    .isEqualTo("7"));
  }

  @Test
  void creatorAclWithoutCredentialsShouldFail() {
    runner
        .withPropertyValues("switchman.acl=creator")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "switchman.acl=creator needs switchman.auth.credentials"));
  }

  @Test
  void digestCredentialsWithoutPasswordShouldFail() {
    runner
        .withPropertyValues("switchman.auth.credentials=justuser")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("Invalid switchman.auth.credentials")
                    .hasMessageContaining("user:password"));
  }

  @Test
  void zeroSessionTimeoutShouldFail() {
    runner
        .withPropertyValues("switchman.session-timeout=0s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "Invalid switchman.session-timeout PT0S: must be positive"));
  }

  @Test
  void invalidPrefixShouldFail() {
    runner
        .withPropertyValues("switchman.prefix=no-slash")
        .run(
            context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("no-slash"));
  }

  @Test
  void embeddedZooKeeperShouldStartAndTheClientConnectToIt(@TempDir Path dir) {
    Path data = dir.resolve("zk");
    SwitchmanEmbeddedZooKeeper[] server = new SwitchmanEmbeddedZooKeeper[1];
    runner
        .withPropertyValues(
            "switchman.embedded.enabled=true",
            "switchman.embedded.port=0",
            "switchman.embedded.data-dir=" + data,
            "switchman.connect-string=unused:1")
        .run(
            context -> {
              assertThat(context).hasSingleBean(SwitchmanEmbeddedZooKeeper.class);
              server[0] = context.getBean(SwitchmanEmbeddedZooKeeper.class);
              CuratorFramework client = context.getBean(CuratorFramework.class);
              assertThat(client.getZookeeperClient().getCurrentConnectionString())
                  .isEqualTo("127.0.0.1:" + server[0].port());
              assertThat(client.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS))
                  .isTrue();
              SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
              Acquisition a = engine.acquire(GrantRequest.builder("embedded").build());
              assertThat(a.acquired()).isTrue();
              a.grant().release();
            });
    assertThat(Files.isDirectory(data.resolve("data"))).isTrue();
    try (CuratorFramework probe =
        CuratorFrameworkFactory.builder()
            .connectString(server[0].connectString())
            .connectionTimeoutMs(500)
            .retryPolicy(new RetryOneTime(100))
            .build()) {
      probe.start();
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .until(() -> !probe.getZookeeperClient().isConnected());
    }
  }

  @Test
  void embeddedZooKeeperWithInvalidPortShouldFail() {
    runner
        .withPropertyValues("switchman.embedded.enabled=true", "switchman.embedded.port=70000")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("Invalid switchman.embedded.port 70000"));
  }

  @Test
  void withoutCuratorOnTheClassPathNothingShouldBeCreated() {
    runner
        .withClassLoader(new FilteredClassLoader(CuratorFramework.class))
        .withBean(Guarded.class)
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .doesNotHaveBean(SwitchmanProperties.class)
                  .doesNotHaveBean(SwitchmanEngine.class)
                  .doesNotHaveBean(SwitchmanGuard.class);
              assertThat(context.getBean(Guarded.class).run()).isEqualTo("ran");
            });
  }

  @Test
  void withoutTheCoreOnTheClassPathNothingShouldBeCreated() {
    runner
        .withClassLoader(new FilteredClassLoader(SwitchmanEngine.class))
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(SwitchmanProperties.class)
                    .doesNotHaveBean(CuratorFramework.class)
                    .doesNotHaveBean(SwitchmanGuard.class));
  }

  @Test
  void creatingAGuardedBeanShouldNotCreateTheGuardTheEngineOrTheClient() {
    runner
        // a stop budget that fits the 4 s session: else the grant is lost at once, and skipped
        .withPropertyValues(
            "switchman.connect-string=" + zk.server().getConnectString(),
            "switchman.stop-timeout=1s")
        .withInitializer(
            context ->
                context.addBeanFactoryPostProcessor(
                    bf -> {
                      for (String name : bf.getBeanDefinitionNames()) {
                        bf.getBeanDefinition(name).setLazyInit(true);
                      }
                    }))
        .withBean(Guarded.class)
        .run(
            context -> {
              Guarded guarded = context.getBean(Guarded.class);
              assertThat(context.getBeanFactory().containsSingleton("switchmanGuard")).isFalse();
              assertThat(context.getBeanFactory().containsSingleton("switchmanEngine")).isFalse();
              assertThat(context.getBeanFactory().containsSingleton("switchmanCuratorFramework"))
                  .isFalse();
              assertThat(guarded.run()).isEqualTo("ran");
              assertThat(context.getBeanFactory().containsSingleton("switchmanGuard")).isTrue();
            });
  }

  @Test
  void userHalterShouldReplaceTheDefault() {
    SwitchmanHalter mine = reason -> {};
    runner
        .withBean(SwitchmanHalter.class, () -> mine)
        .run(context -> assertThat(context.getBean(SwitchmanHalter.class)).isSameAs(mine));
  }

  private static CuratorFramework newClient() {
    return CuratorFrameworkFactory.newClient(zk.server().getConnectString(), new RetryOneTime(100));
  }

  /** A bean with a guarded method. */
  static class Guarded {
    @SwitchmanLock(name = "guarded")
    public String run() {
      return "ran";
    }
  }
}
