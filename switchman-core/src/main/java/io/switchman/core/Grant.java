/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything one request holds (a lock and any number of leases), held and released together.
 *
 * <p>A grant is watched from the moment it is returned: if it may be lost for any {@link
 * LossReason}, the listeners registered with {@link #onLoss} are told once, on an engine thread,
 * before the server could hand the lock to anyone else. The holder must then stop its work. {@link
 * #release()} is idempotent and never deletes a node of another session. Thread-safe.
 */
public interface Grant extends AutoCloseable {

  /** The request's name (the lock name). */
  String name();

  /** Whether the exclusive lock is part of this grant. */
  boolean hasLock();

  /**
   * The fencing token: the {@code czxid} of the lock node, or of the first lease node for a
   * lease-only grant. It grows with every grant across the ensemble, so a store that remembers the
   * highest token it accepted can reject writes of an older holder.
   */
  long fencingToken();

  /** The leases held, in the order they were taken. */
  List<HeldLease> leases();

  /** The ZooKeeper session this grant lives in. */
  long sessionId();

  /** When the grant was acquired (wall clock, for display). */
  Instant acquiredAt();

  /**
   * Whether the grant is still held right now: not released, not lost, and its safety deadline not
   * passed (a passed deadline is declared as the loss {@link LossReason#SAFETY_DEADLINE} by this
   * call, even if the safety monitor has not noticed yet). Cheap: no ZooKeeper call.
   */
  boolean isHeld();

  /**
   * Checks, right before a job starts, that the grant is still held ({@link #isHeld()}): a job must
   * never start on a grant already lost (for instance when acquiring took so long, or the thread
   * was descheduled so long, that the safety deadline passed). Cheap: no ZooKeeper call.
   *
   * @throws SwitchmanException of kind {@link SwitchmanException.Kind#GRANT_LOST}, naming the
   *     grant, its fencing token and the loss reason
   */
  default void ensureHeld() {
    if (isHeld()) {
      return;
    }
    throw new SwitchmanException(
        SwitchmanException.Kind.GRANT_LOST,
        "Grant '"
            + name()
            + "' (fencing token "
            + fencingToken()
            + ") is no longer held"
            + lossReason().map(r -> ": " + r).orElse(": it was released")
            + "; the job must not run");
  }

  /** Why the grant was lost, if it was. */
  Optional<LossReason> lossReason();

  /**
   * Why the grant was lost, after declaring it lost ({@link LossReason#SAFETY_DEADLINE}) now if its
   * safety deadline has passed and the safety monitor has not noticed yet: for an adapter that must
   * know, when its job has returned, whether the job ran past the deadline.
   */
  default Optional<LossReason> checkLoss() {
    return lossReason();
  }

  /**
   * The safety deadline on the {@link System#nanoTime()} clock: until then the grant is known to be
   * safe. Refreshed by reads of the grant's own node; when it passes, the grant is lost.
   */
  long safeUntilNanos();

  /**
   * Registers a listener told once if the grant is lost (immediately if it already was). Not called
   * after {@link #release()}. Exceptions thrown by listeners are logged and ignored.
   */
  void onLoss(Consumer<LossReason> listener);

  /**
   * Releases the lock and leases: deletes this session's nodes, after checking that they are still
   * this session's. Idempotent.
   */
  void release();

  /** Same as {@link #release()}. */
  @Override
  default void close() {
    release();
  }

  /**
   * One lease of a grant.
   *
   * @param resource the resource name after macro expansion
   * @param amount the units held
   * @param capacity the resource's capacity
   * @param path the lease node's path
   * @param czxid the lease node's creation zxid
   */
  record HeldLease(String resource, long amount, long capacity, String path, long czxid) {}
}
