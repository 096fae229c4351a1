/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The dispatch of losses: a listener, or a log appender, that blocks delays no other grant's loss
 * listeners.
 */
class LossDispatchTest extends EngineTestBase {

  @Test
  void blockingLossListenerOfOneGrantDoesNotDelayAnotherGrantsListener() throws Exception {
    CuratorFramework client = zk.client(SESSION);
    SwitchmanEngine engine = engine(client, "host-a");
    Grant first = engine.acquire(lock("first")).grant();
    Grant second = engine.acquire(lock("second")).grant();
    AtomicLong firstToldAt = new AtomicLong();
    AtomicLong secondToldAt = new AtomicLong();
    CountDownLatch unblock = new CountDownLatch(1);
    // Whichever grant is told first blocks its listener for 3 s, as a slow log appender would.
    first.onLoss(
        r -> {
          firstToldAt.set(System.nanoTime());
          if (secondToldAt.get() == 0) {
            block(unblock);
          }
        });
    second.onLoss(
        r -> {
          secondToldAt.set(System.nanoTime());
          if (firstToldAt.get() == 0) {
            block(unblock);
          }
        });

    // Both grants are lost at once (SUSPENDED loses every grant of the session).
    client.getZookeeperClient().getZooKeeper().getTestable().closeSocket();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> firstToldAt.get() != 0 && secondToldAt.get() != 0);
    unblock.countDown();

    long apartMs = TimeUnit.NANOSECONDS.toMillis(Math.abs(secondToldAt.get() - firstToldAt.get()));
    assertThat(apartMs)
        .as("ms between the two grants' loss listeners, one of which blocks for 3 s")
        .isLessThan(1500);
  }

  @Test
  void slowLogAppenderDelaysNoGrantsLossListener() throws Exception {
    ch.qos.logback.classic.Logger registryLog =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(GrantRegistry.class);
    AtomicBoolean slept = new AtomicBoolean();
    AppenderBase<ILoggingEvent> slow =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            // The first "lost" line takes 3 s to write, as a blocked appender would.
            if (event.getFormattedMessage().contains(" lost: ")
                && slept.compareAndSet(false, true)) {
              try {
                Thread.sleep(3000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    slow.start();
    registryLog.addAppender(slow);
    try {
      CuratorFramework client = zk.client(SESSION);
      SwitchmanEngine engine = engine(client, "host-a");
      Grant first = engine.acquire(lock("first")).grant();
      Grant second = engine.acquire(lock("second")).grant();
      AtomicLong firstToldAt = new AtomicLong();
      AtomicLong secondToldAt = new AtomicLong();
      first.onLoss(r -> firstToldAt.set(System.nanoTime()));
      second.onLoss(r -> secondToldAt.set(System.nanoTime()));

      long cutAt = System.nanoTime();
      client.getZookeeperClient().getZooKeeper().getTestable().closeSocket();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> firstToldAt.get() != 0 && secondToldAt.get() != 0);

      await().atMost(Duration.ofSeconds(10)).untilTrue(slept);
      long lastToldMs =
          TimeUnit.NANOSECONDS.toMillis(Math.max(firstToldAt.get(), secondToldAt.get()) - cutAt);
      assertThat(lastToldMs)
          .as(
              "ms from the disconnect to the last of two grants' loss listeners, the log line of"
                  + " one loss taking 3 s")
          .isLessThan(1500);
    } finally {
      registryLog.detachAppender(slow);
    }
  }

  private static void block(CountDownLatch latch) {
    try {
      latch.await(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
