/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fenced store rejects writes of older grants, per key, and logs every verdict. */
class FencedStoreTest {

  @Test
  void rejectsATokenLowerThanOneAcceptedAndLogsEveryWrite(@TempDir Path dir) throws Exception {
    FencedStore store = new FencedStore(dir);
    assertThat(store.highest("payroll")).isEqualTo(Long.MIN_VALUE);
    assertThat(store.write("payroll", 10, "a")).isTrue();
    assertThat(store.write("payroll", 10, "a")).isTrue(); // the same grant writes again
    assertThat(store.write("payroll", 12, "b")).isTrue();
    assertThat(store.write("payroll", 10, "a")).isFalse(); // the old holder, too late
    assertThat(store.write("other", 3, "c")).isTrue(); // keys are independent
    assertThat(store.highest("payroll")).isEqualTo(12);
    // A second store on the same directory (another process) sees the same state.
    assertThat(new FencedStore(dir).write("payroll", 11, "d")).isFalse();

    List<String> log = Files.readAllLines(store.log());
    assertThat(log).hasSize(6);
    assertThat(log.get(3)).endsWith(" store write key=payroll token=10 run=a accepted=false");
  }

  @Test
  void concurrentWritersNeverGetALowerTokenAccepted(@TempDir Path dir) throws Exception {
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      FencedStore store = new FencedStore(dir);
      int offset = w;
      writers.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < 50; i++) {
                    store.write("k", i * 4L + offset, "w" + offset);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
    long last = Long.MIN_VALUE;
    for (String line : Files.readAllLines(dir.resolve("store.log"))) {
      HistoryEvent e = HistoryEvent.parse(line);
      if (Boolean.parseBoolean(e.require("accepted"))) {
        long t = Long.parseLong(e.require("token"));
        assertThat(t).isGreaterThanOrEqualTo(last);
        last = t;
      }
    }
    assertThat(new FencedStore(dir).highest("k")).isEqualTo(last).isGreaterThanOrEqualTo(196);
  }

  @Test
  void aWriterInterruptedMidWriteStillGetsItsWriteDoneAndLogged(@TempDir Path dir)
      throws Exception {
    FencedStore store = new FencedStore(dir);
    Thread.currentThread().interrupt(); // as a job told to stop while it writes
    try {
      assertThat(store.write("payroll", 7, "a")).isTrue();
      assertThat(Thread.currentThread().isInterrupted()).isTrue(); // the interrupt is kept
    } finally {
      Thread.interrupted();
    }
    assertThat(store.highest("payroll")).isEqualTo(7);
    assertThat(Files.readAllLines(store.log()))
        .singleElement()
        .asString()
        .endsWith("accepted=true");
  }
}
