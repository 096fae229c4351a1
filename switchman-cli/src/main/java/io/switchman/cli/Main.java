/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.ClusterData;
import io.switchman.core.Durations;
import io.switchman.core.GrantRequest;
import io.switchman.core.LeaseRequest;
import io.switchman.core.Names;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * {@code switchman [OPTIONS] [--] CMD [ARGS]}: parses the command line and the config file,
 * connects to ZooKeeper and hands over to {@link JobRunner}, or prints the status, or writes the
 * cluster data.
 */
public final class Main {

  private Main() {}

  /**
   * Initializes the ZooKeeper client's configuration classes (they pull in Netty's SSL classes,
   * about 80 ms) on a second thread while the main thread parses the command line and the config.
   * The main thread joins it before it connects, so no class is initialized by both at once.
   */
  private static final Thread WARM_UP =
      new Thread(
          () -> {
            try {
              new ZKClientConfig();
              CuratorFrameworkFactory.builder();
            } catch (RuntimeException | LinkageError e) {
              // the main thread will meet the same problem and report it
            }
          },
          "switchman-warm-up");

  public static void main(String[] args) {
    if (args.length > 0 && !args[0].startsWith("-h") && !args[0].startsWith("--h")) {
      WARM_UP.setDaemon(true);
      WARM_UP.start();
    }
    int code;
    try {
      code = run(args);
    } catch (RuntimeException | Error e) {
      CliLog.error("Internal error: " + e);
      e.printStackTrace();
      code = ExitCodes.ERROR;
    }
    CliLog.timing("exiting");
    CliLog.close();
    System.out.flush();
    System.exit(code);
  }

  /** Runs the tool and returns its exit code. */
  static int run(String[] args) {
    SwitchmanCli o = new SwitchmanCli();
    CommandLine cl = SwitchmanCli.commandLine(o);
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return usage(e.getMessage());
    }
    if (cl.isUsageHelpRequested()) {
      cl.usage(System.out);
      return ExitCodes.OK;
    }
    if (cl.isVersionHelpRequested()) {
      System.out.println(SwitchmanCli.VERSION);
      return ExitCodes.OK;
    }
    if (o.cdsTraining) {
      return CdsTraining.run(cl);
    }
    boolean job = !o.status && o.writeClusterData == null;
    if (o.status && o.writeClusterData != null) {
      return usage("--status and --write-cluster-data cannot be used together");
    }
    if (!job && !o.command.isEmpty()) {
      return usage(
          (o.status ? "--status" : "--write-cluster-data")
              + " takes no command, found '"
              + String.join(" ", o.command)
              + "'");
    }
    if (o.json && !o.status) {
      return usage("--json only applies to --status");
    }
    if (o.busyExitCode < 0 || o.busyExitCode > 255) {
      return usage("Invalid --busy-exit-code " + o.busyExitCode + ": expected 0 to 255");
    }
    JobSpec spec = null;
    if (job) {
      if (o.command.isEmpty()) {
        return usage("No command given: switchman [OPTIONS] [--] CMD [ARGS]");
      }
      try {
        spec = JobSpec.of(o);
      } catch (SwitchmanException e) {
        return usage(e.getMessage());
      }
    }
    CliConfig cfg;
    try {
      cfg = CliConfig.load(Path.of(o.config));
    } catch (CliConfig.ConfigException e) {
      CliLog.error(e.getMessage());
      return ExitCodes.CONFIG;
    }
    CliLog.setLevel(cfg.logLevel());
    if (cfg.logFile() != null) {
      try {
        CliLog.openFile(cfg.logFile());
      } catch (IOException | RuntimeException e) {
        CliLog.error(
            "Cannot append to logfile " + cfg.logFile() + " (config " + o.config + "): " + e);
        return ExitCodes.CONFIG;
      }
    }
    cfg.warnings().forEach(CliLog::warn);
    CliLog.timing("config read");
    if (job) {
      return JobRunner.run(cfg, spec, o.busyExitCode);
    }
    byte[] clusterData = null;
    if (o.writeClusterData != null) {
      try {
        clusterData =
            o.writeClusterData.equals("-")
                ? System.in.readAllBytes()
                : Files.readAllBytes(Path.of(o.writeClusterData));
      } catch (IOException e) {
        return usage("Cannot read cluster data from " + o.writeClusterData + ": " + e);
      }
    }
    return admin(cfg, o, clusterData);
  }

  static int usage(String message) {
    CliLog.error(message + " (see switchman --help)");
    return ExitCodes.USAGE;
  }

  /** --status or --write-cluster-data. */
  private static int admin(CliConfig cfg, SwitchmanCli o, byte @Nullable [] clusterData) {
    Connection c;
    try {
      c = Connection.open(cfg);
    } catch (Connection.Failure f) {
      return f.exitCode();
    }
    try (c) {
      SwitchmanEngine engine = c.engine(Duration.ofSeconds(1));
      if (clusterData != null) {
        ClusterData data;
        try {
          data =
              ClusterData.parse("file " + o.writeClusterData, clusterData).validate(engine.host());
        } catch (SwitchmanException e) {
          return usage(e.getMessage());
        }
        engine.writeClusterData(data);
        CliLog.info(
            "Wrote cluster data to znode "
                + cfg.prefix()
                + ": "
                + new String(data.toJson(), StandardCharsets.UTF_8));
        System.out.println("Cluster data written to znode " + cfg.prefix());
      } else {
        StatusPrinter.print(engine.status(), o.json, System.out);
      }
      return ExitCodes.OK;
    } catch (SwitchmanException e) {
      CliLog.error(e.getMessage());
      return exitCodeOf(e);
    } catch (Connection.Failure f) {
      return f.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CliLog.error("Interrupted");
      return ExitCodes.ERROR;
    }
  }

  static int exitCodeOf(SwitchmanException e) {
    return switch (e.kind()) {
      case INVALID_ARGUMENT -> ExitCodes.USAGE;
      case UNAVAILABLE -> ExitCodes.UNAVAILABLE;
      default -> ExitCodes.ERROR;
    };
  }

  /** What the job asks for, checked before any I/O. */
  record JobSpec(String name, List<String> command, GrantRequest.Builder request) {

    static JobSpec of(SwitchmanCli o) {
      String name = o.lockname != null ? o.lockname : basename(o.command.get(0));
      Names.checkLockName(name);
      GrantRequest.Builder b = GrantRequest.builder(name).lock(o.lock).group(o.group);
      if (o.waitFor != null) {
        b.lockWait(Durations.parse("--wait", o.waitFor));
      }
      for (String l : o.leases) {
        b.lease(LeaseRequest.parse(l));
      }
      if (!o.lock && o.leases.isEmpty()) {
        throw new SwitchmanException(
            SwitchmanException.Kind.INVALID_ARGUMENT,
            "--no-lock without --lease: nothing would guard the command");
      }
      return new JobSpec(name, argv(o.command), b);
    }

    /** switchman's basename of CMD: the last path element, trailing slashes ignored. */
    static String basename(String cmd) {
      String s = cmd;
      while (s.length() > 1 && s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      int slash = s.lastIndexOf('/');
      return slash >= 0 && s.length() > 1 ? s.substring(slash + 1) : s;
    }

    /**
     * The argv to execute, as Perl's {@code exec}: a single argument with shell metacharacters runs
     * through {@code /bin/sh -c}; a single argument without them is split on whitespace.
     */
    static List<String> argv(List<String> command) {
      if (command.size() != 1) {
        return List.copyOf(command);
      }
      String one = command.get(0);
      for (int i = 0; i < one.length(); i++) {
        if ("$&*(){}[]'\";\\|?<>~`\n".indexOf(one.charAt(i)) >= 0) {
          return List.of("/bin/sh", "-c", one);
        }
      }
      List<String> words = new ArrayList<>();
      for (String w : one.trim().split("\\s+")) {
        if (!w.isEmpty()) {
          words.add(w);
        }
      }
      return words.isEmpty() ? List.of(one) : words;
    }
  }

  /** A started Curator client, connected, and the engine over it. */
  static final class Connection implements AutoCloseable {

    /** Connecting failed; the message was logged. */
    static final class Failure extends Exception {
      private static final long serialVersionUID = 1L;
      private final int exitCode;

      Failure(int exitCode) {
        super(null, null, false, false);
        this.exitCode = exitCode;
      }

      int exitCode() {
        return exitCode;
      }
    }

    private final CuratorFramework client;
    private final CliConfig cfg;
    private @Nullable SwitchmanEngine engine;

    private Connection(CuratorFramework client, CliConfig cfg) {
      this.client = client;
      this.cfg = cfg;
    }

    static Connection open(CliConfig cfg) throws Failure {
      if (WARM_UP.isAlive()) {
        try {
          WARM_UP.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Failure(ExitCodes.UNAVAILABLE);
        }
      }
      CuratorFrameworkFactory.Builder b =
          CuratorFrameworkFactory.builder()
              .connectString(cfg.zkhosts())
              .sessionTimeoutMs(cfg.sessionTimeoutMs())
              .connectionTimeoutMs(cfg.sessionTimeoutMs())
              .retryPolicy(new ExponentialBackoffRetry(100, 3))
              .zkClientConfig(clientConfig());
      if (cfg.auth() != null) {
        b.authorization("digest", cfg.auth().getBytes(StandardCharsets.UTF_8));
      }
      CliLog.timing("client configured");
      CuratorFramework client;
      try {
        client = b.build();
        client.start();
        CliLog.timing("client started");
      } catch (RuntimeException e) {
        CliLog.error(
            "Invalid zkhosts '" + cfg.zkhosts() + "' in the config file: " + e.getMessage());
        throw new Failure(ExitCodes.CONFIG);
      }
      Connection c = new Connection(client, cfg);
      try {
        if (!client.blockUntilConnected(cfg.sessionTimeoutMs(), TimeUnit.MILLISECONDS)) {
          CliLog.error(
              "ZooKeeper at "
                  + cfg.zkhosts()
                  + " is unreachable: no connection within "
                  + Durations.format(Duration.ofMillis(cfg.sessionTimeoutMs()))
                  + "; nothing was run");
          c.close();
          throw new Failure(ExitCodes.UNAVAILABLE);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.close();
        throw new Failure(ExitCodes.UNAVAILABLE);
      }
      return c;
    }

    /**
     * SASL (Kerberos) stays off unless a JAAS configuration is given with {@code
     * -Djava.security.auth.login.config}: looking for one costs start-up time, and digest auth does
     * not need it.
     */
    private static ZKClientConfig clientConfig() {
      ZKClientConfig config = new ZKClientConfig();
      if (System.getProperty("java.security.auth.login.config") == null) {
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
      }
      return config;
    }

    /** The session timeout the server granted. */
    int negotiatedSessionTimeoutMs() {
      return client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
    }

    SwitchmanEngine engine(Duration stopBudget) throws Failure {
      if (engine == null) {
        try {
          engine =
              SwitchmanEngine.builder(client)
                  .prefix(cfg.prefix())
                  .host(LocalHost.facts(cfg.fqdn()))
                  .stopBudget(stopBudget)
                  .operationTimeout(Duration.ofMillis(cfg.sessionTimeoutMs()))
                  .acl(acl(cfg))
                  .build();
        } catch (SwitchmanException e) {
          CliLog.error(e.getMessage() + " (prefix in the config file)");
          throw new Failure(ExitCodes.CONFIG);
        }
      }
      return engine;
    }

    /** Open as switchman without auth; with auth, all rights for the identity, read for all. */
    static List<ACL> acl(CliConfig cfg) {
      if (cfg.auth() == null) {
        return ZooDefs.Ids.OPEN_ACL_UNSAFE;
      }
      return List.of(
          new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
          new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    @Override
    public void close() {
      if (engine != null) {
        engine.close();
      }
      CliLog.timing("engine closed");
      closeQuickly(client);
      CliLog.timing("client closed");
    }

    /**
     * Closes the session and returns as soon as the server has confirmed it: the ZooKeeper client
     * then still spends 100 ms cleaning up its socket, which a process about to exit need not wait
     * for. (The lock and lease nodes were deleted and confirmed before.)
     */
    private static void closeQuickly(CuratorFramework client) {
      ZooKeeper zk;
      try {
        zk = client.getZookeeperClient().getZooKeeper();
      } catch (Exception e) {
        client.close();
        return;
      }
      Thread closer = new Thread(client::close, "switchman-close");
      closer.setDaemon(true);
      closer.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      try {
        while (zk.getState().isAlive() && closer.isAlive() && System.nanoTime() < deadline) {
          closer.join(2);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
