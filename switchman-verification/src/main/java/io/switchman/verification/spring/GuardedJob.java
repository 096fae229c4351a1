/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification.spring;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.SwitchmanContext;
import io.switchman.verification.FencedStore;
import io.switchman.verification.HistoryClock;
import io.switchman.verification.HistoryWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The job: runs under the lock {@code payroll}, appends {@code granted}, heartbeats and fenced
 * writes to the worker's history, and stops when the starter interrupts it (the grant was lost, or
 * the application shuts down).
 *
 * <p>While the soak's {@link FaultControl} says {@code swallow-interrupts} it is the variant the
 * starter must survive: it catches {@code InterruptedException} and goes on, ignores the interrupt
 * flag, and works at least 4 s more from the moment it started swallowing (so that the grant is
 * lost while it runs); only its end of work or a write the fence rejects ends it. While it says
 * {@code slow-listener} it works at least 4 s more (and stops when interrupted), so that its grant
 * is lost while it runs.
 */
@Component
public class GuardedJob implements DisposableBean {

  private final String worker;
  private final HistoryWriter history;
  private final FencedStore store;
  private final Random random;
  private final FaultControl control;
  private final AtomicInteger runs = new AtomicInteger();
  // pids are reused over a long run: the start time makes run ids unique
  private final String incarnation =
      ProcessHandle.current().pid() + "-" + Long.toString(HistoryClock.nowMicros(), 36);

  public GuardedJob(
      @Value("${verification.worker}") String worker,
      @Value("${verification.history}") String history,
      @Value("${verification.store}") String store,
      @Value("${verification.seed:1}") long seed,
      FaultControl control)
      throws IOException {
    this.worker = worker;
    this.control = control;
    this.history = new HistoryWriter(Path.of(history), worker);
    this.store = new FencedStore(Path.of(store));
    this.random = new Random(seed);
    this.history.append("started", "pid", ProcessHandle.current().pid());
  }

  @Scheduled(fixedDelay = 20)
  @SwitchmanLock(name = "payroll", waitFor = "3s")
  public void work() throws IOException {
    long token = SwitchmanContext.fencingToken();
    String lock = SwitchmanContext.lockName();
    String run = worker + "-" + incarnation + "-" + runs.incrementAndGet();
    history.append("granted", "run", run, "token", token, "lock", lock);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(4700));
    String stopped = null;
    boolean swallowing = false;
    boolean lengthened = false;
    while (System.nanoTime() < end) {
      if (!lengthened && control.slowListener()) {
        // still working when the grant is lost behind the slow listener
        lengthened = true;
        end = Math.max(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(4));
      }
      if (!swallowing && control.swallowInterrupts()) {
        swallowing = true;
        end = Math.max(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(4));
        history.append("swallowing", "run", run);
      }
      if (!swallowing && Thread.currentThread().isInterrupted()) {
        stopped = "INTERRUPTED";
        break;
      }
      history.append("heartbeat", "run", run);
      if (!store.write(lock, token, run)) {
        stopped = "FENCED";
        break;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        if (swallowing) {
          history.append("swallowed-interrupt", "run", run);
          continue; // the defect under test: the interrupt is caught and forgotten
        }
        stopped = "INTERRUPTED";
        Thread.currentThread().interrupt();
        break;
      }
    }
    // The result is committed through the fence (a late job meets the newer holder's token).
    if (stopped == null && !store.write(lock, token, run)) {
      stopped = "FENCED";
    }
    if (stopped == null) {
      history.append("finished", "run", run);
    } else {
      history.append("stopped", "run", run, "reason", stopped);
    }
  }

  @Override
  public void destroy() throws IOException {
    history.close();
  }
}
