/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.SwitchmanException.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;

/**
 * The rules the core owns for both adapters: the request plan, the stop budget, the client and ACL
 * policy, the "unreachable" message, stop reasons and outcomes. No ZooKeeper is needed for any.
 */
class AdapterRulesTest {

  private static final HostFacts HOST = new HostFacts("web1.example.com", 8, 16384);

  @Test
  void requestPlanExpandsChecksAndKeepsTheRequestOrder() {
    GrantRequest request =
        GrantRequest.builder("job")
            .lease("FQDN_cpu", "int(CPU/2)", "CPU")
            .lease("db", "1", null)
            .build();
    RequestPlan plan = RequestPlan.of(request, HOST);
    assertThat(plan.leases())
        .containsExactly(
            new RequestPlan.Lease("FQDN_cpu", "web1.example.com_cpu", 4, 8L),
            new RequestPlan.Lease("db", "db", 1, null));
    assertThat(plan.leasesWithoutCapacity())
        .extracting(RequestPlan.Lease::resource)
        .containsExactly("db");
  }

  @Test
  void requestPlanRejectsATwiceLeasedResourceAndALeaseThatCanNeverBeGranted() {
    GrantRequest twice =
        GrantRequest.builder("job")
            .lease("FQDN_db", "1", "5")
            .lease("web1.example.com_db", "2", "5")
            .build();
    assertThatThrownBy(() -> RequestPlan.of(twice, HOST))
        .hasMessage("Resource web1.example.com_db is leased twice in request 'job'")
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.INVALID_ARGUMENT);
    GrantRequest tooMuch = GrantRequest.builder("job").lease("db", "CPU", "4").build();
    assertThatThrownBy(() -> RequestPlan.of(tooMuch, HOST))
        .hasMessage("Lease of 8 units of resource db can never be granted: its capacity is 4")
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.AMOUNT_ABOVE_CAPACITY);
  }

  @Test
  void capacitiesAreLookedUpByRequestedNameThenByExpandedName() {
    assertThat(RequestPlan.capacityFrom(Map.of("FQDN_cpu", "CPU"), "FQDN_cpu", "x", HOST))
        .isEqualTo("CPU");
    assertThat(
            RequestPlan.capacityFrom(
                Map.of("FQDN_cpu", "CPU"), "web1.example.com_cpu", "web1.example.com_cpu", HOST))
        .isEqualTo("CPU");
    assertThat(RequestPlan.capacityFrom(Map.of("other", "1"), "db", "db", HOST)).isNull();
  }

  @Test
  void stopBudgetIsStopTimePlusAMarginAndFitsAQuarterOfTheSession() {
    StopBudget fits = StopBudget.of(30000, Duration.ofSeconds(5));
    assertThat(fits.margin()).isEqualTo(Duration.ofMillis(500));
    assertThat(fits.budget()).isEqualTo(Duration.ofMillis(5500));
    assertThat(fits.fits()).isTrue();
    assertThat(StopBudget.of(20000, Duration.ofSeconds(5)).fits()).isFalse(); // 5.5 s > S/4

    StopBudget tooLong = StopBudget.of(10000, Duration.ofSeconds(10));
    assertThat(tooLong.fits()).isFalse();
    assertThat(tooLong.capped().stopTime()).isEqualTo(Duration.ofMillis(2000));
    assertThat(tooLong.capped().budget()).isEqualTo(Duration.ofMillis(2500));
    assertThat(tooLong.minimumSessionTimeout()).isEqualTo(Duration.ofMillis(42000));

    StopBudget small = StopBudget.of(2000, Duration.ofSeconds(1));
    assertThat(small.margin()).isEqualTo(Duration.ofMillis(200));
    assertThat(small.capped().stopTime()).isEqualTo(Duration.ofMillis(300));
    assertThat(StopBudget.margin(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(100));

    assertThat(StopBudget.warning(Duration.ofMillis(750), Duration.ofMillis(3000))).isEmpty();
    assertThat(StopBudget.warning(Duration.ofMillis(751), Duration.ofMillis(3000)))
        .get()
        .asString()
        .startsWith(
            "The stop budget of 751 ms does not fit the negotiated session timeout of 3000 ms:"
                + " at most 750 ms (S/4)");
  }

  @Test
  void onASingleServerTheStopBudgetFitsHalfTheSession() {
    StopBudget fits = StopBudget.of(20000, Duration.ofSeconds(5), true);
    assertThat(fits.fitDivisor()).isEqualTo(2);
    assertThat(fits.fits()).as("5.5 s <= S/2").isTrue();

    StopBudget tooLong = StopBudget.of(10000, Duration.ofSeconds(10), true);
    assertThat(tooLong.fits()).isFalse();
    assertThat(tooLong.capped().stopTime()).isEqualTo(Duration.ofMillis(4500));
    assertThat(tooLong.capped().budget()).isEqualTo(Duration.ofMillis(5000));
    assertThat(tooLong.capped().singleServer()).isTrue();
    assertThat(tooLong.minimumSessionTimeout()).isEqualTo(Duration.ofMillis(21000));
    assertThat(StopBudget.of(2000, Duration.ofSeconds(10), true).capped().stopTime())
        .isEqualTo(Duration.ofMillis(800));

    assertThat(StopBudget.warning(Duration.ofMillis(1500), Duration.ofMillis(3000), true))
        .isEmpty();
    assertThat(StopBudget.warning(Duration.ofMillis(1501), Duration.ofMillis(3000), true))
        .get()
        .asString()
        .startsWith(
            "The stop budget of 1501 ms does not fit the negotiated session timeout of 3000 ms:"
                + " at most 1500 ms (S/2 on a single server)");
  }

  @Test
  void oneAclPolicyAndClientChecks() {
    assertThat(CuratorClients.acl(false)).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    assertThat(CuratorClients.acl(true))
        .containsExactly(
            new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    CuratorClients.Builder b = CuratorClients.builder("127.0.0.1:2181");
    assertThat(b.acl()).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    assertThat(b.authorization("digest", "user:secret").acl()).isEqualTo(CuratorClients.acl(true));
    assertThatThrownBy(() -> CuratorClients.builder("h:1").authorization("digest", "nocolon"))
        .hasMessage("Invalid digest credentials: expected 'user:password'");
    assertThatThrownBy(() -> CuratorClients.builder("h:1").sessionTimeout(Duration.ZERO))
        .hasMessageStartingWith("Invalid session timeout PT0S: must be positive");
  }

  @Test
  void unreachableIsOneMessage() {
    SwitchmanException e = SwitchmanException.unreachable("h1:2181", Duration.ofMillis(800));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessage("ZooKeeper at h1:2181 is unreachable: no connection within 800ms");
  }

  @Test
  void stopReasonsAreTheLossReasonsPlusTwo() {
    for (LossReason r : LossReason.values()) {
      assertThat(StopReason.of(r).isLoss()).isTrue();
      assertThat(StopReason.of(r).lossReason()).isEqualTo(r);
    }
    assertThat(StopReason.values()).hasSize(LossReason.values().length + 2);
    assertThat(StopReason.MAX_DURATION.isLoss()).isFalse();
    assertThat(StopReason.SHUTDOWN.isLoss()).isFalse();
    assertThatThrownBy(StopReason.MAX_DURATION::lossReason)
        .hasMessage("MAX_DURATION is not a loss");
  }

  @Test
  void outcomesCarryTheMetricTag() {
    assertThat(List.of(Outcome.values()))
        .extracting(Outcome::tag)
        .containsExactly(
            "acquired", "busy", "paused", "not-in-group", "timeout", "timeout", "error");
    assertThat(Outcome.LEASE_TIMEOUT.isTimeout()).isTrue();
    assertThat(Outcome.BUSY.isTimeout()).isFalse();
    assertThatThrownBy(() -> new Acquisition(Outcome.ERROR, null, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
