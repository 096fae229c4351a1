/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.LeaseRequest;
import io.switchman.core.RequestPlan;
import io.switchman.core.SwitchmanException;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.Names;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Resolves and validates the switchman annotations of methods, once per method: placeholders,
 * names, durations, lease expressions, capacities and return types. Every problem is reported as
 * one {@link SwitchmanConfigurationException} naming the method, the attribute and the value.
 */
final class GuardedMethods implements BeanClassLoaderAware {

  /** What to do about an invalid annotation attribute. */
  static final String ANNOTATION_ACTION =
      "Fix the @SwitchmanLock or @SwitchmanLease attribute named above: the rules of each"
          + " attribute are in the Javadoc of io.switchman.annotation.SwitchmanLock and"
          + " SwitchmanLease, and in the Annotations section of switchman's Spring Boot guide.";

  /** What to do about a return type that cannot be skipped. */
  static final String RETURN_TYPE_ACTION =
      "Change the return type of the method named above, or add the library the description"
          + " names: a guarded call may be skipped or stopped, so the guard must be able to"
          + " return for it (null, Optional.empty(), an empty Mono or Flux, a failed future) and"
          + " to see when its work ends; a primitive cannot be skipped.";

  /**
   * A guarded method of one bean, as validated when the bean was created.
   *
   * @param beanName the bean
   * @param method the method (of the bean's user class)
   * @param guarded its resolved annotations
   */
  record Registered(String beanName, Method method, GuardedMethod guarded) {}

  /** Every guarded method of every bean validated so far, in creation order. */
  private final List<Registered> registered = new CopyOnWriteArrayList<>();

  private final PropertyResolver environment;
  private final SwitchmanProperties properties;
  private final HostFacts host;
  private final Map<MethodClassKey, GuardedMethod> cache = new ConcurrentHashMap<>();

  /** Methods with leases whose capacity must come from the cluster data: description to plan. */
  private final Map<String, RequestPlan> capacitiesFromClusterData = new ConcurrentHashMap<>();

  private volatile @Nullable ClassLoader beanClassLoader;

  GuardedMethods(PropertyResolver environment, SwitchmanProperties properties, HostFacts host) {
    this.environment = environment;
    this.properties = properties;
    this.host = host;
  }

  /** The class loader that decides whether Reactor and Kotlin coroutines are present. */
  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.beanClassLoader = classLoader;
  }

  /** Whether {@code method} carries {@link SwitchmanLock} or {@link SwitchmanLease}. */
  static boolean isGuarded(Method method) {
    return AnnotatedElementUtils.hasAnnotation(method, SwitchmanLock.class)
        || !AnnotatedElementUtils.findMergedRepeatableAnnotations(method, SwitchmanLease.class)
            .isEmpty();
  }

  /**
   * Validates every guarded method of {@code targetClass}.
   *
   * @return how many guarded methods it has
   * @throws SwitchmanConfigurationException naming the first invalid method
   */
  int validate(Class<?> targetClass) {
    return validate(null, targetClass);
  }

  /**
   * Validates every guarded method of bean {@code beanName} of {@code targetClass}, and remembers
   * them for the startup report ({@link #registered()}). In proxy mode, rejects methods the proxy
   * cannot guard (private, static and final ones, and any of a final class); in AspectJ mode,
   * rejects methods that were not woven (they would run unguarded).
   *
   * @return how many guarded methods it has
   * @throws SwitchmanConfigurationException naming the first invalid method
   */
  int validate(@Nullable String beanName, Class<?> targetClass) {
    Class<?> userClass = ClassUtils.getUserClass(targetClass);
    List<Method> guarded = new ArrayList<>();
    ReflectionUtils.doWithMethods(
        userClass,
        m -> {
          if (!m.isBridge() && !m.isSynthetic() && isGuarded(m)) {
            guarded.add(m);
          }
        });
    boolean aspectj = properties.getMode() == SwitchmanProperties.Mode.ASPECTJ;
    for (Method m : guarded) {
      if (aspectj) {
        checkWoven(m, userClass);
      } else {
        checkProxyable(m, userClass);
      }
    }
    for (Method m : guarded) {
      GuardedMethod resolved = get(m, userClass);
      if (beanName != null) {
        registered.add(new Registered(beanName, m, resolved));
      }
    }
    return guarded.size();
  }

  /** The guarded methods of every bean validated so far, in creation order. */
  List<Registered> registered() {
    return List.copyOf(registered);
  }

  /**
   * Whether AspectJ wove an around advice into {@code method}: the weaver moves the body of an
   * advised method into a synthetic {@code <name>_aroundBody<n>} method of the same class.
   */
  static boolean isWoven(Method method) {
    String prefix = method.getName() + "_aroundBody";
    for (Method m : method.getDeclaringClass().getDeclaredMethods()) {
      if (m.getName().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** In AspectJ mode: rejects a guarded method that was not woven, as it would run unguarded. */
  private static void checkWoven(Method method, Class<?> userClass) {
    if (isWoven(method)) {
      return;
    }
    String description = userClass.getName() + "." + method.getName() + "()";
    throw new SwitchmanConfigurationException(
        "Invalid switchman annotation on "
            + description
            + ": switchman.mode is aspectj but the method was not woven with"
            + " io.switchman.spring.boot.autoconfigure.SwitchmanAspect, so every call would run"
            + " unguarded (AspectJ matches only a @SwitchmanLock or @SwitchmanLease declared on"
            + " the method itself: not one inherited from an interface or an overridden method,"
            + " nor a meta-annotation). switchman never lets a guarded method run unguarded.",
        "Weave "
            + method.getDeclaringClass().getName()
            + ": start the JVM with -javaagent:aspectjweaver.jar and list the class's package"
            + " and the aspect in META-INF/aop.xml (see the AspectJ mode section of switchman's"
            + " Spring Boot guide), annotate the method itself, or set switchman.mode=proxy.");
  }

  /**
   * Rejects a guarded method that Spring's class proxy cannot intercept: it would run unguarded on
   * every call, with at most Spring's generic CGLIB warning.
   */
  private static void checkProxyable(Method method, Class<?> userClass) {
    String description = userClass.getName() + "." + method.getName() + "()";
    int modifiers = method.getModifiers();
    String problem;
    String action;
    if (Modifier.isStatic(modifiers)) {
      problem = "it is static, and only calls of a bean's instance methods pass through its proxy";
      action =
          "Make "
              + description
              + " an instance method of a Spring bean and call it through the bean, or remove its"
              + " switchman annotation.";
    } else if (Modifier.isPrivate(modifiers)) {
      problem =
          "it is private, so no call of it passes through the bean's proxy (a class proxy"
              + " overrides only public, protected and package-private methods)";
      action =
          "Make "
              + description
              + " public (or protected or package-private) and call it through the bean (another"
              + " bean that injects it), not from inside the same object.";
    } else if (Modifier.isFinal(modifiers)) {
      problem =
          "it is final, so the bean's class proxy cannot override it and every call would run"
              + " unguarded";
      action =
          "Remove final from "
              + description
              + " (in Kotlin: declare it open, or apply the kotlin-spring compiler plugin).";
    } else if (Modifier.isFinal(userClass.getModifiers())) {
      problem =
          "its class is final, so Spring cannot create the class proxy that guards the method";
      action =
          "Remove final from class "
              + userClass.getName()
              + " (in Kotlin: declare it open, or apply the kotlin-spring compiler plugin).";
    } else {
      return;
    }
    throw new SwitchmanConfigurationException(
        "Invalid switchman annotation on "
            + description
            + ": "
            + problem
            + ". switchman never lets a guarded method run unguarded.",
        action);
  }

  /**
   * The resolved annotations of {@code method} called on a {@code targetClass}, cached.
   *
   * @throws SwitchmanConfigurationException naming the method when an annotation is invalid
   */
  GuardedMethod get(Method method, Class<?> targetClass) {
    Class<?> userClass = ClassUtils.getUserClass(targetClass);
    MethodClassKey key = new MethodClassKey(method, userClass);
    GuardedMethod cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    GuardedMethod resolved = resolve(AopUtils.getMostSpecificMethod(method, userClass), userClass);
    cache.put(key, resolved);
    return resolved;
  }

  /**
   * Methods whose lease capacities can only be known from the cluster data, with their request
   * plans ({@link RequestPlan#leasesWithoutCapacity()}).
   */
  Map<String, RequestPlan> capacitiesFromClusterData() {
    return Map.copyOf(capacitiesFromClusterData);
  }

  private GuardedMethod resolve(Method method, Class<?> userClass) {
    String simpleName =
        userClass.getSimpleName().isEmpty()
            ? ClassUtils.getShortName(userClass)
            : userClass.getSimpleName();
    String description = userClass.getName() + "." + method.getName() + "()";
    SwitchmanLock lock = AnnotatedElementUtils.findMergedAnnotation(method, SwitchmanLock.class);
    Set<SwitchmanLease> leases =
        AnnotatedElementUtils.findMergedRepeatableAnnotations(method, SwitchmanLease.class);
    boolean returnTypeChecked = false;
    try {
      Class<?> returnType = method.getReturnType();
      ResultKind kind = ResultKind.of(method, beanClassLoader);
      returnTypeChecked = true;
      String name =
          lock != null && !lock.name().isEmpty()
              ? resolve("name", lock.name())
              : simpleName + "." + method.getName();
      Names.checkLockName(name);
      GrantRequest.Builder request = GrantRequest.builder(name).lock(lock != null);
      Duration holdAtLeast = Duration.ZERO;
      Duration maxDuration = null;
      if (lock != null) {
        request.lockWait(Durations.parse("waitFor", resolve("waitFor", lock.waitFor())));
        String group = resolve("group", lock.group());
        if (!group.isEmpty()) {
          request.group(Names.checkGroupName(group));
        }
        holdAtLeast = Durations.parse("holdAtLeast", resolve("holdAtLeast", lock.holdAtLeast()));
        String max = resolve("maxDuration", lock.maxDuration());
        if (!max.isEmpty()) {
          maxDuration = Durations.parse("maxDuration", max);
          if (maxDuration.isZero()) {
            throw new IllegalArgumentException(
                "Invalid maxDuration '" + max + "': must be positive (leave it out for no limit)");
          }
        }
      }
      for (SwitchmanLease lease : leases) {
        request.lease(resolveLease(lease));
      }
      // The core's checks: names, amounts, capacities, "leased twice", "can never be granted".
      RequestPlan plan = RequestPlan.of(request.build(), host);
      if (!plan.leasesWithoutCapacity().isEmpty()) {
        capacitiesFromClusterData.put(description, plan);
      }
      return new GuardedMethod(
          description,
          plan.request(),
          holdAtLeast,
          maxDuration,
          Optional.class.isAssignableFrom(returnType),
          kind);
    } catch (IllegalArgumentException | SwitchmanException e) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman annotation on " + description + ": " + e.getMessage(),
          returnTypeChecked ? ANNOTATION_ACTION : RETURN_TYPE_ACTION,
          e);
    }
  }

  /**
   * The lease with placeholders resolved and, when the annotation gives none, its capacity from
   * {@code switchman.capacities}; the core's request plan checks it.
   */
  private LeaseRequest resolveLease(SwitchmanLease lease) {
    String resource = resolve("resource", lease.resource());
    String capacity = resolve("capacity", lease.capacity());
    if (capacity.isBlank()) {
      capacity = capacityFromProperties(resource, host.expand(resource));
    }
    return new LeaseRequest(resource, Integer.toString(lease.amount()), capacity);
  }

  /**
   * The capacity of {@code resource} from {@code switchman.capacities}, by its name before or after
   * macro expansion. Keys bound without bracket notation lose characters other than letters, digits
   * and {@code -} ({@code FQDN_cpu} becomes {@code FQDNcpu}), and keys from environment variables
   * are lower case, so when no key matches exactly, keys are compared ignoring case and every
   * character but letters and digits.
   */
  @Nullable String capacityFromProperties(String resource, String expanded) {
    Map<String, String> capacities = properties.getCapacities();
    String exact = capacities.get(resource);
    if (exact == null) {
      exact = capacities.get(expanded);
    }
    if (exact != null) {
      return exact;
    }
    String loose = loose(resource);
    String looseExpanded = loose(expanded);
    for (Map.Entry<String, String> e : capacities.entrySet()) {
      String key = loose(e.getKey());
      if (key.equals(loose) || key.equals(looseExpanded)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static String loose(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  private String resolve(String attribute, String value) {
    try {
      return environment.resolveRequiredPlaceholders(value).trim();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid " + attribute + " '" + value + "': " + e.getMessage(), e);
    }
  }
}
