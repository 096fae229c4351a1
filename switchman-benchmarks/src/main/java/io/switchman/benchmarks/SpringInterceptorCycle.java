/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@code @SwitchmanLock}-guarded empty method called through the Spring Boot starter's
 * interceptor, in a small application context with only the switchman auto-configuration (its own
 * Curator client and session). One call is a whole cycle: acquire, run, release.
 */
final class SpringInterceptorCycle implements LockCycles.LockCycle {

  private final ConfigurableApplicationContext context;
  private final GuardedJob job;
  private long expected;

  SpringInterceptorCycle(String connect) {
    this.context =
        new SpringApplicationBuilder(App.class)
            .web(WebApplicationType.NONE)
            .logStartupInfo(false)
            .properties(
                "spring.main.banner-mode=off",
                "switchman.connect-string=" + connect,
                "switchman.prefix=/bench-spring",
                "switchman.host=bench-host",
                "switchman.session-timeout=30s",
                "switchman.stop-timeout=500ms")
            .run();
    this.job = context.getBean(GuardedJob.class);
  }

  @Override
  public void acquire() {
    job.run();
    expected++;
    if (job.runs() != expected) {
      throw new IllegalStateException("the guarded method was skipped");
    }
  }

  @Override
  public void release() {}

  @Override
  public void close() {
    context.close();
  }

  /** The application: only switchman's auto-configuration and one guarded bean. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SwitchmanAutoConfiguration.class)
  static class App {
    @Bean
    GuardedJob guardedJob() {
      return new GuardedJob();
    }
  }

  /** An empty job under a lock. */
  public static class GuardedJob {
    private final AtomicLong runs = new AtomicLong();

    /** Calls that ran (a method, so that it reaches the target through the proxy). */
    public long runs() {
      return runs.get();
    }

    @SwitchmanLock(name = "spring-cycle")
    public void run() {
      runs.incrementAndGet();
    }
  }
}
