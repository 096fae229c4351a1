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
  record Case(
      String input,
      @Nullable String config,
      List<String> args,
      int exit,
      String message,
      List<String> jvm) {
    @Override
    public String toString() {
      return input;
    }

    /** The same case, expecting a second part of the message too. */
    Case withMessage(String more) {
      return new Case(input, config, args, exit, message + "\n" + more, jvm);
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
    for (Map.Entry<String, byte[]> e : BAD_ZNODES.entrySet()) {
      c.create().forPath(e.getKey(), e.getValue());
    }
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
    return new Case(input, config, args, exit, message, List.of());
  }

  /** The config file GOOD with {@code key} set to the JSON value {@code json}. */
  private static String with(String key, String json) {
    return "{\"zkhosts\": \"ZK\", \"prefix\": \"/switchman\", \"session_timeout\": 2000,"
        + " \"fqdn\": \"host-a\", \""
        + key
        + "\": "
        + json
        + "}";
  }

  private static String zkhosts(String value) {
    return "{\"zkhosts\": \"" + value + "\", \"prefix\": \"/switchman\"}";
  }

  private static String prefix(String value) {
    return "{\"zkhosts\": \"ZK\", \"prefix\": \""
        + value
        + "\", \"session_timeout\": 2000, \"fqdn\": \"host-a\"}";
  }

  private static final String ZKHOSTS_RULE =
      "expected comma-separated HOST:PORT servers such as zk1:2181,zk2:2181 (HOST a name, an IPv4"
          + " address or an [IPv6] address; PORT 1 to 65535) (";

  /** Prefix znodes with bad data, written before the cases run. */
  static final Map<String, byte[]> BAD_ZNODES =
      Map.of(
          "/trailing",
          "{\"resources\": [\"db\"]} xyz".getBytes(StandardCharsets.UTF_8),
          "/overlong",
          new byte[] {'{', '"', 'r', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'},
          "/digits",
          "{\"resources\": [\"db\"], \"capacities\": {\"db\": \"\u0662\"}}"
              .getBytes(StandardCharsets.UTF_8),
          "/nested",
          ("{\"resources\": [\"db\"], \"capacities\": {\"db\": \""
                  + "(".repeat(10_000)
                  + "2"
                  + ")".repeat(10_000)
                  + "\"}}")
              .getBytes(StandardCharsets.UTF_8),
          "/large",
          ("{\"resources\": [\"" + "r".repeat(200_000) + "\"]}").getBytes(StandardCharsets.UTF_8));

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
                "NOAUTH"),
            // issue 15: expressions
            c(
                "lease capacity of 10,000 parentheses",
                GOOD,
                List.of("--lease", "db=1:" + "(".repeat(10_000) + "2" + ")".repeat(10_000)),
                64,
                "20001 characters, at most 4096 are allowed"),
            c(
                "lease amount nested 1,000 levels",
                GOOD,
                List.of("--lease", "db=" + "(".repeat(1000) + "1" + ")".repeat(1000) + ":2"),
                64,
                "it nests deeper than 200 levels (parentheses, int( and signs) at position 201"),
            c(
                "lease of 5,000 int(",
                GOOD,
                List.of("--lease", "db=1:" + "int(".repeat(5000) + "2" + ")".repeat(5000)),
                64,
                "25001 characters, at most 4096 are allowed"),
            c(
                "lease of Arabic-Indic digits",
                GOOD,
                List.of("--lease", "db=\u0661:\u0662"),
                64,
                "Invalid amount of lease db '\u0661': unexpected '\u0661' at position 1 (only the"
                    + " ASCII digits 0-9 are numbers)"),
            c(
                "busy exit code of Arabic-Indic digits",
                GOOD,
                List.of("--busy-exit-code", "\u0663"),
                64,
                "Invalid --busy-exit-code \u0663: expected 0 to 255"),
            // durations
            c(
                "wait PT9223372036854775807S",
                GOOD,
                List.of("--wait", "PT9223372036854775807S"),
                64,
                "Invalid --wait 'PT9223372036854775807S': too long, at most 366d (PT8784H) is"
                    + " allowed"),
            c(
                "wait 106751991167d",
                GOOD,
                List.of("--wait", "106751991167d"),
                64,
                "Invalid --wait '106751991167d': too long, at most 366d (PT8784H) is allowed"),
            c(
                "wait 9223372036854775807ms",
                GOOD,
                List.of("--wait", "9223372036854775807ms"),
                64,
                "Invalid --wait '9223372036854775807ms': expected a duration such as 500ms"),
            c(
                "resources_wait_timeout of 400 days",
                with("resources_wait_timeout", "\"400d\""),
                List.of(),
                78,
                "Invalid resources_wait_timeout '400d' in config file"),
            c(
                "termination_timeout of 10^12 seconds",
                with("termination_timeout", "1000000000000"),
                List.of(),
                78,
                "Invalid termination_timeout '1000000000000' in config file"),
            c(
                "session_timeout of Arabic-Indic digits",
                with("session_timeout", "\"\u0661\u0660\u0660\u0660\""),
                List.of(),
                78,
                "Invalid session_timeout '\u0661\u0660\u0660\u0660' in config file"),
            // the config file
            c(
                "config file /dev/zero",
                null,
                List.of("-c", "/dev/zero"),
                78,
                "Config file /dev/zero is larger than 1048576 bytes: not a config file?"),
            c(
                "trailing garbage after the config's JSON",
                GOOD + " xyz",
                List.of(),
                78,
                "is not valid JSON: Unrecognized token 'xyz'"),
            c(
                "a second object after the config's JSON",
                GOOD + " {}",
                List.of(),
                78,
                "is not valid JSON: Trailing token (of type START_OBJECT)"),
            c(
                "logfile with NUL",
                with("logfile", "\"/tmp/a\\u0000b\""),
                List.of(),
                78,
                "Invalid logfile '/tmp/a\\u0000b' in config file"),
            c(
                "fqdn with NUL",
                with("fqdn", "\"host\\u0000a\""),
                List.of(),
                78,
                "Invalid fqdn 'host\\u0000a': character U+0000 at position 4 is not allowed in a"
                    + " host name (no control characters or whitespace)"),
            c(
                "fqdn with a newline",
                with("fqdn", "\"host\\na\""),
                List.of(),
                78,
                "Invalid fqdn 'host\\u000aa': character U+000A at position 4"),
            c(
                "empty group",
                GOOD,
                List.of("-g", ""),
                64,
                "Option '-g' requires a value (--group NAME)"),
            c(
                "empty group with =",
                GOOD,
                List.of("--group="),
                64,
                "Option '--group=' requires a value (--group NAME)"),
            // prefix rules
            c(
                "prefix /zookeeper",
                prefix("/zookeeper"),
                List.of(),
                78,
                "Invalid prefix '/zookeeper': /zookeeper and the znodes under it are ZooKeeper's"
                    + " own"),
            c(
                "prefix under /zookeeper",
                prefix("/zookeeper/config"),
                List.of(),
                78,
                "Invalid prefix '/zookeeper/config': /zookeeper and the znodes under it"),
            c(
                "prefix /",
                prefix("/"),
                List.of(),
                78,
                "Invalid prefix '/': switchman's nodes need a znode of their own"),
            c(
                "prefix of 1,000 levels",
                prefix("/a".repeat(1000)),
                List.of(),
                78,
                "1000 levels, at most 16 are allowed"),
            // zkhosts
            c(
                    "zkhosts with port 99999",
                    zkhosts("127.0.0.1:99999"),
                    List.of(),
                    78,
                    "Invalid zkhosts '127.0.0.1:99999' in config file")
                .withMessage(
                    ZKHOSTS_RULE
                        + "server '127.0.0.1:99999': port 99999 is out of range (1 to"
                        + " 65535))"),
            c(
                "zkhosts :abc",
                zkhosts(":abc"),
                List.of(),
                78,
                ZKHOSTS_RULE + "server ':abc': the host is missing)"),
            c("zkhosts ,,,", zkhosts(",,,"), List.of(), 78, "Invalid zkhosts ',,,' in config file"),
            c(
                "zkhosts http://",
                zkhosts("http://zk1:2181"),
                List.of(),
                78,
                "Invalid zkhosts 'http://zk1:2181' in config file"),
            c(
                "zkhosts 123",
                zkhosts("123"),
                List.of(),
                78,
                "server '123': '123' is a number, not a host name or an IPv4 address (a.b.c.d))"),
            c(
                "zkhosts with a space inside a host",
                zkhosts("zk 1:2181"),
                List.of(),
                78,
                "server 'zk 1:2181': character ' ' at position 3 is not allowed in a host name"),
            // the prefix znode
            c(
                "trailing garbage in the prefix znode",
                prefix("/trailing"),
                List.of("--lease", "db=1:2"),
                255,
                "Invalid cluster data in znode /trailing: it is not valid JSON: Unrecognized token"
                    + " 'xyz'"),
            c(
                "overlong UTF-8 in the prefix znode",
                prefix("/overlong"),
                List.of(),
                255,
                "Invalid cluster data in znode /overlong: it is not valid UTF-8: invalid byte"
                    + " sequence c0 at byte 6 (of 10)"),
            c(
                "capacity of Arabic-Indic digits in the prefix znode",
                prefix("/digits"),
                List.of("--lease", "db=1"),
                255,
                "Invalid cluster data in znode /digits: the \"capacities\" entry for resource db"
                    + " is invalid: Invalid capacity of resource db '\u0662'"),
            c(
                "capacity nested 10,000 levels in the prefix znode",
                prefix("/nested"),
                List.of("--lease", "db=1"),
                255,
                "Invalid cluster data in znode /nested: the \"capacities\" entry for resource db"
                    + " is invalid: Invalid capacity of resource db"),
            new Case(
                "prefix znode above the client's jute.maxbuffer",
                prefix("/large"),
                List.of(),
                255,
                "Invalid cluster data in znode /large: it holds 200019 bytes, too large for this"
                    + " ZooKeeper client, whose jute.maxbuffer allows replies of at most 100000"
                    + " bytes",
                List.of("-Djute.maxbuffer=100000")));
    return cases.stream().map(x -> Arguments.of(x));
  }

  /** Every znode on the server with its kind (ephemeral or not), sorted. */
  private static List<String> tree(String path) throws Exception {
    List<String> out = new ArrayList<>();
    org.apache.zookeeper.data.Stat stat = owner.checkExists().forPath(path);
    if (stat == null) {
      return out;
    }
    out.add(path + (stat.getEphemeralOwner() != 0 ? " (ephemeral)" : ""));
    List<String> children = new ArrayList<>(owner.getChildren().forPath(path));
    children.sort(null);
    for (String child : children) {
      out.addAll(tree(path.equals("/") ? "/" + child : path + "/" + child));
    }
    return out;
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
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(bad.jvm());
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(List.of("-c", config.toString()));
    cmd.addAll(bad.args());
    cmd.addAll(List.of("--", "touch", marker.toString()));
    List<String> before = tree("/");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(bad.input() + ": " + out).isEqualTo(bad.exit());
    for (String part : bad.message().split("\n")) {
      assertThat(out).as(bad.input()).contains(part);
    }
    assertThat(out).as(bad.input() + ": a stack trace").doesNotContain("\tat ", "Exception");
    assertThat(marker).as("the command ran on bad input " + bad.input()).doesNotExist();
    assertThat(tree("/")).as("nodes left or created by " + bad.input()).isEqualTo(before);
  }

  private static Process run(Path dir, List<String> args) throws Exception {
    return run(dir, List.of(), args);
  }

  private static Process run(Path dir, List<String> jvm, List<String> args) throws Exception {
    Path jar =
        Path.of(System.getProperty("switchman.cli.jar", "../switchman-cli/target/switchman.jar"));
    assumeTrue(Files.isRegularFile(jar), "the CLI jar is built by the package phase: " + jar);
    Path config = dir.resolve("switchman.conf");
    Files.writeString(config, GOOD.replace("ZK", server.getConnectString()));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(List.of("-c", config.toString()));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  /** No {@code @file} expansion (picocli did it before issue 14): the words are passed as given. */
  @org.junit.jupiter.api.Test
  void anAtFileArgumentIsPassedLiterally(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("opts"), "--bogus\n");
    Path out = dir.resolve("out");
    Process p =
        run(
            dir,
            List.of(
                "--lockname",
                "@opts",
                "--",
                "/bin/sh",
                "-c",
                "printf '%s %s' \"$SWITCHMAN_LOCKNAME\" \"$1\" > \"$0\"",
                out.toString(),
                "@opts"));
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(Files.readString(out)).isEqualTo("@opts @opts");
  }

  /** A command that cannot be found keeps the shell's 127 (documented in cli.md). */
  @org.junit.jupiter.api.Test
  void aMissingCommandExits127(@TempDir Path dir) throws Exception {
    Process p = run(dir, List.of("--", "/nonexistent/switchman-test-command"));
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isEqualTo(127);
  }

  /** Holder data is whatever a client wrote: --status escapes it instead of printing it raw. */
  @org.junit.jupiter.api.Test
  void statusEscapesBinaryHolderData(@TempDir Path dir) throws Exception {
    String path = "/switchman/locks/binary";
    owner
        .create()
        .creatingParentsIfNeeded()
        .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
        .forPath(
            path,
            new byte[] {
              'h', 0, 0x1b, '[', '3', '1', 'm', '\n', (byte) 0xc2, (byte) 0x9b, ' ', '1'
            });
    try {
      for (boolean json : new boolean[] {false, true}) {
        Process p = run(dir, json ? List.of("--status", "--json") : List.of("--status"));
        byte[] raw = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(raw, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        for (byte b : raw) {
          assertThat(b == '\n' || b == '\r' || (b >= 0x20 && b < 0x7f))
              .as("a raw byte 0x%02x in the output of --status: %s", b & 0xff, out)
              .isTrue();
        }
        assertThat(out)
            .contains(
                json ? "h\\u0000\\u001B[31m\\n\\u009B 1" : "h\\u0000\\u001b[31m\\u000a\\u009b 1");
      }
    } finally {
      owner.delete().forPath(path);
    }
  }

  /**
   * A server that accepts TCP connections and never answers (a hung ensemble), with the largest
   * session_timeout: the run fails within the connection wait (at most 30 s), not after a day.
   */
  @org.junit.jupiter.api.Test
  void aSilentEnsembleFailsWithinTheConnectionWait(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      String hosts = "127.0.0.1:" + silent.getLocalPort();
      Path config = dir.resolve("silent.conf");
      Files.writeString(
          config,
          "{\"zkhosts\": \""
              + hosts
              + "\", \"prefix\": \"/switchman\", \"session_timeout\": 86400000}");
      Path marker = dir.resolve("ran");
      Process p = run(dir, List.of("-c", config.toString(), "--", "touch", marker.toString()));
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("still waiting after 90 s").isTrue();
      assertThat(p.exitValue()).as(out).isEqualTo(69);
      assertThat(out)
          .contains(
              "ZooKeeper at "
                  + hosts
                  + " is unreachable: no connection within 30s; nothing"
                  + " was run");
      assertThat(marker).doesNotExist();
    }
  }

  /** --status of a prefix znode above jute.maxbuffer: shown as too large, not "unreachable". */
  @org.junit.jupiter.api.Test
  void statusOfATooLargePrefixZnodeSaysSo(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("large.conf");
    Files.writeString(config, prefix("/large").replace("ZK", server.getConnectString()));
    Process p =
        run(dir, List.of("-Djute.maxbuffer=100000"), List.of("-c", config.toString(), "--status"));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains(
            "cluster data: (not shown: it holds 200019 bytes, too large for this ZooKeeper client,"
                + " whose jute.maxbuffer allows replies of at most 100000 bytes");
  }
}
