/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.aspectj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.AspectJModeHolder;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * switchman.mode=aspectj with SwitchmanAspect woven at load time (the module's surefire runs with
 * -javaagent:aspectjweaver.jar; src/test/resources/META-INF/aop.xml weaves this package): a final
 * method, a self-invoked private method and a static method are guarded, on real ZooKeeper, against
 * a second application context in proxy mode that holds the same lock.
 */
class SwitchmanAspectJModeTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final String prefix = "/aspectj-" + UUID.randomUUID();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private @Nullable ConfigurableApplicationContext woven;
  private @Nullable ConfigurableApplicationContext proxied;

  @BeforeEach
  void start() {
    proxied = context(ProxyConfig.class, "proxy");
    woven = context(WovenConfig.class, "aspectj");
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
    if (woven != null) {
      woven.close();
    }
    if (proxied != null) {
      proxied.close();
    }
  }

  private ConfigurableApplicationContext context(Class<?> config, String mode) {
    return new SpringApplicationBuilder(config)
        .web(WebApplicationType.NONE)
        .properties(
            "switchman.mode=" + mode,
            "switchman.connect-string=" + zk.server().getConnectString(),
            "switchman.prefix=" + prefix,
            "switchman.connection-timeout=5s",
            "switchman.session-timeout=10s",
            "switchman.stop-timeout=2s",
            "spring.main.banner-mode=off")
        .run();
  }

  @Test
  void finalMethodShouldBeGuarded() throws Exception {
    AspectJModeHolder holder = proxied().getBean(AspectJModeHolder.class);
    WovenJobs jobs = woven().getBean(WovenJobs.class);
    Future<?> hold =
        executor.submit(
            () -> {
              holder.holdFinal();
              return null;
            });
    await().atMost(Duration.ofSeconds(30)).until(holder::isHeld);

    jobs.finalJob();
    assertThat(jobs.seen).as("skipped while the proxy context holds aj-final").isEmpty();

    holder.release();
    hold.get();
    jobs.finalJob();
    assertThat(jobs.seen).containsExactly("final:aj-final");
  }

  @Test
  void selfInvokedPrivateMethodShouldBeGuardedUnderItsOwnLock() throws Exception {
    AspectJModeHolder holder = proxied().getBean(AspectJModeHolder.class);
    WovenJobs jobs = woven().getBean(WovenJobs.class);
    Future<?> hold =
        executor.submit(
            () -> {
              holder.holdInner();
              return null;
            });
    await().atMost(Duration.ofSeconds(30)).until(holder::isHeld);

    jobs.outer();
    assertThat(jobs.seen)
        .as("the outer method runs; the self-invoked inner one is skipped while aj-inner is held")
        .containsExactly("outer:aj-outer", "outer:aj-outer");

    holder.release();
    hold.get();
    jobs.seen.clear();
    jobs.outer();
    assertThat(jobs.seen).containsExactly("outer:aj-outer", "inner:aj-inner", "outer:aj-outer");
  }

  @Test
  void staticMethodShouldBeGuardedAndRefusedOnceTheContextIsClosed() {
    WovenJobs.staticJob();
    assertThat(WovenJobs.staticSeen).containsExactly("static:aj-static");

    woven().close();
    assertThatThrownBy(WovenJobs::staticJob)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("staticJob()")
        .hasMessageContaining(
            "is woven with SwitchmanAspect but no application context with"
                + " switchman.mode=aspectj is running");
    assertThat(WovenJobs.staticSeen).containsExactly("static:aj-static");
  }

  @Test
  void unwovenMethodShouldBeRejectedInAspectJMode() {
    woven().close();
    // holdFinal() or holdInner(), whichever reflection lists first.
    assertThatThrownBy(() -> context(UnwovenConfig.class, "aspectj"))
        .rootCause()
        .hasMessageStartingWith(
            "Invalid switchman annotation on " + AspectJModeHolder.class.getName() + ".hold")
        .hasMessageContaining(
            "(): switchman.mode is aspectj but the method was not woven with"
                + " io.switchman.spring.boot.autoconfigure.SwitchmanAspect, so every call would"
                + " run unguarded (AspectJ matches only a @SwitchmanLock or @SwitchmanLease"
                + " declared on the method itself: not one inherited from an interface or an"
                + " overridden method, nor a meta-annotation). switchman never lets a guarded"
                + " method run unguarded.");
    // The failed context gave the aspect back: another context may use the AspectJ mode.
    woven = context(WovenConfig.class, "aspectj");
    woven().getBean(WovenJobs.class).finalJob();
    assertThat(woven().getBean(WovenJobs.class).seen).containsExactly("final:aj-final");
  }

  @Test
  void secondAspectJContextShouldBeRejected() {
    assertThatThrownBy(() -> context(WovenConfig.class, "aspectj"))
        .hasRootCauseMessage(
            "switchman.mode is aspectj in two running application contexts of one class loader:"
                + " the woven SwitchmanAspect is one per class loader and can guard the methods"
                + " of one context only");
    // The running one keeps the aspect.
    woven().getBean(WovenJobs.class).finalJob();
    assertThat(woven().getBean(WovenJobs.class).seen).containsExactly("final:aj-final");
  }

  private ConfigurableApplicationContext woven() {
    assertThat(woven).isNotNull();
    return woven;
  }

  private ConfigurableApplicationContext proxied() {
    assertThat(proxied).isNotNull();
    return proxied;
  }

  /** Woven by the load-time weaver: every guarded method here is guarded by SwitchmanAspect. */
  public static class WovenJobs {

    final List<String> seen = new CopyOnWriteArrayList<>();
    static final List<String> staticSeen = new CopyOnWriteArrayList<>();

    @SwitchmanLock(name = "aj-final")
    public final void finalJob() {
      seen.add("final:" + SwitchmanContext.lockName());
    }

    @SwitchmanLock(name = "aj-outer")
    public void outer() {
      seen.add("outer:" + SwitchmanContext.lockName());
      inner();
      seen.add("outer:" + SwitchmanContext.lockName());
    }

    @SwitchmanLock(name = "aj-inner")
    private void inner() {
      seen.add("inner:" + SwitchmanContext.lockName());
    }

    @SwitchmanLock(name = "aj-static")
    static void staticJob() {
      staticSeen.add("static:" + SwitchmanContext.lockName());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SwitchmanAutoConfiguration.class)
  static class WovenConfig {
    @Bean
    WovenJobs wovenJobs() {
      return new WovenJobs();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SwitchmanAutoConfiguration.class)
  static class ProxyConfig {
    @Bean
    AspectJModeHolder aspectJModeHolder() {
      return new AspectJModeHolder();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SwitchmanAutoConfiguration.class)
  static class UnwovenConfig {
    @Bean
    AspectJModeHolder aspectJModeHolder() {
      return new AspectJModeHolder();
    }
  }
}
