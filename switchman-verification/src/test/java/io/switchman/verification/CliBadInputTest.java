/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchman.core.ClusterData;
import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooDefs;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad command-line arguments and config files of the {@code switchman} tool (its built jar, as a
 * process, against a real server): each gives its exit code and one clear line naming the value,
 * and the command never runs.
 */
class CliBadInputTest {

  private static @Nullable TestingServer server;
  private static @Nullable CuratorFramework owner;
  private static @Nullable SwitchmanEngine secured;

  /**
   * One bad input.
   *
   * @param input what is wrong
   * @param config the config file's JSON ({@code ZK} is replaced by the server), or null for none
   * @param args the arguments before {@code -- touch MARKER}
   * @param exit the expected exit code
   * @param message a part of the expected error line
   */
  record Case(String input, @Nullable String config, List<String> args, int exit, String message) {
    @Override
    public String toString() {
      return input;
    }
  }

  private static final String GOOD =
      "{\"zkhosts\": \"ZK\", \"prefix\": \"/switchman\", \"session_timeout\": 2000,"
          + " \"fqdn\": \"host-a\"}";

  @BeforeAll
  static void startServer() throws Exception {
    TestingServer s =
        new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true);
    server = s;
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(s.getConnectString())
            .authorization("digest", "ops:secret".getBytes(StandardCharsets.UTF_8))
            .retryPolicy(new RetryNTimes(3, 100))
            .build();
    c.start();
    c.blockUntilConnected(10, TimeUnit.SECONDS);
    owner = c;
    try (SwitchmanEngine open = SwitchmanEngine.builder(c).prefix("/switchman").build()) {
      open.writeClusterData(
          new ClusterData(Map.of("workers", List.of("host-a")), List.of("db"), Map.of()));
    }
    secured =
        SwitchmanEngine.builder(c)
            .prefix("/secured")
            .acl(ZooDefs.Ids.CREATOR_ALL_ACL)
            .host(new HostFacts("host-a", 2, 1024))
            .build();
    secured.writeClusterData(ClusterData.EMPTY);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (secured != null) {
      secured.close();
    }
    if (owner != null) {
      owner.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Case c(
      String input, @Nullable String config, List<String> args, int exit, String message) {
    return new Case(input, config, args, exit, message);
  }

  static Stream<Arguments> cases() {
    String x600 = "x".repeat(600);
    List<Case> cases =
        List.of(
            c("unknown option", GOOD, List.of("--bogus"), 64, "Unknown option: '--bogus'"),
            c(
                "lock name with /",
                GOOD,
                List.of("--lockname", "a/b"),
                64,
                "Invalid lock name 'a/b': '/' is not allowed"),
            c(
                "lock name of 600 characters",
                GOOD,
                List.of("--lockname", x600),
                64,
                "600 characters, at most 512 are allowed"),
            c(
                "lock name ..",
                GOOD,
                List.of("--lockname", ".."),
                64,
                "Invalid lock name '..': '.' and '..' are not allowed"),
            c(
                "wait with an unknown unit",
                GOOD,
                List.of("--wait", "10parsecs"),
                64,
                "Invalid --wait '10parsecs': expected a duration such as 500ms"),
            c(
                "busy exit code above 255",
                GOOD,
                List.of("--busy-exit-code", "300"),
                64,
                "Invalid --busy-exit-code 300: expected 0 to 255"),
            c(
                "lease amount 0",
                GOOD,
                List.of("--lease", "db=0:2"),
                64,
                "Invalid amount 0 for resource db: must be at least 1"),
            c("non-numeric lease amount", GOOD, List.of("--lease", "db=lots:2"), 64, "lots"),
            c(
                "lease above capacity",
                GOOD,
                List.of("--lease", "db=3:2"),
                255,
                "Lease of 3 units of resource db can never be granted: its capacity is 2"),
            c(
                "unknown resource",
                GOOD,
                List.of("--lease", "nosuch=1:2"),
                255,
                "Unknown resources [nosuch]"),
            c("unknown group", GOOD, List.of("-g", "nosuch"), 255, "Unknown group 'nosuch'"),
            c("missing config file", null, List.of(), 78, "does not exist"),
            c("malformed config JSON", "{\"zkhosts\": ", List.of(), 78, "is not valid JSON"),
            c(
                "config without zkhosts",
                "{\"prefix\": \"/switchman\"}",
                List.of(),
                78,
                "Missing required key 'zkhosts'"),
            c(
                "non-numeric termination_timeout",
                "{\"zkhosts\": \"ZK\", \"prefix\": \"/switchman\", \"termination_timeout\": \"abc\"}",
                List.of(),
                78,
                "Invalid termination_timeout 'abc'"),
            c(
                "negative session_timeout",
                "{\"zkhosts\": \"ZK\", \"prefix\": \"/switchman\", \"session_timeout\": \"-5\"}",
                List.of(),
                78,
                "Invalid session_timeout '-5'"),
            c(
                "relative prefix",
                "{\"zkhosts\": \"ZK\", \"prefix\": \"switchman\", \"session_timeout\": 2000}",
                List.of(),
                78,
                "Invalid prefix 'switchman'"),
            c(
                "unreachable ZooKeeper",
                "{\"zkhosts\": \"127.0.0.1:1\", \"prefix\": \"/switchman\", \"session_timeout\": 1000}",
                List.of(),
                69,
                "is unreachable"),
            c(
                "wrong digest credentials",
                "{\"zkhosts\": \"ZK\", \"prefix\": \"/secured\", \"session_timeout\": 2000,"
                    + " \"auth\": \"ops:wrong\"}",
                List.of(),
                69,
                "NOAUTH"));
    return cases.stream().map(x -> Arguments.of(x));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachBadInputGivesItsExitCodeAndClearLineAndTheCommandNeverRuns(Case bad, @TempDir Path dir)
      throws Exception {
    Path jar =
        Path.of(System.getProperty("switchman.cli.jar", "../switchman-cli/target/switchman.jar"));
    assumeTrue(Files.isRegularFile(jar), "the CLI jar is built by the package phase: " + jar);
    Path config = dir.resolve("switchman.conf");
    if (bad.config() != null) {
      Files.writeString(config, bad.config().replace("ZK", server.getConnectString()));
    }
    Path marker = dir.resolve("ran");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString()));
    cmd.addAll(List.of("-c", config.toString()));
    cmd.addAll(bad.args());
    cmd.addAll(List.of("--", "touch", marker.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(bad.input() + ": " + out).isEqualTo(bad.exit());
    assertThat(out).as(bad.input()).contains(bad.message());
    assertThat(marker).as("the command ran on bad input " + bad.input()).doesNotExist();
  }
}
