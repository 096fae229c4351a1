/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.testing.ZooKeeperServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Bad properties and annotation attributes (issue 15), table-driven against a real server: each
 * stops the application at startup with one {@link SwitchmanConfigurationException} naming the
 * value, the guarded method never runs, and no znode is created or left.
 */
class SwitchmanBadInputTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  static final AtomicInteger runs = new AtomicInteger();
  private static CuratorFramework admin;

  /**
   * One bad input.
   *
   * @param input what is wrong
   * @param properties the properties that make it so (annotation attributes come from the {@code
   *     t.*} placeholders of {@link Job})
   * @param message a part of the expected startup failure's message
   */
  record Case(String input, List<String> properties, String message) {
    @Override
    public String toString() {
      return input;
    }
  }

  /** Every attribute comes from a property, so that one bean covers the whole table. */
  static class Job {
    @SwitchmanLock(
        name = "${t.name:bad-input-job}",
        waitFor = "${t.wait:0s}",
        holdAtLeast = "${t.hold:0s}",
        maxDuration = "${t.max:}",
        group = "${t.group:}")
    @SwitchmanLease(resource = "${t.resource:db}", capacity = "${t.capacity:2}")
    public void run() {
      runs.incrementAndGet();
    }
  }

  @BeforeAll
  static void connect() throws Exception {
    admin =
        CuratorFrameworkFactory.builder()
            .connectString(zk.server().getConnectString())
            .retryPolicy(new RetryNTimes(3, 100))
            .build();
    admin.start();
    admin.blockUntilConnected(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  private static Case c(String input, String message, String... properties) {
    return new Case(input, List.of(properties), message);
  }

  static Stream<Arguments> cases() {
    String deep = "(".repeat(1000) + "2" + ")".repeat(1000);
    return Stream.of(
            // properties
            c(
                "switchman.prefix /zookeeper",
                "Invalid switchman.prefix: Invalid prefix '/zookeeper': /zookeeper and the znodes"
                    + " under it are ZooKeeper's own",
                "switchman.prefix=/zookeeper"),
            c(
                "switchman.prefix /",
                "Invalid switchman.prefix: Invalid prefix '/': switchman's nodes need a znode of"
                    + " their own",
                "switchman.prefix=/"),
            c(
                "switchman.prefix of 1,000 levels",
                "1000 levels, at most 16 are allowed",
                "switchman.prefix=" + "/a".repeat(1000)),
            c(
                "switchman.connect-string with port 99999",
                "Invalid switchman.connect-string '127.0.0.1:99999': expected comma-separated"
                    + " HOST:PORT servers",
                "switchman.connect-string=127.0.0.1:99999"),
            c(
                "switchman.connect-string ,,,",
                "Invalid switchman.connect-string ',,,/chroot': expected comma-separated",
                "switchman.connect-string=,,,/chroot"),
            c(
                "switchman.connect-string http://",
                "(no scheme such as http:// is allowed)",
                "switchman.connect-string=http://zk1:2181"),
            c(
                "switchman.host with NUL",
                "Invalid switchman.host 'a\\u0000b': character U+0000 at position 1 is not allowed"
                    + " in a host name",
                "switchman.host=a\u0000b"),
            c(
                "switchman.host with a newline",
                "Invalid switchman.host 'a\\u000ab': character U+000A at position 1",
                "switchman.host=a\nb"),
            c(
                "switchman.connection-timeout of 400 days",
                "Invalid switchman.connection-timeout PT9600H: too long, at most 366d (PT8784H)",
                "switchman.connection-timeout=400d"),
            c(
                "switchman.session-timeout of 30 days",
                "Invalid switchman.session-timeout PT720H: too long",
                "switchman.session-timeout=30d"),
            c(
                "switchman.capacities nested 1,000 levels",
                "it nests deeper than 200 levels",
                "t.capacity=",
                "switchman.capacities.db=" + deep),
            c(
                "switchman.capacities of Arabic-Indic digits",
                "(only the ASCII digits 0-9 are numbers)",
                "t.capacity=",
                "switchman.capacities.db=\u0662"),
            // annotation attributes
            c(
                "waitFor PT9223372036854775807S",
                "Invalid waitFor 'PT9223372036854775807S': too long, at most 366d (PT8784H) is"
                    + " allowed",
                "t.wait=PT9223372036854775807S"),
            c(
                "waitFor 106751991167d",
                "Invalid waitFor '106751991167d': too long, at most 366d",
                "t.wait=106751991167d"),
            c(
                "holdAtLeast 9999999d",
                "Invalid holdAtLeast '9999999d': too long, at most 366d",
                "t.hold=9999999d"),
            c(
                "maxDuration PT9223372036854775807S",
                "Invalid maxDuration 'PT9223372036854775807S': too long, at most 366d",
                "t.max=PT9223372036854775807S"),
            c(
                "waitFor with Arabic-Indic digits",
                "Invalid waitFor '\u0665s': expected a duration such as 500ms",
                "t.wait=\u0665s"),
            c(
                "capacity of 10,000 parentheses",
                "20001 characters, at most 4096 are allowed",
                "t.capacity=" + "(".repeat(10_000) + "2" + ")".repeat(10_000)),
            c(
                "capacity nested 1,000 levels",
                "Invalid capacity of resource db '((((",
                "t.capacity=" + deep),
            c(
                "capacity of Arabic-Indic digits",
                "Invalid capacity of resource db '\u0662': unexpected '\u0662' at position 1 (only"
                    + " the ASCII digits 0-9 are numbers)",
                "t.capacity=\u0662"),
            c(
                "lock name with a control character",
                "Invalid lock name 'a\\u0007b': character U+0007 at position 1 is not allowed",
                "t.name=a\u0007b"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachBadInputStopsTheStartNamingTheValueAndNothingRuns(Case bad) throws Exception {
    List<String> before = tree("/");
    int ran = runs.get();
    List<String> props = new ArrayList<>();
    props.add("switchman.connect-string=" + zk.server().getConnectString());
    props.add("switchman.prefix=/bad-input");
    props.add("switchman.connection-timeout=2s");
    props.add("switchman.session-timeout=4s");
    props.add("switchman.stop-timeout=1s");
    props.addAll(bad.properties());
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
        .withPropertyValues(props.toArray(String[]::new))
        .withBean(Job.class)
        .run(
            context -> {
              assertThat(context).as(bad.input()).hasFailed();
              Throwable root = context.getStartupFailure();
              while (root.getCause() != null
                  && !(root instanceof SwitchmanConfigurationException)) {
                root = root.getCause();
              }
              assertThat(root).as(bad.input()).isInstanceOf(SwitchmanConfigurationException.class);
              assertThat(root.getMessage()).as(bad.input()).contains(bad.message());
            });
    assertThat(runs.get()).as("the method ran on bad input " + bad.input()).isEqualTo(ran);
    assertThat(tree("/")).as("nodes created or left by " + bad.input()).isEqualTo(before);
  }

  private static List<String> tree(String path) throws Exception {
    List<String> out = new ArrayList<>();
    Stat stat = admin.checkExists().forPath(path);
    if (stat == null) {
      return out;
    }
    out.add(path + (stat.getEphemeralOwner() != 0 ? " (ephemeral)" : ""));
    List<String> children = new ArrayList<>(admin.getChildren().forPath(path));
    children.sort(null);
    for (String child : children) {
      out.addAll(tree(path.equals("/") ? "/" + child : path + "/" + child));
    }
    return out;
  }
}
