/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Grant;
import io.switchman.core.SwitchmanContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Guards methods that return a {@code CompletableFuture} or a {@code CompletionStage} (for example
 * with {@code @Async}). The grant is acquired on the calling thread, as for a blocking method, and
 * held until the returned future completes. On loss, at maxDuration or on shutdown: while the
 * method itself still runs, its thread is interrupted; afterwards the returned future is cancelled
 * ({@code cancel(true)}), and the future the caller holds fails with a {@link
 * SwitchmanStoppedException}. A skipped call returns a future completed with null.
 */
final class FutureGuard {

  private FutureGuard() {}

  static @Nullable Object guard(
      SwitchmanGuard guard, GuardedMethod method, MethodInvocation invocation) throws Throwable {
    long start = System.nanoTime();
    Grant grant = guard.acquire(method, start);
    if (grant == null) {
      return CompletableFuture.completedFuture(null);
    }
    AsyncRun run = AsyncRun.begin(guard, method, grant, start);
    SwitchmanStoppedException stoppedAlready = run.stopped();
    if (stoppedAlready != null) {
      run.end(stoppedAlready);
      return CompletableFuture.failedFuture(stoppedAlready);
    }
    Thread caller = Thread.currentThread();
    CallerState state = new CallerState();
    run.canceller(
        e -> {
          synchronized (state) {
            if (!state.returned) {
              state.interrupted = true;
              caller.interrupt();
            }
          }
        });
    Object returned;
    try (SwitchmanContext.Scope scope = SwitchmanContext.enter(grant)) {
      returned = invocation.proceed();
    } catch (Throwable t) {
      leave(state);
      run.end(t);
      throw t;
    }
    leave(state);
    if (returned == null) {
      run.end(null);
      return null;
    }
    CompletionStage<?> stage = (CompletionStage<?>) returned;
    CompletableFuture<Object> result = new CompletableFuture<>();
    run.canceller(
        e -> {
          // the caller's future fails with the reason before the cancellation completes it
          result.completeExceptionally(e);
          cancel(stage);
        });
    stage.whenComplete(
        (value, error) -> {
          run.end(error);
          if (error != null) {
            result.completeExceptionally(error);
          } else {
            result.complete(value);
          }
        });
    return result;
  }

  /** The method returned: no interrupt after this, and ours cleared. */
  private static void leave(CallerState state) {
    boolean clear;
    synchronized (state) {
      state.returned = true;
      clear = state.interrupted;
    }
    if (clear) {
      Thread.interrupted();
    }
  }

  private static void cancel(CompletionStage<?> stage) {
    if (stage instanceof Future<?> f) {
      f.cancel(true);
      return;
    }
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException e) {
      // a stage that cannot be cancelled: the caller's future fails all the same
    }
  }

  private static final class CallerState {
    boolean returned;
    boolean interrupted;
  }
}
