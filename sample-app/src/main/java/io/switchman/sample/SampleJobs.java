/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.sample;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * One scheduled job per switchman feature; run several instances to see them take turns. {@code
 * --sample.jobs.enabled=false} runs none (an instance that only hosts the embedded ZooKeeper).
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.jobs.enabled", matchIfMissing = true)
public class SampleJobs {

  private static final Logger log = LoggerFactory.getLogger(SampleJobs.class);

  private final String host;
  private final FencedStore store;

  public SampleJobs(HostFacts host, FencedStore store) {
    this.host = host.fqdn();
    this.store = store;
  }

  /**
   * A cluster-wide singleton: every instance schedules it, one runs it per tick. holdAtLeast keeps
   * the lock a little after the (quick) job, so an instance whose clock is slightly behind does not
   * run the same tick again.
   */
  @Scheduled(fixedRate = 5000, initialDelay = 1000)
  @SwitchmanLock(name = "sample-report", holdAtLeast = "4s")
  public void report() {
    log.info(
        "[singleton] {} writes the cluster-wide report (fencing token {})",
        host,
        SwitchmanContext.fencingToken());
  }

  /**
   * Takes one unit of this host's CPU resource: at most CPU such jobs run at once on a host,
   * however many instances run there, and the others queue in arrival order.
   */
  @Scheduled(fixedDelay = 2000, initialDelay = 1500)
  @SwitchmanLease(resource = "FQDN_cpu", amount = 1)
  public void crunch() throws InterruptedException {
    log.info("[lease] {} crunches numbers on one of its CPUs (resource {}_cpu)", host, host);
    Thread.sleep(1500);
  }

  /** Runs only on the hosts of the group 'workers' (defined in the prefix znode's data). */
  @Scheduled(fixedRate = 7000, initialDelay = 2000)
  @SwitchmanLock(name = "sample-cleanup", group = "workers")
  public void cleanup() {
    log.info("[group] {}, a member of group 'workers', cleans up", host);
  }

  /**
   * Hands its fencing token to the store it writes to, so that the store rejects writes of an older
   * holder that woke up late.
   */
  @Scheduled(fixedRate = 6000, initialDelay = 2500)
  @SwitchmanLock(name = "sample-export", waitFor = "1s", maxDuration = "30s")
  public void export() {
    long token = SwitchmanContext.fencingToken();
    boolean accepted = store.write("export by " + host, token);
    log.info(
        "[fencing] {} exports with fencing token {}: {}",
        host,
        token,
        accepted ? "accepted" : "rejected as stale");
  }

  /**
   * A long job (a minute, in steps of a second) that stops when interrupted: abort it from the
   * console or with {@code switchman --abort sample-rebuild}, and it stops at once.
   */
  @Scheduled(fixedDelay = 5000, initialDelay = 3000)
  @SwitchmanLock(name = "sample-rebuild")
  public void rebuild() {
    log.info(
        "[long] {} rebuilds the index (fencing token {})", host, SwitchmanContext.fencingToken());
    try {
      for (int step = 0; step < 60; step++) {
        Thread.sleep(1000);
      }
      log.info("[long] {} rebuilt the index", host);
    } catch (InterruptedException e) {
      log.info("[long] {} stopped rebuilding the index: interrupted", host);
      Thread.currentThread().interrupt();
    }
  }
}
