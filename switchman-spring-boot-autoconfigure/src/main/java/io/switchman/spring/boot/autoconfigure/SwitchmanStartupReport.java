/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.GrantRequest;
import io.switchman.core.LeaseRequest;
import io.switchman.spring.boot.autoconfigure.GuardedMethods.Registered;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.scheduling.annotation.Schedules;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

/**
 * What a start says about the guarded methods, once every singleton exists: one INFO line listing
 * them with their lock and leases, and a WARN for each way a guarded job silently never runs or
 * waits for another: two methods with one lock name, {@code @Scheduled} methods without
 * {@code @EnableScheduling}, several guarded scheduled methods on a one-thread scheduler, and
 * unknown {@code switchman.*} properties.
 */
final class SwitchmanStartupReport implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanStartupReport.class);

  private final GuardedMethods methods;
  private final Environment environment;
  private final ListableBeanFactory beanFactory;
  private final SwitchmanProperties properties;

  SwitchmanStartupReport(
      GuardedMethods methods,
      Environment environment,
      ListableBeanFactory beanFactory,
      SwitchmanProperties properties) {
    this.methods = methods;
    this.environment = environment;
    this.beanFactory = beanFactory;
    this.properties = properties;
  }

  @Override
  public void afterSingletonsInstantiated() {
    checkUnknownProperties();
    List<Registered> guarded = distinct(methods.registered());
    if (guarded.isEmpty()) {
      log.debug("switchman guards no methods");
      return;
    }
    log.info(
        "switchman guards {} method{}: {}",
        guarded.size(),
        guarded.size() == 1 ? "" : "s",
        guarded.stream().map(SwitchmanStartupReport::describe).collect(Collectors.joining("; ")));
    checkSharedLockNames(guarded);
    checkScheduling(guarded);
  }

  /** One entry per bean and method (a prototype bean is validated once per instance). */
  private static List<Registered> distinct(List<Registered> all) {
    Map<String, Registered> out = new LinkedHashMap<>();
    for (Registered r : all) {
      out.putIfAbsent(r.beanName() + "#" + r.guarded().description(), r);
    }
    return List.copyOf(out.values());
  }

  /** {@code Jobs.report() [lock 'nightly', group workers, lease db 1 of 4]}. */
  static String describe(Registered r) {
    GrantRequest request = r.guarded().request();
    List<String> parts = new ArrayList<>();
    for (LeaseRequest l : request.leases()) {
      String capacity = l.capacity();
      parts.add(
          "lease "
              + l.resource()
              + " "
              + l.amount()
              + " of "
              + (capacity == null ? "the cluster data's capacity" : capacity));
    }
    if (request.lock()) {
      parts.add("lock '" + request.name() + "'");
    }
    String group = request.group();
    if (group != null) {
      parts.add("group " + group);
    }
    return r.guarded().description() + " [" + String.join(", ", parts) + "]";
  }

  private static void checkSharedLockNames(List<Registered> guarded) {
    Map<String, List<Registered>> byLock = new LinkedHashMap<>();
    for (Registered r : guarded) {
      if (r.guarded().request().lock()) {
        byLock.computeIfAbsent(r.guarded().request().name(), k -> new ArrayList<>()).add(r);
      }
    }
    byLock.forEach(
        (name, sharing) -> {
          if (sharing.size() > 1) {
            log.warn(
                "Lock '{}' guards {} methods: {}. They exclude each other: while one runs, the"
                    + " others are skipped as busy (or wait their waitFor), on every host. If that"
                    + " is not intended, give each its own @SwitchmanLock(name = ...).",
                name,
                sharing.size(),
                sharing.stream()
                    .map(r -> r.guarded().description() + " (bean '" + r.beanName() + "')")
                    .collect(Collectors.joining(" and ")));
          }
        });
  }

  private void checkScheduling(List<Registered> guarded) {
    List<Registered> scheduled = guarded.stream().filter(r -> isScheduled(r.method())).toList();
    if (scheduled.isEmpty()) {
      return;
    }
    String names =
        scheduled.stream().map(r -> r.guarded().description()).collect(Collectors.joining(", "));
    boolean enabled =
        beanFactory.containsBean(TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME)
            || beanFactory.getBeanNamesForType(
                        ScheduledAnnotationBeanPostProcessor.class, false, false)
                    .length
                > 0;
    if (!enabled) {
      log.warn(
          "{} {} @Scheduled, but scheduling is not enabled (no @EnableScheduling): {} never"
              + " run{}. Add @EnableScheduling to a @Configuration class.",
          names,
          scheduled.size() == 1 ? "is" : "are",
          scheduled.size() == 1 ? "it" : "they",
          scheduled.size() == 1 ? "s" : "");
      return;
    }
    if (scheduled.size() > 1 && schedulerThreads() == 1) {
      Duration wait = SwitchmanAutoConfiguration.connectionTimeout(properties);
      log.warn(
          "The scheduler runs @Scheduled methods on one thread, and {} of them are guarded ({}):"
              + " while one waits for its lock (waitFor), a lease, or an unreachable ZooKeeper (up"
              + " to switchman.connection-timeout, {} ms), every other scheduled method waits too."
              + " Set spring.task.scheduling.pool.size to {} or more (Spring Boot's default is 1),"
              + " or spring.threads.virtual.enabled=true.",
          scheduled.size(),
          names,
          wait.toMillis(),
          scheduled.size());
    }
  }

  private static boolean isScheduled(Method method) {
    return AnnotatedElementUtils.hasAnnotation(method, Scheduled.class)
        || AnnotatedElementUtils.hasAnnotation(method, Schedules.class);
  }

  /**
   * How many threads the scheduler of {@code @Scheduled} methods has, found as Spring finds it (a
   * unique {@link TaskScheduler}, else the one named {@code taskScheduler}, else a {@link
   * ScheduledExecutorService}, else its own one-thread scheduler); -1 when unknown or unbounded.
   */
  private int schedulerThreads() {
    if (beanFactory.getBeanNamesForType(SchedulingConfigurer.class, false, false).length > 0) {
      return -1;
    }
    Object scheduler = find(TaskScheduler.class);
    if (scheduler == null) {
      scheduler = find(ScheduledExecutorService.class);
    }
    return scheduler == null ? 1 : threads(scheduler);
  }

  private @Nullable Object find(Class<?> type) {
    String[] names = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beanFactory, type);
    if (names.length == 1) {
      return beanFactory.getBean(names[0]);
    }
    for (String n : names) {
      if (n.equals(ScheduledAnnotationBeanPostProcessor.DEFAULT_TASK_SCHEDULER_BEAN_NAME)) {
        return beanFactory.getBean(n);
      }
    }
    return null;
  }

  private static int threads(Object scheduler) {
    try {
      if (scheduler instanceof ThreadPoolTaskScheduler t) {
        return t.getScheduledThreadPoolExecutor().getCorePoolSize();
      }
      if (scheduler instanceof ConcurrentTaskScheduler c) {
        return threads(c.getConcurrentExecutor());
      }
    } catch (IllegalStateException e) {
      return -1;
    }
    if (scheduler instanceof ScheduledThreadPoolExecutor p) {
      return p.getCorePoolSize();
    }
    return -1;
  }

  /**
   * Warns about every {@code switchman.*} property that binds to nothing, such as a misspelled
   * {@code switchman.conect-string}: Spring ignores it silently.
   */
  private void checkUnknownProperties() {
    Set<String> unknown = new LinkedHashSet<>();
    try {
      Binder.get(environment)
          .bind(
              "switchman",
              Bindable.ofInstance(new SwitchmanProperties()),
              new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    } catch (BindException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnboundConfigurationPropertiesException u) {
        for (ConfigurationProperty p : u.getUnboundProperties()) {
          unknown.add(p.getName() + (p.getOrigin() == null ? "" : " (from " + p.getOrigin() + ")"));
        }
      }
      // any other binding problem is reported by the regular binding of SwitchmanProperties
    }
    for (String name : unknown) {
      log.warn(
          "Unknown property {} is ignored: switchman has no such property. Check its spelling"
              + " against the switchman.* properties (your IDE completes them from the"
              + " configuration metadata).",
          name);
    }
  }
}
