/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built artifacts, after {@code package}: {@code target/switchman.jar} is self-contained and
 * the {@code target/switchman} launcher runs it (and makes its class-data sharing archive).
 */
class SwitchmanJarIT extends CliTestSupport {

  private static final Path TARGET = Path.of("target").toAbsolutePath();

  private Cli launch(List<String> command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("SWITCHMAN_CDS", dir.resolve("cds/switchman.jsa").toString());
    return new Cli(pb.start(), dir.resolve("out.txt"), dir.resolve("err.txt"));
  }

  @Test
  void theShadedJarRunsAJobUnderALock() throws Exception {
    Path jar = TARGET.resolve("switchman.jar");
    assertThat(jar).exists();
    Cli c =
        launch(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "-c",
                config.toString(),
                "--lockname",
                "jar",
                "--",
                "sh",
                "-c",
                "echo $SWITCHMAN_LOCKNAME > ran"));
    assertThat(c.exitCode()).as(c.stderr()).isZero();
    assertThat(read(file("ran")).trim()).isEqualTo("jar");
    assertThat(c.stderr()).isEmpty();
  }

  @Test
  void theShadedJarWritesClusterDataAndRunsUnderAGroupAndALeaseAndPrintsJsonStatus()
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = TARGET.resolve("switchman.jar").toString();
    Files.writeString(
        file("cluster.json"),
        "{\"groups\": {\"all\": [\"" + HOST + "\"]}, \"resources\": [\"R\"]}");
    Cli write =
        launch(
            List.of(
                java,
                "-jar",
                jar,
                "-c",
                config.toString(),
                "--write-cluster-data",
                "cluster.json"));
    assertThat(write.exitCode()).as(write.stderr()).isZero();

    Cli job =
        launch(
            List.of(
                java,
                "-jar",
                jar,
                "-c",
                config.toString(),
                "-g",
                "all",
                "--lease",
                "R=1:2",
                "--lockname",
                "leased",
                "--",
                "sh",
                "-c",
                "$0 -jar $1 -c $2 --status --json > status.json",
                java,
                jar,
                config.toString()));
    assertThat(job.exitCode()).as(job.stderr()).isZero();
    assertThat(read(file("status.json")))
        .contains("\"name\" : \"leased\"")
        .contains("\"R\" : [ {")
        .contains("\"amount\" : 1");
  }

  @Test
  void theLauncherRunsTheJarWithAClassDataSharingArchive() throws Exception {
    Path launcher = TARGET.resolve("switchman");
    assertThat(Files.isExecutable(launcher)).isTrue();
    Cli c =
        launch(
            List.of(launcher.toString(), "-c", config.toString(), "--", "touch", "via-launcher"));
    assertThat(c.exitCode()).as(c.stderr()).isZero();
    assertThat(file("via-launcher")).exists();
    assertThat(dir.resolve("cds/switchman.jsa")).isNotEmptyFile();

    Cli status = launch(List.of(launcher.toString(), "-c", config.toString(), "--status"));
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.stdout()).contains("prefix " + prefix);
  }
}
