/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchman.core.internal.ConnectStrings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts that need no ZooKeeper: config parsing, command words, stop budget. */
class CliUnitTest {

  @TempDir Path dir;

  private CliConfig load(String json) throws Exception {
    Path p = dir.resolve("c.conf");
    Files.writeString(p, json);
    return CliConfig.load(p);
  }

  @Test
  void configDefaultsAreSwitchmans() throws Exception {
    CliConfig c = load("{\"zkhosts\": \"zk1:2181,zk2:2181\", \"prefix\": \"/switchman\"}");
    assertThat(c.terminationTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.dataReadLen()).isEqualTo(65535);
    assertThat(c.resourcesWaitTimeout()).isZero();
    assertThat(c.sessionTimeoutMs()).isEqualTo(10000);
    assertThat(c.logLevel()).isEqualTo(CliLog.Level.INFO);
    assertThat(c.logFile()).isNull();
    assertThat(c.auth()).isNull();
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void configOverridesAndForms() throws Exception {
    CliConfig c =
        load(
            "{\"zkhosts\": \"zk\", \"prefix\": \"/p\", \"termination_timeout\": \"0.5\","
                + " \"resources_wait_timeout\": \"2m\", \"data_read_len\": \"100\","
                + " \"session_timeout\": 4000, \"loglevel\": \"warning\", \"logfile\":"
                + " \"/tmp/x.log\", \"auth\": \"digest:u:p\", \"fqdn\": \"h\", \"extra\": 1}");
    assertThat(c.terminationTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.resourcesWaitTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.dataReadLen()).isEqualTo(100);
    assertThat(c.sessionTimeoutMs()).isEqualTo(4000);
    assertThat(c.logLevel()).isEqualTo(CliLog.Level.WARN);
    assertThat(c.logFile()).isEqualTo(Path.of("/tmp/x.log"));
    assertThat(c.auth()).isEqualTo("u:p");
    assertThat(c.fqdn()).isEqualTo("h");
    assertThat(c.warnings()).singleElement().asString().contains("Unknown key 'extra'");
  }

  @Test
  void configErrorsNameKeyAndValue() {
    assertThatThrownBy(() -> load("{\"prefix\": \"/p\"}"))
        .hasMessageContaining("Missing required key 'zkhosts'");
    assertThatThrownBy(() -> load("{\"zkhosts\": \"zk\"}"))
        .hasMessageContaining("Missing required key 'prefix'");
    assertThatThrownBy(() -> load("{\"zkhosts\": \"zk\", \"prefix\": \"/p\", \"loglevel\": \"x\"}"))
        .hasMessageContaining("Invalid loglevel 'x'")
        .hasMessageContaining("debug, info");
    assertThatThrownBy(
            () -> load("{\"zkhosts\": \"zk\", \"prefix\": \"/p\", \"termination_timeout\": -1}"))
        .hasMessageContaining("Invalid termination_timeout '-1'");
    assertThatThrownBy(
            () -> load("{\"zkhosts\": \"zk\", \"prefix\": \"/p\", \"session_timeout\": 1.5}"))
        .hasMessageContaining("Invalid session_timeout '1.5'");
    assertThatThrownBy(() -> load("{\"zkhosts\": \"zk\", \"prefix\": \"/p\", \"auth\": \"u\"}"))
        .hasMessageContaining("Invalid auth")
        .hasMessageContaining("user:password");
    assertThatThrownBy(() -> load("[1]")).hasMessageContaining("must hold a JSON object");
  }

  @Test
  void logLevelsOfSwitchman() {
    assertThat(CliLog.parse("notice")).isEqualTo(CliLog.Level.INFO);
    assertThat(CliLog.parse("CRITICAL")).isEqualTo(CliLog.Level.ERROR);
    assertThat(CliLog.parse("debug")).isEqualTo(CliLog.Level.DEBUG);
    assertThat(CliLog.parse("loud")).isNull();
  }

  @Test
  void lockNameIsTheBasenameOfTheCommand() {
    assertThat(JobSpec.basename("/usr/local/bin/backup")).isEqualTo("backup");
    assertThat(JobSpec.basename("backup")).isEqualTo("backup");
    assertThat(JobSpec.basename("dir/sub/")).isEqualTo("sub");
  }

  @Test
  void commandWordsAsPerlsExec() {
    assertThat(JobSpec.argv(List.of("ls", "-l"))).containsExactly("ls", "-l");
    assertThat(JobSpec.argv(List.of("ls -l  /tmp"))).containsExactly("ls", "-l", "/tmp");
    assertThat(JobSpec.argv(List.of("a > b"))).containsExactly("/bin/sh", "-c", "a > b");
    assertThat(JobSpec.argv(List.of("echo $HOME"))).containsExactly("/bin/sh", "-c", "echo $HOME");
  }

  @Test
  void stopBudgetFitsTheSession() {
    // The budget (stop time + margin) fits at most S/4: 5 s + 500 ms needs S >= 22 s.
    StopBudget fits = StopBudget.of(22000, Duration.ofSeconds(5));
    assertThat(fits.killDelayMs()).isEqualTo(5000);
    assertThat(fits.stopBudget()).isEqualTo(Duration.ofMillis(5500));
    assertThat(fits.warning()).isEmpty();

    StopBudget oneShort = StopBudget.of(21900, Duration.ofSeconds(5));
    assertThat(oneShort.killDelayMs()).isEqualTo(4975);
    assertThat(oneShort.warning()).get().asString().contains("at least 22000 ms");

    // The CLI's defaults (session_timeout 10 s, termination_timeout 10 s): 2.5 s - 500 ms.
    StopBudget capped = StopBudget.of(10000, Duration.ofSeconds(10));
    assertThat(capped.killDelayMs()).isEqualTo(2000);
    assertThat(capped.stopBudget().toMillis() * 4).isLessThanOrEqualTo(10000);
    assertThat(capped.warning())
        .get()
        .asString()
        .contains("termination_timeout 10s does not fit")
        .contains("SIGKILL 2000 ms after SIGTERM")
        .contains("at least 42000 ms");

    StopBudget small = StopBudget.of(2000, Duration.ofSeconds(1));
    assertThat(small.killDelayMs()).isEqualTo(300);
    assertThat(small.marginMs()).isEqualTo(200);
    assertThat(small.stopBudget().toMillis() * 4).isLessThanOrEqualTo(2000);
  }

  @Test
  void configFileErrorWhenUnreadable() throws IOException {
    Path d = Files.createDirectory(dir.resolve("adir"));
    assertThatThrownBy(() -> CliConfig.load(d)).hasMessageContaining("Cannot read config file");
  }

  @Test
  void commentsAndTrailingCommasStayAcceptedButNothingAfterTheObject() throws Exception {
    CliConfig c =
        load(
            "# hash\n{\"zkhosts\": \"zk:2181\", // slash\n \"prefix\": \"/p\",}\n"
                + "// a comment after the object\n/* and a block */\n");
    assertThat(c.prefix()).isEqualTo("/p");
    assertThatThrownBy(() -> load("{\"zkhosts\": \"zk:2181\", \"prefix\": \"/p\"} xyz"))
        .hasMessageContaining("is not valid JSON: Unrecognized token 'xyz'");
    assertThatThrownBy(() -> load("{\"zkhosts\": \"zk:2181\", \"prefix\": \"/p\"} {}"))
        .hasMessageContaining("is not valid JSON: Trailing token (of type START_OBJECT)");
  }

  @Test
  void wellFormedZkhostsAreAccepted() {
    for (String ok :
        List.of(
            "zk1:2181,zk2:2181,zk3:2181",
            "localhost",
            "127.0.0.1:2181",
            "[::1]:2181",
            "[fe80::1%eth0]:2181".replace("%eth0", ""),
            " zk1:2181 , zk-2.example.com:2182 ",
            "zk_1.internal:65535")) {
      assertThat(ConnectStrings.problem(ok)).as(ok).isNull();
    }
    assertThat(ConnectStrings.problem("127.0.0.1:99999")).contains("port 99999 is out of range");
    assertThat(ConnectStrings.problem(":abc")).contains("the host is missing");
    assertThat(ConnectStrings.problem(",,,")).isEqualTo("server 1 of 4 is empty");
    assertThat(ConnectStrings.problem("123")).contains("'123' is a number");
    assertThat(ConnectStrings.problem("1.2.3.400")).contains("is not an IPv4 address");
    assertThat(ConnectStrings.problem("::1")).contains("in brackets");
    assertThat(ConnectStrings.problem("zk1:\u0662\u0661"))
        .contains("is not a number from 1 to 65535");
  }
}
