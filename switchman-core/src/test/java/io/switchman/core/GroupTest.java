/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.SwitchmanException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GroupTest extends EngineTestBase {

  private static ClusterData data(String json) {
    return ClusterData.parse("/switchman", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void plainNestedDeepAndCyclicGroupsResolve() {
    ClusterData d =
        data(
            "{\"groups\": {\"grp1\": [\"host1\", \"host2\"], \"grp2\": \"host1\","
                + " \"all\": [\"grp1\", \"grp2\", \"host3\"], \"deep\": [\"d1\"], \"d1\": [\"d2\"],"
                + " \"d2\": [\"d3\"], \"d3\": [\"host9\"], \"c1\": [\"c2\"], \"c2\": [\"c1\", \"host5\"]}}");
    assertThat(d.isMember("grp1", "host2")).isTrue();
    assertThat(d.isMember("grp2", "host1")).isTrue();
    assertThat(d.isMember("grp2", "host2")).isFalse();
    assertThat(d.isMember("all", "host2")).isTrue();
    assertThat(d.isMember("all", "host3")).isTrue();
    assertThat(d.isMember("deep", "host9")).isTrue();
    assertThat(d.isMember("deep", "host1")).isFalse();
    assertThat(d.isMember("c1", "host5")).isTrue(); // the cycle is cut, not followed forever
    assertThat(d.isMember("c1", "host6")).isFalse();
    assertThat(d.isMember("grp1", "HOST1")).isFalse(); // exact, case-sensitive
    assertThatThrownBy(() -> d.isMember("nope", "host1"))
        .isInstanceOf(SwitchmanException.class)
        .hasMessage(
            "Unknown group 'nope': the prefix znode's data defines the groups"
                + " [grp1, grp2, all, deep, d1, d2, d3, c1, c2]")
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.UNKNOWN_GROUP);
  }

  @Test
  void emptyDataHasNoGroupsAndNoResources() {
    assertThat(data("")).isEqualTo(ClusterData.EMPTY);
    assertThat(ClusterData.parse("/switchman", null)).isEqualTo(ClusterData.EMPTY);
    assertThatThrownBy(() -> ClusterData.EMPTY.isMember("g", "h"))
        .hasMessage("Unknown group 'g': the prefix znode's data defines no groups");
  }

  @Test
  void hostOutsideTheGroupIsSkippedAndUnknownGroupIsAnError() throws Exception {
    clusterData("{\"groups\": {\"web\": [\"web1\", \"web2\"]}}");
    GrantRequest req = GrantRequest.builder("job").group("web").build();
    Acquisition outside = engine("db1").acquire(req);
    assertThat(outside.outcome()).isEqualTo(Outcome.NOT_IN_GROUP);
    assertThat(outside.detail()).isEqualTo("host db1 is not in group 'web'");
    assertThat(engine("web1").acquire(req).outcome()).isEqualTo(Outcome.ACQUIRED);
    assertThatThrownBy(() -> engine("web2").acquire(GrantRequest.builder("j").group("db").build()))
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.UNKNOWN_GROUP);
  }

  @Test
  void hostRemovedFromTheGroupWhileHoldingLosesTheGrant() throws Exception {
    clusterData("{\"groups\": {\"web\": [\"web1\", \"web2\"]}}");
    Grant g = engine("web1").acquire(GrantRequest.builder("job").group("web").build()).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    g.onLoss(reason::set);
    clusterData("{\"groups\": {\"web\": [\"web2\"]}}");
    await().atMost(Duration.ofSeconds(3)).until(() -> reason.get() != null);
    assertThat(reason.get()).isEqualTo(LossReason.LEFT_GROUP);
  }

  @Test
  void invalidClusterDataFailsClosedNamingTheZnodeAndRecoversWhenFixed() throws Exception {
    clusterData("{\"groups\": {\"web\": [\"web1\"]}}");
    SwitchmanEngine e = engine("web1");
    Grant g = e.acquire(GrantRequest.builder("job").group("web").build()).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    g.onLoss(reason::set);

    clusterData("{\"groups\": {\"web\": [\"web1\"]");
    await().atMost(Duration.ofSeconds(3)).until(() -> reason.get() != null);
    assertThat(reason.get()).isEqualTo(LossReason.CLUSTER_DATA_INVALID);
    assertThatThrownBy(() -> e.acquire(lock("other")))
        .isInstanceOf(SwitchmanException.class)
        .hasMessageStartingWith("Invalid cluster data in znode /switchman: it is not valid JSON: ")
        .extracting(x -> ((SwitchmanException) x).kind())
        .isEqualTo(Kind.INVALID_CLUSTER_DATA);

    clusterData("{\"groups\": {\"web\": [\"web1\"]}}");
    await()
        .atMost(Duration.ofSeconds(3))
        .ignoreExceptions()
        .until(() -> e.acquire(lock("other")).outcome() == Outcome.ACQUIRED);
  }

  @Test
  void clusterDataWrittenByTheEngineIsReadBackAndIsSwitchmanCompatible() throws Exception {
    SwitchmanEngine e = engine("web1");
    ClusterData d =
        data(
            "{\"groups\": {\"web\": [\"web1\"], \"one\": \"web2\"}, \"resources\": [\"db\","
                + " \"FQDN_cpu\"], \"capacities\": {\"FQDN_cpu\": \"CPU\"}}");
    e.writeClusterData(d);
    assertThat(engine("other").clusterData()).isEqualTo(d);
    String stored =
        new String(zk.client(SESSION).getData().forPath("/switchman"), StandardCharsets.UTF_8);
    assertThat(stored)
        .isEqualTo(
            "{\"groups\":{\"web\":[\"web1\"],\"one\":[\"web2\"]},\"resources\":[\"db\",\"FQDN_cpu\"],"
                + "\"capacities\":{\"FQDN_cpu\":\"CPU\"}}");
  }

  @Test
  void invalidClusterDataIsNotWritten() throws Exception {
    SwitchmanEngine e = engine("web1");
    ClusterData bad = data("{\"resources\": [\"db\"], \"capacities\": {\"db\": \"CPU+\"}}");
    assertThatThrownBy(() -> e.writeClusterData(bad))
        .hasMessage(
            "Invalid capacity of resource db 'CPU+' (after macro expansion: '4+'): it ends where a number was expected;"
                + " allowed are integers, + - * /, parentheses and int()");
    assertThat(zk.client(SESSION).checkExists().forPath("/switchman")).isNull();
  }
}
