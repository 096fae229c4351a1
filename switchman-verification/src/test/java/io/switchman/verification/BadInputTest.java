/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.switchman.core.Acquisition;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.LeaseRequest;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.core.SwitchmanException.Kind;
import io.switchman.core.internal.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, table-driven, against a real server: each input gives its own clear error (kind and
 * message naming the value and what is allowed), and the guarded job never runs: nothing is
 * granted, and no node is left behind.
 */
class BadInputTest {

  private static final String PREFIX = "/switchman";
  private static final String GOOD_DATA =
      "{\"groups\":{\"workers\":[\"host-a\"]},\"resources\":[\"db\",\"FQDN_cpu\"]}";

  private static TestingServer server;
  private static CuratorFramework admin;
  private static SwitchmanEngine engine;
  private static final List<AutoCloseable> closeables = new ArrayList<>();
  private static final AtomicInteger jobsRun = new AtomicInteger();

  /** What a case does: usually serves a request; throws what the user would see. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  record Case(String input, Action action, Kind kind, String message) {
    @Override
    public String toString() {
      return input;
    }
  }

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true);
    admin = client(server.getConnectString(), null);
    engine =
        SwitchmanEngine.builder(admin)
            .prefix(PREFIX)
            .host(new HostFacts("host-a", 4, 8192))
            .operationTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stopServer() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    engine.close();
    admin.close();
    server.close();
  }

  static CuratorFramework client(String connect, @Nullable String auth)
      throws InterruptedException {
    CuratorFrameworkFactory.Builder b =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(3000)
            .connectionTimeoutMs(1000)
            .retryPolicy(new RetryNTimes(1, 100));
    if (auth != null) {
      b.authorization("digest", auth.getBytes(StandardCharsets.UTF_8));
    }
    CuratorFramework c = b.build();
    c.start();
    c.blockUntilConnected(2, TimeUnit.SECONDS);
    return c;
  }

  @BeforeEach
  void goodClusterData() throws Exception {
    setData(GOOD_DATA);
  }

  private static void setData(String json) throws Exception {
    setData(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void setData(byte[] bytes) throws Exception {
    if (admin.checkExists().forPath(PREFIX) == null) {
      admin.create().creatingParentsIfNeeded().forPath(PREFIX, bytes);
    } else {
      admin.setData().forPath(PREFIX, bytes);
    }
  }

  /** The guarded job: runs only when the engine grants everything the request asks. */
  private static void guarded(SwitchmanEngine e, GrantRequest r) throws InterruptedException {
    Acquisition a = e.acquire(r);
    if (a.acquired()) {
      jobsRun.incrementAndGet();
      a.grant().release();
    }
  }

  private static void guarded(GrantRequest.Builder r) throws InterruptedException {
    guarded(engine, r.build());
  }

  private static Action lease(String spec) {
    return () -> guarded(GrantRequest.builder("job").lease(LeaseRequest.parse(spec)));
  }

  private static Action withData(String json, Action then) {
    return () -> {
      setData(json);
      // the engine re-reads the data when its watch fires
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> catchThrowable(engine::clusterData) instanceof SwitchmanException);
      then.run();
    };
  }

  /** Cluster data that parses, but whose capacities are bad: wait until the engine has it. */
  private static Action withCapacities(String json, Action then) {
    return () -> {
      setData(json);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !engine.clusterData().capacities().isEmpty());
      then.run();
    };
  }

  private static Action withBytes(byte[] data, Action then) {
    return () -> {
      setData(data);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> catchThrowable(engine::clusterData) instanceof SwitchmanException);
      then.run();
    };
  }

  private static Action prefix(String prefix) {
    return () -> {
      try (SwitchmanEngine e = SwitchmanEngine.builder(admin).prefix(prefix).build()) {
        guarded(e, GrantRequest.builder("job").build());
      }
    };
  }

  private static byte[] bytes(String before, int[] raw, String after) {
    byte[] a = before.getBytes(StandardCharsets.UTF_8);
    byte[] c = after.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[a.length + raw.length + c.length];
    System.arraycopy(a, 0, out, 0, a.length);
    for (int i = 0; i < raw.length; i++) {
      out[a.length + i] = (byte) raw[i];
    }
    System.arraycopy(c, 0, out, a.length + raw.length, c.length);
    return out;
  }

  private static Case c(String input, Action action, Kind kind, String message) {
    return new Case(input, action, kind, message);
  }

  static Stream<Arguments> cases() {
    String longName = "x".repeat(600);
    List<Case> cases =
        List.of(
            // names
            c(
                "lock name with /",
                () -> guarded(GrantRequest.builder("a/b")),
                Kind.INVALID_ARGUMENT,
                "Invalid lock name 'a/b': '/' is not allowed (it must be one znode name)"),
            c(
                "lock name ..",
                () -> guarded(GrantRequest.builder("..")),
                Kind.INVALID_ARGUMENT,
                "Invalid lock name '..': '.' and '..' are not allowed"),
            c(
                "lock name of 600 characters",
                () -> guarded(GrantRequest.builder(longName)),
                Kind.INVALID_ARGUMENT,
                "600 characters, at most 512 are allowed"),
            c(
                "lock name with a control character",
                () -> guarded(GrantRequest.builder("job\u0007")),
                Kind.INVALID_ARGUMENT,
                "Invalid lock name 'job\\u0007': character U+0007 at position 3 is not allowed"),
            c(
                "empty lock name",
                () -> guarded(GrantRequest.builder("")),
                Kind.INVALID_ARGUMENT,
                "Invalid lock name '': must not be empty"),
            c(
                "resource name with /",
                lease("a/b=1:2"),
                Kind.INVALID_ARGUMENT,
                "Invalid resource name 'a/b': '/' is not allowed"),
            c(
                "resource name ..",
                lease("..=1:2"),
                Kind.INVALID_ARGUMENT,
                "Invalid resource name '..': '.' and '..' are not allowed"),
            c(
                "resource name with a newline",
                lease("d\nb=1:2"),
                Kind.INVALID_ARGUMENT,
                "character U+000A at position 1 is not allowed"),
            // leases
            c(
                "amount 0",
                lease("db=0:2"),
                Kind.INVALID_ARGUMENT,
                "Invalid amount 0 for resource db: must be at least 1"),
            c(
                "negative amount",
                lease("db=-1:2"),
                Kind.INVALID_ARGUMENT,
                "Invalid amount -1 for resource db: must be at least 1"),
            c(
                "amount above capacity",
                lease("db=3:2"),
                Kind.AMOUNT_ABOVE_CAPACITY,
                "Lease of 3 units of resource db can never be granted: its capacity is 2"),
            c("non-numeric amount", lease("db=lots:2"), Kind.INVALID_ARGUMENT, "lots"),
            c("non-numeric capacity", lease("db=1:many"), Kind.INVALID_ARGUMENT, "many"),
            c(
                "capacity 0",
                lease("db=1:0"),
                Kind.INVALID_ARGUMENT,
                "Invalid capacity 0 for resource db: must be at least 1"),
            c(
                "division by zero in an amount",
                lease("db=1/0:2"),
                Kind.INVALID_ARGUMENT,
                "division by zero"),
            c(
                "lease without =",
                lease("db"),
                Kind.INVALID_ARGUMENT,
                "Invalid lease 'db': expected RESOURCE=COUNT:TOTAL"),
            c(
                "lease with an empty capacity",
                lease("db=1:"),
                Kind.INVALID_ARGUMENT,
                "Invalid lease 'db=1:': expected RESOURCE=COUNT:TOTAL"),
            c(
                "unknown resource",
                lease("nosuch=1:2"),
                Kind.UNKNOWN_RESOURCE,
                "Unknown resources [nosuch]: the \"resources\" of znode /switchman list [db,"
                    + " host-a_cpu]"),
            c(
                "lease without a capacity anywhere",
                lease("db=1"),
                Kind.CAPACITY_UNKNOWN,
                "No capacity for resource 'db'"),
            c(
                "same resource twice",
                () ->
                    guarded(
                        GrantRequest.builder("job").lease("db", "1", "2").lease("db", "1", "2")),
                Kind.INVALID_ARGUMENT,
                "Resource db is leased twice in request 'job'"),
            // groups and requests
            c(
                "unknown group",
                () -> guarded(GrantRequest.builder("job").group("nosuch")),
                Kind.UNKNOWN_GROUP,
                "Unknown group 'nosuch': the prefix znode's data defines the groups [workers]"),
            c(
                "negative lock wait",
                () -> guarded(GrantRequest.builder("job").lockWait(Duration.ofSeconds(-1))),
                Kind.INVALID_ARGUMENT,
                "Wait durations must not be negative"),
            c(
                "neither lock nor lease",
                () -> guarded(GrantRequest.builder("job").lock(false)),
                Kind.INVALID_ARGUMENT,
                "takes neither the lock nor a lease: nothing to guard"),
            c(
                "duration with an unknown unit",
                () -> Durations.parse("lockWait", "10 parsecs"),
                Kind.INVALID_ARGUMENT,
                "Invalid lockWait '10 parsecs': expected a duration such as 500ms, 10s"),
            c(
                "negative duration",
                () -> Durations.parse("lockWait", "-PT5S"),
                Kind.INVALID_ARGUMENT,
                "Invalid lockWait '-PT5S': must not be negative"),
            // the prefix znode's JSON
            c(
                "malformed JSON",
                withData("{\"groups\": ", () -> guarded(GrantRequest.builder("job"))),
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: it is not valid JSON"),
            c(
                "JSON array at the root",
                withData("[1,2]", () -> guarded(GrantRequest.builder("job"))),
                Kind.INVALID_CLUSTER_DATA,
                "expected a JSON object, found an array"),
            c(
                "resources of the wrong type",
                withData("{\"resources\": \"db\"}", lease("db=1:2")),
                Kind.INVALID_CLUSTER_DATA,
                "\"resources\" must be an array of strings, found a string"),
            c(
                "resource that is a number",
                withData("{\"resources\": [\"db\", 7]}", lease("db=1:2")),
                Kind.INVALID_CLUSTER_DATA,
                "\"resources\" item 1 must be a string, found a number (7)"),
            c(
                "group of the wrong type",
                withData(
                    "{\"groups\": {\"workers\": 5}}",
                    () -> guarded(GrantRequest.builder("job").group("workers"))),
                Kind.INVALID_CLUSTER_DATA,
                "group \"workers\" must be a string or an array of strings, found a number (5)"),
            c(
                "capacity that is a boolean",
                withData(
                    "{\"resources\": [\"db\"], \"capacities\": {\"db\": true}}", lease("db=1")),
                Kind.INVALID_CLUSTER_DATA,
                "capacity of \"db\" must be an integer or an expression string, found a boolean"),
            // the cluster
            c(
                "unreachable ZooKeeper",
                BadInputTest::unreachable,
                Kind.UNAVAILABLE,
                "is unreachable: no connection within"),
            c(
                "wrong digest credentials",
                BadInputTest::wrongCredentials,
                Kind.UNAVAILABLE,
                "NOAUTH"),
            c("totals mismatch", BadInputTest::totalsMismatch, Kind.TOTALS_MISMATCH, "db"),
            // issue 15: bounded expressions (1,000 levels worked before, 10,000 overflowed)
            c(
                "capacity nested 1,000 levels",
                lease("db=1:" + "(".repeat(1000) + "2" + ")".repeat(1000)),
                Kind.INVALID_ARGUMENT,
                "it nests deeper than 200 levels (parentheses, int( and signs) at position 201"),
            c(
                "capacity of 10,000 parentheses",
                lease("db=1:" + "(".repeat(10000) + "2" + ")".repeat(10000)),
                Kind.INVALID_ARGUMENT,
                "20001 characters, at most 4096 are allowed"),
            c(
                "amount of 5,000 int(",
                lease("db=" + "int(".repeat(5000) + "1" + ")".repeat(5000) + ":2"),
                Kind.INVALID_ARGUMENT,
                "25001 characters, at most 4096 are allowed"),
            c(
                "amount of 50,000 unary minus",
                lease("db=" + "-".repeat(50000) + "1:2"),
                Kind.INVALID_ARGUMENT,
                "50001 characters, at most 4096 are allowed"),
            c(
                "amount of 300 unary minus",
                lease("db=" + "-".repeat(300) + "1:2"),
                Kind.INVALID_ARGUMENT,
                "it nests deeper than 200 levels"),
            c(
                "non-ASCII digits in a lease",
                lease("db=\u0661:\u0662"),
                Kind.INVALID_ARGUMENT,
                "Invalid amount of lease db '\u0661': unexpected '\u0661' at position 1 (only the"
                    + " ASCII digits 0-9 are numbers)"),
            // bounded durations
            c(
                "wait PT9223372036854775807S",
                () -> Durations.parse("--wait", "PT9223372036854775807S"),
                Kind.INVALID_ARGUMENT,
                "Invalid --wait 'PT9223372036854775807S': too long, at most 366d (PT8784H) is"
                    + " allowed"),
            c(
                "wait 106751991167d",
                () -> Durations.parse("--wait", "106751991167d"),
                Kind.INVALID_ARGUMENT,
                "Invalid --wait '106751991167d': too long, at most 366d"),
            c(
                "maxDuration 367d",
                () -> Durations.parse("maxDuration", "367d"),
                Kind.INVALID_ARGUMENT,
                "Invalid maxDuration '367d': too long, at most 366d"),
            c(
                "wait with Arabic-Indic digits",
                () -> Durations.parse("--wait", "\u0665s"),
                Kind.INVALID_ARGUMENT,
                "Invalid --wait '\u0665s': expected a duration such as 500ms"),
            // prefix rules
            c(
                "prefix /zookeeper",
                prefix("/zookeeper"),
                Kind.INVALID_ARGUMENT,
                "Invalid prefix '/zookeeper': /zookeeper and the znodes under it are ZooKeeper's"
                    + " own"),
            c(
                "prefix under /zookeeper",
                prefix("/zookeeper/quota/switchman"),
                Kind.INVALID_ARGUMENT,
                "Invalid prefix '/zookeeper/quota/switchman': /zookeeper and the znodes under it"),
            c(
                "prefix /",
                prefix("/"),
                Kind.INVALID_ARGUMENT,
                "Invalid prefix '/': switchman's nodes need a znode of their own"),
            c(
                "prefix of 1,000 levels",
                prefix("/a".repeat(1000)),
                Kind.INVALID_ARGUMENT,
                "1000 levels, at most 16 are allowed"),
            c(
                "prefix of 2,000 characters",
                prefix("/" + "p".repeat(2000)),
                Kind.INVALID_ARGUMENT,
                "2001 characters, at most 1024 are allowed"),
            // the prefix znode: trailing garbage, one UTF-8 policy, capacities, size
            c(
                "trailing garbage after the znode's JSON",
                withData(GOOD_DATA + " xyz", () -> guarded(GrantRequest.builder("job"))),
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: it is not valid JSON: Unrecognized token"
                    + " 'xyz'"),
            c(
                "a second JSON object in the znode",
                withData(GOOD_DATA + " {}", () -> guarded(GrantRequest.builder("job"))),
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: it is not valid JSON: Trailing token"),
            c(
                "overlong UTF-8 in the znode",
                withBytes(
                    bytes("{\"groups\":{\"g\":[\"", new int[] {0xc0, 0xaf}, "\"]}}"),
                    () -> guarded(GrantRequest.builder("job"))),
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: it is not valid UTF-8: invalid byte"
                    + " sequence c0 at byte 17"),
            c(
                "invalid UTF-8 byte in the znode",
                withBytes(
                    bytes("{\"groups\":{\"g\":[\"", new int[] {0xff}, "\"]}}"),
                    () -> guarded(GrantRequest.builder("job"))),
                Kind.INVALID_CLUSTER_DATA,
                "it is not valid UTF-8: invalid byte sequence ff at byte 17"),
            c(
                "capacity of Arabic-Indic digits in the znode",
                withCapacities(
                    "{\"resources\":[\"db\"],\"capacities\":{\"db\":\"\u0662\"}}", lease("db=1")),
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: the \"capacities\" entry for resource"
                    + " db is invalid: Invalid capacity of resource db '\u0662': unexpected"
                    + " '\u0662' at position 1 (only the ASCII digits 0-9 are numbers)"),
            c(
                "capacity nested 10,000 levels in the znode",
                withCapacities(
                    "{\"resources\":[\"db\"],\"capacities\":{\"db\":\""
                        + "(".repeat(10000)
                        + "2"
                        + ")".repeat(10000)
                        + "\"}}",
                    lease("db=1")),
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: the \"capacities\" entry for resource"
                    + " db is invalid: Invalid capacity of resource db"),
            c(
                "capacity 0 in the znode",
                withCapacities("{\"resources\":[\"db\"],\"capacities\":{\"db\":0}}", lease("db=1")),
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: the \"capacities\" entry for resource"
                    + " db is invalid: Invalid capacity 0 for resource db: must be at least 1"),
            c(
                "znode above the client's jute.maxbuffer",
                BadInputTest::tooLarge,
                Kind.INVALID_CLUSTER_DATA,
                "Invalid cluster data in znode /switchman: it holds 200018 bytes, too large for"
                    + " this ZooKeeper client, whose jute.maxbuffer allows replies of at most 100000"
                    + " bytes"));
    return cases.stream().map(x -> Arguments.of(x));
  }

  private static void unreachable() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString("127.0.0.1:" + port)
            .sessionTimeoutMs(3000)
            .connectionTimeoutMs(500)
            .retryPolicy(new RetryNTimes(1, 100))
            .build();
    c.start();
    try (c;
        SwitchmanEngine e =
            SwitchmanEngine.builder(c).operationTimeout(Duration.ofSeconds(1)).build()) {
      guarded(e, GrantRequest.builder("job").build());
    }
  }

  /** A client whose jute.maxbuffer (100000 bytes) is below the znode's 200 KB. */
  private static void tooLarge() throws Exception {
    setData("{\"resources\":[\"" + "r".repeat(200_000) + "\"]}");
    org.apache.zookeeper.client.ZKClientConfig config =
        new org.apache.zookeeper.client.ZKClientConfig();
    config.setProperty("jute.maxbuffer", "100000");
    CuratorFramework small =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(3000)
            .connectionTimeoutMs(2000)
            .zkClientConfig(config)
            .retryPolicy(new RetryNTimes(1, 100))
            .build();
    small.start();
    try (small;
        SwitchmanEngine e =
            SwitchmanEngine.builder(small)
                .prefix(PREFIX)
                .operationTimeout(Duration.ofSeconds(5))
                .build()) {
      guarded(e, GrantRequest.builder("job").build());
    }
  }

  private static void wrongCredentials() throws Exception {
    CuratorFramework owner = client(server.getConnectString(), "ops:secret");
    SwitchmanEngine secured =
        SwitchmanEngine.builder(owner)
            .prefix("/secured/switchman")
            .acl(ZooDefs.Ids.CREATOR_ALL_ACL)
            .host(new HostFacts("host-a", 4, 8192))
            .build();
    closeables.add(0, owner);
    closeables.add(0, secured);
    secured.writeClusterData(io.switchman.core.ClusterData.EMPTY);
    CuratorFramework intruder = client(server.getConnectString(), "ops:wrong");
    try (intruder;
        SwitchmanEngine e =
            SwitchmanEngine.builder(intruder)
                .prefix("/secured/switchman")
                .operationTimeout(Duration.ofSeconds(2))
                .build()) {
      guarded(e, GrantRequest.builder("job").build());
    }
  }

  private static void totalsMismatch() throws Exception {
    CuratorFramework other = client(server.getConnectString(), null);
    try (other;
        SwitchmanEngine e = SwitchmanEngine.builder(other).prefix(PREFIX).build()) {
      Acquisition held =
          e.acquire(GrantRequest.builder("holder").lock(false).lease("db", "1", "2").build());
      assertThat(held.acquired()).isTrue();
      try {
        guarded(
            GrantRequest.builder("job")
                .lock(false)
                .lease("db", "1", "3")
                .leaseWait(Duration.ofSeconds(2)));
      } finally {
        held.grant().release();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachBadInputGivesItsClearErrorAndNoJobRuns(Case bad) throws Exception {
    int before = jobsRun.get();
    Throwable thrown = catchThrowable(() -> bad.action().run());
    assertThat(thrown).as(bad.input()).isInstanceOf(SwitchmanException.class);
    SwitchmanException e = (SwitchmanException) thrown;
    assertThat(e.kind()).as(bad.input() + ": " + e.getMessage()).isEqualTo(bad.kind());
    assertThat(e.getMessage()).as(bad.input()).contains(bad.message());
    assertThat(jobsRun.get()).as("a job ran on bad input " + bad.input()).isEqualTo(before);
    assertThat(ephemerals(PREFIX)).as("nodes left by " + bad.input()).isEmpty();
    for (String never :
        List.of("/locks", "/queues", "/zookeeper/locks", "/zookeeper/quota/switchman", "/a")) {
      assertThat(admin.checkExists().forPath(never))
          .as(never + " created by " + bad.input())
          .isNull();
    }
  }

  @Test
  void thereAreAtLeast55BadInputs() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(55);
  }

  private static List<String> ephemerals(String path) throws Exception {
    List<String> out = new ArrayList<>();
    Stat stat = admin.checkExists().forPath(path);
    if (stat == null) {
      return out;
    }
    if (stat.getEphemeralOwner() != 0) {
      out.add(path);
    }
    for (String child : admin.getChildren().forPath(path)) {
      out.addAll(ephemerals(path + "/" + child));
    }
    return out;
  }
}
