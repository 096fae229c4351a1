/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the schedule reads about processes: whole command lines, process groups, group kills. */
class ChildProcessTest {

  @Test
  void theWholeCommandLineAndTheOwnGroupOfASetsidProcessAreSeenAndTheGroupDiesAtOnce(
      @TempDir Path dir) throws Exception {
    String longArg = "x".repeat(6000); // as a JVM's class path: beyond ProcessHandle's 4096
    ChildProcess p =
        ChildProcess.start(
            "sleeper",
            List.of("setsid", "sh", "-c", "sleep 60 & sleep 60; true", "sh", longArg, "the-marker"),
            dir.resolve("sleeper.log"));
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ChildProcess.commandLine(p.pid()).endsWith("the-marker"));
      assertThat(ProcessHandle.of(p.pid()).flatMap(h -> h.info().commandLine()).orElse(""))
          .as("ProcessHandle's view stops short")
          .doesNotContain("the-marker");
      assertThat(ChildProcess.processGroup(p.pid())).isEqualTo(p.pid());
      long own = ChildProcess.processGroup(ProcessHandle.current().pid());
      assertThat(own).isPositive().isNotEqualTo(p.pid());
      await().atMost(Duration.ofSeconds(10)).until(() -> p.descendants().count() == 2);
      List<ProcessHandle> group = p.descendants().toList();

      assertThat(ChildProcess.signalGroup(p.pid(), "KILL")).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> group.stream().noneMatch(ProcessHandle::isAlive));
      assertThat(ChildProcess.commandLine(p.pid())).isEmpty();
      assertThat(ChildProcess.processGroup(p.pid())).isEqualTo(-1);
    } finally {
      p.close();
    }
    assertThatThrownBy(() -> ChildProcess.signalGroup(1, "KILL"))
        .hasMessage("Invalid process group 1: must be above 1");
  }
}
