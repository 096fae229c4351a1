/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.ClusterData;
import io.switchman.core.GrantRequest;
import io.switchman.core.LeaseRequest;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.core.internal.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * {@code switchman --cds-training} (hidden): loads the classes of a typical run without a ZooKeeper
 * server, so that the launcher can dump a class-data sharing archive of them ({@code
 * -XX:ArchiveClassesAtExit}) at install or on first use. It parses a command line and a config,
 * starts a client against a closed loopback port, asks the engine for a lock (which fails as
 * unreachable), parses cluster data, runs {@code true} and loads the classes a granted run needs.
 */
final class CdsTraining {

  /** Classes of the happy path that the failing acquire does not reach. */
  private static final List<String> CLASSES =
      List.of(
          "io.switchman.core.Acquirer",
          "io.switchman.core.Attempt",
          "io.switchman.core.LockQueue",
          "io.switchman.core.LeaseQueue",
          "io.switchman.core.GrantRegistry",
          "io.switchman.core.GrantRelease",
          "io.switchman.core.RequestPlan$Resolved",
          "io.switchman.core.StopReason",
          "io.switchman.core.ZkGrant",
          "io.switchman.core.ClusterDataCache",
          "io.switchman.core.ClusterDataCache$Snapshot",
          "io.switchman.core.ClusterData",
          "io.switchman.core.Layout",
          "io.switchman.core.internal.LeaseExpression",
          "io.switchman.core.StatusReader",
          "io.switchman.core.ClusterStatus",
          "io.switchman.core.Acquisition",
          "io.switchman.core.Acquisition$Outcome",
          "io.switchman.core.LossReason",
          "io.switchman.cli.JobRunner",
          "io.switchman.cli.Watchdog",
          "io.switchman.cli.StopBudget",
          "io.switchman.cli.Signals",
          "io.switchman.cli.StatusPrinter",
          "org.apache.zookeeper.ZooKeeper$States",
          "org.apache.zookeeper.proto.CreateRequest",
          "org.apache.zookeeper.proto.CreateResponse",
          "org.apache.zookeeper.proto.Create2Response",
          "org.apache.zookeeper.proto.ExistsRequest",
          "org.apache.zookeeper.proto.GetDataRequest",
          "org.apache.zookeeper.proto.GetDataResponse",
          "org.apache.zookeeper.proto.GetChildrenRequest",
          "org.apache.zookeeper.proto.DeleteRequest",
          "org.apache.zookeeper.proto.SetWatches",
          "org.apache.zookeeper.proto.WatcherEvent",
          "org.apache.zookeeper.data.Stat",
          "org.apache.zookeeper.KeeperException$NodeExistsException",
          "org.apache.zookeeper.KeeperException$NoNodeException",
          "org.apache.zookeeper.WatchedEvent",
          "org.apache.zookeeper.Watcher$Event$EventType",
          "org.apache.zookeeper.Watcher$Event$KeeperState",
          "java.lang.ProcessBuilder$Redirect",
          "java.lang.ProcessHandleImpl",
          // the rest of a granted run (issue 16: -Xlog:class+load of one)
          "io.switchman.core.CuratorClients",
          "io.switchman.core.CuratorClients$Builder",
          "org.apache.curator.retry.ExponentialBackoffRetry",
          "org.apache.zookeeper.proto.ConnectRequest",
          "org.apache.jute.BinaryOutputArchive",
          "org.apache.jute.BinaryInputArchive",
          "org.apache.jute.Index",
          "org.apache.zookeeper.proto.ConnectResponse",
          "org.apache.curator.ConnectionState$1",
          "org.apache.curator.drivers.EventTrace",
          "org.apache.curator.drivers.AdvancedTracerDriver",
          "org.apache.curator.drivers.OperationTrace",
          "org.apache.curator.TimeTrace",
          "org.apache.curator.framework.imps.GetConfigBuilderImpl$2",
          "org.apache.curator.framework.imps.NamespaceWatcher",
          "org.apache.curator.shaded.com.google.common.base.ExtraObjectsMethodsForWeb",
          "org.apache.curator.shaded.com.google.common.base.Objects",
          "org.apache.zookeeper.ClientCnxn$LocalCallback",
          "org.apache.zookeeper.proto.ExistsResponse",
          "org.apache.zookeeper.proto.SetDataResponse",
          "org.apache.zookeeper.proto.SetACLResponse",
          "io.switchman.core.HostFacts$Resolver",
          "org.apache.zookeeper.common.PathUtils",
          "io.switchman.core.SafetyMonitor$LeaderContact",
          "org.apache.zookeeper.CreateMode",
          "org.apache.zookeeper.server.EphemeralType",
          "org.apache.zookeeper.server.EphemeralType$1",
          "io.switchman.core.ZkGrant$State",
          "org.apache.zookeeper.AsyncCallback$StatCallback",
          "io.switchman.core.ZkGrant$1",
          "io.switchman.cli.Watchdog$Finish",
          "org.apache.zookeeper.AsyncCallback$VoidCallback",
          "org.apache.zookeeper.server.watch.PathParentIterator",
          "io.switchman.core.SafetyMonitor$1",
          "io.switchman.core.GrantRelease$1",
          "org.apache.curator.framework.api.BackgroundPathableQuietlyable",
          "org.apache.curator.framework.api.RemoveWatchesLocal",
          "org.apache.curator.framework.api.RemoveWatchesType",
          "org.apache.curator.framework.api.ErrorListenerPathable",
          "org.apache.curator.framework.imps.RemoveWatchesBuilderImpl",
          "org.apache.curator.framework.imps.OperationAndData$ErrorCallback",
          "org.apache.curator.framework.imps.RemoveWatchesBuilderImpl$1",
          "org.apache.curator.framework.imps.RemoveWatchesBuilderImpl$3",
          "org.apache.zookeeper.WatchDeregistration",
          "org.apache.zookeeper.proto.CheckWatchesRequest");

  private CdsTraining() {}

  static int run() {
    CliLog.setLevel(CliLog.Level.ERROR);
    try {
      SwitchmanCli o =
          SwitchmanCli.parse(
              new String[] {
                "-c",
                "/nonexistent",
                "-g",
                "g",
                "--lease",
                "R=1:2",
                "--wait",
                "1s",
                "x",
                "--busy",
                "0"
              },
              false);
      o.busyExitCode();
      JobSpec.of(o);
      Path cfg = Files.createTempFile("switchman-cds", ".conf");
      try {
        Files.writeString(
            cfg,
            "{\"zkhosts\":\"127.0.0.1:1\",\"prefix\":\"/switchman\",\"termination_timeout\":1,"
                + "\"session_timeout\":2000,\"loglevel\":\"info\"}",
            StandardCharsets.UTF_8);
        CliConfig.load(cfg);
      } finally {
        Files.deleteIfExists(cfg);
      }
      // Cluster data, as most prefix znodes hold (the object mapper is made for it only)
      ClusterData.parse(
          "/switchman",
          "{\"groups\":{\"g\":[\"training.invalid\"]},\"resources\":[\"R\"],\"capacities\":{\"R\":\"2\"}}"
              .getBytes(StandardCharsets.UTF_8));
      StopBudget.of(10000, Duration.ofSeconds(10)).warning();
      CliLog.log(CliLog.Level.DEBUG, Durations.format(Duration.ofSeconds(1)));
      acquireUnreachable();
      new ProcessBuilder("true").inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException
        | CliConfig.ConfigException
        | GetoptArgs.UsageException
        | RuntimeException e) {
      // training only: whatever failed, the classes it loaded are recorded
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (String name : CLASSES) {
      try {
        Class.forName(name, false, CdsTraining.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // renamed in a newer version: not archived, still works
      }
    }
    return ExitCodes.OK;
  }

  private static void acquireUnreachable() throws InterruptedException {
    DeferredSslContext.install();
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString("127.0.0.1:1")
            .sessionTimeoutMs(2000)
            .connectionTimeoutMs(300)
            .retryPolicy(new RetryOneTime(10))
            .build();
    client.start();
    try (SwitchmanEngine engine =
        SwitchmanEngine.builder(client)
            .prefix("/switchman")
            .host(LocalHost.facts("training.invalid"))
            .stopBudget(Duration.ofMillis(500))
            .operationTimeout(Duration.ofMillis(300))
            .build()) {
      engine.acquire(
          GrantRequest.builder("x").lease(LeaseRequest.parse("R=1:CPU")).group("g").build());
    } catch (SwitchmanException e) {
      // unreachable, as intended
    } finally {
      client.close();
    }
  }
}
