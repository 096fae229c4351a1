/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged sample, processed ahead of time by {@code spring-boot:process-aot}, starts with
 * {@code -Dspring.aot.enabled=true} and runs a guarded job: the starter works in AOT mode.
 */
class SampleApplicationAotIT {

  @Test
  void aotProcessingShouldRecordTheStartersRuntimeHints() throws Exception {
    String metadata = System.getProperty("sample.aot-metadata");
    assertThat(metadata).as("system property sample.aot-metadata").isNotNull();
    assertThat(Files.readString(Path.of(metadata)))
        .contains("io.switchman.annotation.SwitchmanLock")
        .contains("org.apache.zookeeper.ClientCnxnSocketNIO");
  }

  @Test
  void sampleShouldStartInAotModeAndRunAGuardedJob() throws Exception {
    String jar = System.getProperty("sample.jar");
    assertThat(jar).as("system property sample.jar (set by the failsafe plugin)").isNotNull();
    assertThat(new File(jar)).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process app =
        new ProcessBuilder(
                java,
                "-Dspring.aot.enabled=true",
                "-jar",
                jar,
                "--switchman.embedded.port=0",
                "--server.port=0",
                "--switchman.host=aot1",
                "--spring.main.banner-mode=off")
            .redirectErrorStream(true)
            .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline
          && app.isAlive()
          && lines.stream()
              .noneMatch(l -> l.contains("[singleton] aot1 writes the cluster-wide"))) {
        Thread.sleep(100);
      }
      String log = String.join("\n", lines);
      assertThat(log)
          .as("output of the sample in AOT mode")
          .contains("Starting AOT-processed SampleApplication")
          .contains("[singleton] aot1 writes the cluster-wide report (fencing token ")
          .doesNotContain("APPLICATION FAILED TO START");
    } finally {
      app.destroy();
      if (!app.waitFor(30, TimeUnit.SECONDS)) {
        app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
