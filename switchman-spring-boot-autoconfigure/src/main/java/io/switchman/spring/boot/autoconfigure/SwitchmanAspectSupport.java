/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;

/**
 * The application context whose {@link SwitchmanGuard} the woven {@link SwitchmanAspect} uses, set
 * by the auto-configuration when {@code switchman.mode=aspectj} (as Spring's
 * AnnotationTransactionAspect is given its transaction manager). One per class loader: the aspect
 * is a singleton of the woven classes. Kept free of AspectJ types, so that the auto-configuration
 * loads without AspectJ on the class path.
 */
final class SwitchmanAspectSupport {

  private static final AtomicReference<@Nullable BeanFactory> active = new AtomicReference<>();
  private static volatile @Nullable SwitchmanGuard guard;

  private SwitchmanAspectSupport() {}

  /** Makes {@code beanFactory}'s guard the aspect's; fails if another context already has it. */
  static void activate(BeanFactory beanFactory) {
    if (!active.compareAndSet(null, beanFactory) && active.get() != beanFactory) {
      throw new SwitchmanConfigurationException(
          "switchman.mode is aspectj in two running application contexts of one class loader:"
              + " the woven SwitchmanAspect is one per class loader and can guard the methods of"
              + " one context only",
          "Close the other application context first, or set switchman.mode=proxy in one of"
              + " them.");
    }
    guard = null;
  }

  /** Forgets {@code beanFactory} when it is the active one (its context is closing). */
  static void deactivate(BeanFactory beanFactory) {
    if (active.compareAndSet(beanFactory, null)) {
      guard = null;
    }
  }

  /** Runs one call of a woven guarded method through the active context's guard. */
  static @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    SwitchmanGuard g = guard;
    if (g == null) {
      BeanFactory bf = active.get();
      if (bf == null) {
        // Fail closed: a woven guarded method never runs unguarded.
        throw new IllegalStateException(
            "switchman: "
                + invocation.getMethod().toGenericString()
                + " is woven with SwitchmanAspect but no application context with"
                + " switchman.mode=aspectj is running (not set, not started yet, or closed), so"
                + " the call is refused rather than run unguarded");
      }
      g = bf.getBean(SwitchmanGuard.class);
      guard = g;
    }
    return g.invoke(invocation);
  }
}
