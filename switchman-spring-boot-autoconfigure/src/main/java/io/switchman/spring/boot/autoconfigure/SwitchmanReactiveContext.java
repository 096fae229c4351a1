/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Grant;
import reactor.core.publisher.Mono;

/**
 * The grant of a guarded {@code Mono}, {@code Flux} or Kotlin suspend function, inside its
 * pipeline: the guard puts it in the Reactor {@code Context} of the subscription, under {@link
 * #GRANT_KEY}, with the lock name and fencing token under their own keys.
 *
 * <pre>{@code
 * @Scheduled(fixedDelay = 60_000)
 * @SwitchmanLock(name = "export")
 * Mono<Void> export() {
 *   return SwitchmanReactiveContext.fencingToken()
 *       .flatMap(token -> store.write(rows, token)); // the store rejects older tokens
 * }
 * }</pre>
 *
 * Reactor's Context is not thread-bound: this works on whatever thread the pipeline runs. {@code
 * SwitchmanContext} (thread-bound) is set only while the method is called and its Publisher
 * subscribed.
 */
public final class SwitchmanReactiveContext {

  /** The key of the {@link Grant} in the Reactor Context. */
  public static final String GRANT_KEY = "switchman.grant";

  /** The key of the lock name (a {@code String}). */
  public static final String LOCK_NAME_KEY = "switchman.lock-name";

  /** The key of the fencing token (a {@code Long}). */
  public static final String FENCING_TOKEN_KEY = "switchman.fencing-token";

  private SwitchmanReactiveContext() {}

  /** The grant of the guarded pipeline this is part of; empty outside one. */
  public static Mono<Grant> grant() {
    return Mono.deferContextual(ctx -> Mono.justOrEmpty(ctx.<Grant>getOrEmpty(GRANT_KEY)));
  }

  /** The fencing token; an {@link IllegalStateException} outside a guarded pipeline. */
  public static Mono<Long> fencingToken() {
    return assertHeld().map(Grant::fencingToken);
  }

  /** The lock name; an {@link IllegalStateException} outside a guarded pipeline. */
  public static Mono<String> lockName() {
    return assertHeld().map(Grant::name);
  }

  /**
   * The grant, if this pipeline runs under one that is still held; else an {@link
   * IllegalStateException} saying why.
   */
  public static Mono<Grant> assertHeld() {
    return Mono.deferContextual(
        ctx -> {
          Grant g = ctx.<Grant>getOrDefault(GRANT_KEY, null);
          if (g == null) {
            return Mono.error(
                new IllegalStateException(
                    "No switchman grant in this Reactor Context: the pipeline is not part of a"
                        + " Publisher returned by a method guarded by @SwitchmanLock or"
                        + " @SwitchmanLease"));
          }
          if (!g.isHeld()) {
            return Mono.error(
                new IllegalStateException(
                    "The switchman grant '"
                        + g.name()
                        + "' (fencing token "
                        + g.fencingToken()
                        + ") is no longer held"
                        + g.lossReason().map(r -> ": lost (" + r + ")").orElse("")));
          }
          return Mono.just(g);
        });
  }
}
