/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint.ActionDescriptor;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint.LockDescriptor;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The endpoint's access levels and every action of its write operation, on a real ZooKeeper. */
class SwitchmanEndpointActionsTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final String prefix = "/actions-" + UUID.randomUUID();

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class,
                  SwitchmanEndpointAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  WebEndpointAutoConfiguration.class))
          .withUserConfiguration(JobsConfiguration.class)
          .withPropertyValues(
              "switchman.connect-string=" + zk.server().getConnectString(),
              "switchman.prefix=" + prefix,
              "switchman.host=h1.example.com",
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=2s",
              "switchman.stop-timeout=1s",
              "management.endpoints.web.exposure.include=switchman");

  @Test
  void writesShouldNeedUnrestrictedAccess() {
    runner.run(c -> assertThat(operations(c)).containsExactly(OperationType.READ));
    runner
        .withPropertyValues("management.endpoint.switchman.access=READ_ONLY")
        .run(c -> assertThat(operations(c)).containsExactly(OperationType.READ));
    runner
        .withPropertyValues("management.endpoint.switchman.access=UNRESTRICTED")
        .run(
            c ->
                assertThat(operations(c))
                    .containsExactlyInAnyOrder(OperationType.READ, OperationType.WRITE));
    runner
        .withPropertyValues(
            "management.endpoint.switchman.access=UNRESTRICTED",
            "management.endpoints.access.max-permitted=READ_ONLY")
        .run(c -> assertThat(operations(c)).containsExactly(OperationType.READ));
    runner
        .withPropertyValues("management.endpoint.switchman.access=NONE")
        .run(c -> assertThat(c).doesNotHaveBean(SwitchmanEndpoint.class));
  }

  private static List<OperationType> operations(
      org.springframework.context.ApplicationContext context) {
    ExposableWebEndpoint endpoint =
        context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
            .filter(e -> e.getEndpointId().equals(EndpointId.of("switchman")))
            .findFirst()
            .orElseThrow();
    return endpoint.getOperations().stream().map(WebOperation::getType).toList();
  }

  @Test
  void runShouldRunTheGuardedMethodNowAndSayWhyWhenSkipped() {
    runner.run(
        c -> {
          connect(c);
          SwitchmanEndpoint endpoint = c.getBean(SwitchmanEndpoint.class);
          Jobs jobs = c.getBean(Jobs.class);
          WebEndpointResponse<ActionDescriptor> ran = endpoint.act("job", "run", null, null);
          assertThat(ran.getStatus()).isEqualTo(200);
          assertThat(ran.getBody().done()).isTrue();
          assertThat(ran.getBody().run().outcome()).isEqualTo("acquired");
          assertThat(ran.getBody().run().finished()).isTrue();
          assertThat(ran.getBody().run().fencingToken()).isPositive();
          assertThat(ran.getBody().message())
              .startsWith("Ran " + Jobs.class.getName() + ".job() in ");
          assertThat(jobs.runs()).isEqualTo(1);
          assertThat(jobs.guarded()).as("ran under its grant").isTrue();

          // busy: another holder has the lock
          CountDownLatch block = jobs.blockNext();
          Thread t = new Thread(jobs::job);
          t.start();
          await().atMost(Duration.ofSeconds(10)).until(() -> jobs.running() == 1);
          WebEndpointResponse<ActionDescriptor> busy = endpoint.act("job", "run", null, null);
          assertThat(busy.getStatus()).isEqualTo(200);
          assertThat(busy.getBody().done()).isFalse();
          assertThat(busy.getBody().run().outcome()).isEqualTo("busy");
          assertThat(busy.getBody().message()).startsWith("Skipped " + Jobs.class.getName());
          block.countDown();
          t.join(10_000);
          assertThat(jobs.runs()).isEqualTo(2);
        });
  }

  @Test
  void pauseShouldMakeRunsSkipUntilResumed() {
    runner.run(
        c -> {
          connect(c);
          SwitchmanEndpoint endpoint = c.getBean(SwitchmanEndpoint.class);
          Jobs jobs = c.getBean(Jobs.class);
          Principal alice = () -> "alice";
          SecurityContext security =
              new SecurityContext() {
                @Override
                public Principal getPrincipal() {
                  return alice;
                }

                @Override
                public boolean isUserInRole(String role) {
                  return false;
                }
              };
          WebEndpointResponse<ActionDescriptor> paused =
              endpoint.act("job", "pause", "disk full on db1", security);
          assertThat(paused.getStatus()).isEqualTo(200);
          assertThat(paused.getBody().done()).isTrue();
          assertThat(paused.getBody().message()).contains("job").contains("disk full on db1");
          LockDescriptor lock =
              endpoint.switchman().locks().stream()
                  .filter(l -> l.name().equals("job"))
                  .findFirst()
                  .orElseThrow();
          assertThat(lock.paused()).isTrue();
          assertThat(lock.pausedBy()).isEqualTo("alice@h1.example.com");
          assertThat(lock.reason()).isEqualTo("disk full on db1");

          WebEndpointResponse<ActionDescriptor> skipped = endpoint.act("job", "run", null, null);
          assertThat(skipped.getBody().done()).isFalse();
          assertThat(skipped.getBody().run().outcome()).isEqualTo("paused");
          assertThat(skipped.getBody().message())
              .contains("paused by alice@h1.example.com")
              .contains("disk full on db1");
          assertThat(jobs.runs()).isZero();

          WebEndpointResponse<ActionDescriptor> again =
              endpoint.act("job", "pause", null, security);
          assertThat(again.getStatus()).isEqualTo(409);
          assertThat(again.getBody().done()).isFalse();
          assertThat(again.getBody().message()).contains("job").contains("paused");

          WebEndpointResponse<ActionDescriptor> resumed = endpoint.act("job", "resume", null, null);
          assertThat(resumed.getStatus()).isEqualTo(200);
          assertThat(resumed.getBody().done()).isTrue();
          assertThat(endpoint.switchman().locks()).isEmpty();
          assertThat(endpoint.act("job", "run", null, null).getBody().done()).isTrue();
          assertThat(jobs.runs()).isEqualTo(1);

          WebEndpointResponse<ActionDescriptor> notPaused =
              endpoint.act("job", "resume", null, null);
          assertThat(notPaused.getStatus()).isEqualTo(409);
          assertThat(notPaused.getBody().message()).contains("job");
        });
  }

  @Test
  void abortShouldStopTheRunningHolderAndPauseShouldRefuseIt() {
    runner.run(
        c -> {
          connect(c);
          SwitchmanEndpoint endpoint = c.getBean(SwitchmanEndpoint.class);
          Jobs jobs = c.getBean(Jobs.class);
          CountDownLatch block = jobs.blockNext();
          Thread t = new Thread(jobs::job);
          t.start();
          await().atMost(Duration.ofSeconds(10)).until(() -> jobs.running() == 1);

          WebEndpointResponse<ActionDescriptor> refused =
              endpoint.act("job", "pause", "maintenance", null);
          assertThat(refused.getStatus()).isEqualTo(409);
          assertThat(refused.getBody().message()).contains("h1.example.com");

          WebEndpointResponse<ActionDescriptor> aborted =
              endpoint.act("job", "abort", "stuck export", null);
          assertThat(aborted.getStatus()).isEqualTo(200);
          assertThat(aborted.getBody().done()).isTrue();
          await().atMost(Duration.ofSeconds(10)).until(() -> jobs.interrupted());
          t.join(10_000);
          assertThat(t.isAlive()).isFalse();

          WebEndpointResponse<ActionDescriptor> free = endpoint.act("job", "abort", null, null);
          assertThat(free.getStatus()).isEqualTo(409);
          assertThat(free.getBody().message()).contains("job");
        });
  }

  @Test
  void badInputShouldBeA400NamingTheValue() {
    runner.run(
        c -> {
          connect(c);
          SwitchmanEndpoint endpoint = c.getBean(SwitchmanEndpoint.class);
          WebEndpointResponse<ActionDescriptor> action = endpoint.act("job", "jump", null, null);
          assertThat(action.getStatus()).isEqualTo(400);
          assertThat(action.getBody().message())
              .isEqualTo("Unknown action 'jump': expected pause, resume, abort or run");

          WebEndpointResponse<ActionDescriptor> unknown = endpoint.act("nope", "run", null, null);
          assertThat(unknown.getStatus()).isEqualTo(400);
          assertThat(unknown.getBody().message())
              .isEqualTo(
                  "No guarded method with lock name 'nope' in this application; guarded here:"
                      + " job");

          WebEndpointResponse<ActionDescriptor> name = endpoint.act("..", "pause", null, null);
          assertThat(name.getStatus()).isEqualTo(400);
          assertThat(name.getBody().message()).contains("'..'");

          WebEndpointResponse<ActionDescriptor> reason =
              endpoint.act("job", "pause", "two\nlines", null);
          assertThat(reason.getStatus()).isEqualTo(400);
          assertThat(reason.getBody().message()).containsIgnoringCase("reason");
        });
  }

  private static void connect(org.springframework.context.ApplicationContext c)
      throws InterruptedException {
    c.getBean(CuratorFramework.class).blockUntilConnected();
    assertThat(c.getBean(SwitchmanEngine.class).isConnected()).isTrue();
  }

  @Configuration(proxyBeanMethods = false)
  static class JobsConfiguration {
    @Bean
    Jobs jobs() {
      return new Jobs();
    }
  }

  /** A guarded job that may block until let go, noting an interrupt. */
  public static class Jobs {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicBoolean guarded = new AtomicBoolean();
    final AtomicBoolean interrupted = new AtomicBoolean();
    volatile CountDownLatch block = new CountDownLatch(0);

    public int runs() {
      return runs.get();
    }

    public int running() {
      return running.get();
    }

    public boolean guarded() {
      return guarded.get();
    }

    public boolean interrupted() {
      return interrupted.get();
    }

    /** The next runs block until the latch is counted down. */
    public CountDownLatch blockNext() {
      block = new CountDownLatch(1);
      return block;
    }

    @SwitchmanLock(name = "job")
    public void job() {
      runs.incrementAndGet();
      running.incrementAndGet();
      guarded.set(io.switchman.core.SwitchmanContext.isHeld());
      try {
        block.await();
      } catch (InterruptedException e) {
        interrupted.set(true);
      } finally {
        running.decrementAndGet();
      }
    }
  }
}
