/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Grant;
import io.switchman.core.SwitchmanContext;
import java.util.concurrent.atomic.AtomicBoolean;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.springframework.aop.ProxyMethodInvocation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Guards methods that return a {@code Mono}, a {@code Flux} or a {@code Publisher} (and Kotlin
 * suspend functions, which Spring runs as a {@code Mono}). Loaded only for such methods, so the
 * guard works without Reactor on the class path.
 *
 * <p>Each subscription is one run: the grant is acquired on {@code Schedulers.boundedElastic()}
 * (never on the subscriber's thread, which may be a non-blocking one), then the method is called
 * and its Publisher subscribed, with the grant in the Reactor {@link Context} ({@link
 * SwitchmanReactiveContext}). The grant is released when the Publisher completes, errors or is
 * cancelled (holdAtLeast still applies). On loss, at maxDuration or on shutdown the subscription is
 * cancelled and the subscriber gets a {@link SwitchmanStoppedException}. A skipped call is an empty
 * Publisher.
 */
final class ReactiveGuard {

  private ReactiveGuard() {}

  static Object guard(SwitchmanGuard guard, GuardedMethod method, MethodInvocation invocation) {
    SwitchmanGuard.Body body = bodyOf(invocation);
    Mono<AsyncRun> acquire =
        Mono.defer(
                () -> {
                  long start = System.nanoTime();
                  return Mono.fromCallable(
                          () -> {
                            Grant g = guard.acquire(method, start);
                            return g == null ? null : AsyncRun.begin(guard, method, g, start);
                          })
                      .subscribeOn(Schedulers.boundedElastic());
                })
            // a grant acquired after the subscriber cancelled is released at once
            .doOnDiscard(AsyncRun.class, run -> run.end(null));
    if (method.kind() == ResultKind.MONO) {
      return Mono.usingWhen(
          acquire,
          run -> runMono(run, body),
          run -> end(run, null),
          (run, error) -> end(run, error),
          run -> end(run, null));
    }
    return Flux.usingWhen(
        acquire,
        run -> runFlux(run, body),
        run -> end(run, null),
        (run, error) -> end(run, error),
        run -> end(run, null));
  }

  /** Releasing may wait for ZooKeeper: never on the subscriber's thread. */
  private static Mono<Void> end(AsyncRun run, @Nullable Throwable error) {
    return Mono.<Void>fromRunnable(() -> run.end(error)).subscribeOn(Schedulers.boundedElastic());
  }

  private static Mono<Object> runMono(AsyncRun run, SwitchmanGuard.Body body) {
    Sinks.One<SwitchmanStoppedException> stop = Sinks.one();
    run.canceller(stop::tryEmitValue);
    SwitchmanStoppedException stoppedAlready = run.stopped();
    if (stoppedAlready != null) {
      return Mono.error(stoppedAlready);
    }
    Publisher<Object> source;
    try {
      source = call(run.grant(), body);
    } catch (Throwable t) {
      return Mono.error(t);
    }
    if (source == null) {
      return Mono.empty();
    }
    return Mono.fromDirect(scoped(run.grant(), source))
        .takeUntilOther(stop.asMono())
        .switchIfEmpty(Mono.defer(() -> stoppedOrEmpty(run)))
        .contextWrite(context(run.grant()));
  }

  private static Flux<Object> runFlux(AsyncRun run, SwitchmanGuard.Body body) {
    Sinks.One<SwitchmanStoppedException> stop = Sinks.one();
    run.canceller(stop::tryEmitValue);
    SwitchmanStoppedException stoppedAlready = run.stopped();
    if (stoppedAlready != null) {
      return Flux.error(stoppedAlready);
    }
    Publisher<Object> source;
    try {
      source = call(run.grant(), body);
    } catch (Throwable t) {
      return Flux.error(t);
    }
    if (source == null) {
      return Flux.empty();
    }
    return Flux.from(scoped(run.grant(), source))
        .takeUntilOther(stop.asMono())
        .concatWith(Mono.defer(() -> stoppedOrEmpty(run)))
        .contextWrite(context(run.grant()));
  }

  private static <T> Mono<T> stoppedOrEmpty(AsyncRun run) {
    SwitchmanStoppedException stopped = run.stopped();
    return stopped == null ? Mono.empty() : Mono.error(stopped);
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Publisher<Object> call(Grant grant, SwitchmanGuard.Body body)
      throws Throwable {
    try (SwitchmanContext.Scope scope = SwitchmanContext.enter(grant)) {
      return (Publisher<Object>) body.proceed();
    }
  }

  /** Subscribes with the grant bound to the thread, for work done during subscribe(). */
  private static Publisher<Object> scoped(Grant grant, Publisher<Object> source) {
    return new Publisher<>() {
      @Override
      public void subscribe(Subscriber<? super Object> s) {
        try (SwitchmanContext.Scope scope = SwitchmanContext.enter(grant)) {
          source.subscribe(s);
        }
      }
    };
  }

  private static java.util.function.Function<Context, Context> context(Grant grant) {
    return ctx ->
        ctx.put(SwitchmanReactiveContext.GRANT_KEY, grant)
            .put(SwitchmanReactiveContext.LOCK_NAME_KEY, grant.name())
            .put(SwitchmanReactiveContext.FENCING_TOKEN_KEY, grant.fencingToken());
  }

  /**
   * The method, called once per subscription: each call goes through the interceptors after this
   * one again, from a clone of the invocation.
   */
  private static SwitchmanGuard.Body bodyOf(MethodInvocation invocation) {
    if (invocation instanceof ProxyMethodInvocation proxied) {
      MethodInvocation base = proxied.invocableClone();
      return () -> ((ProxyMethodInvocation) base).invocableClone().proceed();
    }
    AtomicBoolean called = new AtomicBoolean();
    return () -> {
      if (!called.compareAndSet(false, true)) {
        throw new IllegalStateException(
            "The Publisher of this guarded method can be subscribed only once");
      }
      return invocation.proceed();
    };
  }
}
