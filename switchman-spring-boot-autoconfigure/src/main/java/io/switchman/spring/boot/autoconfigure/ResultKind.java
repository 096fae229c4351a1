/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;
import org.springframework.util.ClassUtils;

/**
 * How a guarded method runs, from its return type: for its whole run the grant must be held, so the
 * guard must know when the run ends. Types whose end the guard cannot see are refused at startup,
 * naming what to return instead.
 */
enum ResultKind {
  /** The run ends when the method returns (void, objects, {@code Optional}). */
  BLOCKING,
  /** A {@code Mono} (or a Kotlin suspend function): the run is its subscription. */
  MONO,
  /** A {@code Flux} or a {@code Publisher}: the run is its subscription. */
  FLUX,
  /** A {@code CompletableFuture} or {@code CompletionStage}: the run ends when it completes. */
  FUTURE;

  static final String PUBLISHER = "org.reactivestreams.Publisher";
  static final String MONO_CLASS = "reactor.core.publisher.Mono";
  static final String FLUX_CLASS = "reactor.core.publisher.Flux";
  static final String COROUTINES_REACTOR = "kotlinx.coroutines.reactor.MonoKt";
  static final String FLOW = "kotlinx.coroutines.flow.Flow";

  /** Reactive types that Spring can schedule but whose run the guard cannot see. */
  private static final String[] OTHER_REACTIVE = {
    FLOW,
    "io.reactivex.rxjava3.core.Flowable",
    "io.reactivex.rxjava3.core.Observable",
    "io.reactivex.rxjava3.core.Single",
    "io.reactivex.rxjava3.core.Maybe",
    "io.reactivex.rxjava3.core.Completable",
    "io.smallrye.mutiny.Uni",
    "io.smallrye.mutiny.Multi",
    "java.util.concurrent.Flow$Publisher",
  };

  /**
   * The kind of {@code method}.
   *
   * @throws IllegalArgumentException when its return type cannot be guarded for the whole run,
   *     saying what to return instead
   */
  static ResultKind of(Method method, @Nullable ClassLoader beanClassLoader) {
    ClassLoader loader =
        beanClassLoader != null ? beanClassLoader : method.getDeclaringClass().getClassLoader();
    Class<?> type = method.getReturnType();
    if (KotlinDetector.isKotlinPresent() && KotlinDetector.isSuspendingFunction(method)) {
      if (!ClassUtils.isPresent(COROUTINES_REACTOR, loader)
          || !ClassUtils.isPresent(MONO_CLASS, loader)) {
        throw new IllegalArgumentException(
            "it is a Kotlin suspend function, which can be guarded only with"
                + " org.jetbrains.kotlinx:kotlinx-coroutines-reactor (and reactor-core) on the"
                + " class path: add it, or make the function blocking");
      }
      String declared = new MethodParameter(method, -1).getParameterType().getName();
      return FLOW.equals(declared) ? FLUX : MONO;
    }
    if (type.isPrimitive() && type != void.class) {
      throw new IllegalArgumentException(
          "it returns "
              + type.getName()
              + ", which cannot be skipped: return void, an object (null when skipped) or an"
              + " Optional (empty when skipped)");
    }
    if (isA(type, PUBLISHER, loader)) {
      if (!ClassUtils.isPresent(MONO_CLASS, loader)) {
        throw new IllegalArgumentException(
            "it returns "
                + type.getName()
                + ", a Publisher, which can be guarded for its whole subscription only with"
                + " io.projectreactor:reactor-core on the class path: add it and return a Mono"
                + " or a Flux");
      }
      if (type.isAssignableFrom(ClassUtils.resolveClassName(MONO_CLASS, loader))) {
        return MONO;
      }
      if (type.isAssignableFrom(ClassUtils.resolveClassName(FLUX_CLASS, loader))) {
        return FLUX;
      }
      throw new IllegalArgumentException(
          "it returns "
              + type.getName()
              + ", a Publisher type the guard cannot return when the call is skipped or the grant"
              + " is lost: declare the return type as Mono, Flux or Publisher");
    }
    if (CompletionStage.class.isAssignableFrom(type)) {
      if (type.isAssignableFrom(CompletableFuture.class)) {
        return FUTURE;
      }
      throw new IllegalArgumentException(
          "it returns "
              + type.getName()
              + ", which the guard cannot return when the call is skipped or the grant is lost:"
              + " declare the return type as CompletableFuture or CompletionStage");
    }
    if (Future.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(
          "it returns "
              + type.getName()
              + ", a Future whose completion the guard cannot see, so the grant could not be held"
              + " until the work ends: return a CompletableFuture or CompletionStage");
    }
    for (String other : OTHER_REACTIVE) {
      if (isA(type, other, loader)) {
        throw new IllegalArgumentException(
            "it returns "
                + type.getName()
                + ", whose run the guard cannot hold its grant for: return a Mono or a Flux"
                + (FLOW.equals(other) ? " (or make it a suspend function)" : ""));
      }
    }
    return BLOCKING;
  }

  private static boolean isA(Class<?> type, String className, @Nullable ClassLoader loader) {
    if (!ClassUtils.isPresent(className, loader)) {
      return false;
    }
    return ClassUtils.resolveClassName(className, loader).isAssignableFrom(type);
  }
}
