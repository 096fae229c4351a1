/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification.spring;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.core.SwitchmanContext;
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
 * The worker's second guarded job: one unit of the resource {@code db} (capacity 2), next to the
 * lock job, so that a partition loses two grants of this JVM at once. Appends {@code granted} (with
 * {@code leases=db:1:2}) and heartbeats; stops when the starter interrupts it.
 */
@Component
public class LeaseJob implements DisposableBean {

  private final String worker;
  private final HistoryWriter history;
  private final Random random;
  private final FaultControl control;
  private final AtomicInteger runs = new AtomicInteger();
  private final String incarnation =
      ProcessHandle.current().pid() + "-" + Long.toString(HistoryClock.nowMicros(), 36);

  public LeaseJob(
      @Value("${verification.worker}") String worker,
      @Value("${verification.history}") String history,
      @Value("${verification.seed:1}") long seed,
      FaultControl control)
      throws IOException {
    this.worker = worker;
    this.control = control;
    this.history = new HistoryWriter(Path.of(history), worker);
    this.random = new Random(seed * 31 + 7);
  }

  @Scheduled(fixedDelay = 20)
  @SwitchmanLease(resource = "db", amount = 1, capacity = "2")
  public void work() {
    long token = SwitchmanContext.fencingToken();
    String run = worker + "-lease-" + incarnation + "-" + runs.incrementAndGet();
    history.append("granted", "run", run, "token", token, "leases", "db:1:2");
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(4700));
    String stopped = null;
    boolean lengthened = false;
    while (System.nanoTime() < end) {
      if (!lengthened && control.slowListener()) {
        // still working when the grant is lost behind the slow listener
        lengthened = true;
        end = Math.max(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(4));
      }
      if (Thread.currentThread().isInterrupted()) {
        stopped = "INTERRUPTED";
        break;
      }
      history.append("heartbeat", "run", run);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        stopped = "INTERRUPTED";
        Thread.currentThread().interrupt();
        break;
      }
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
