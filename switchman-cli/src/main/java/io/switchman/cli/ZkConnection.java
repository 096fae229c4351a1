/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.CuratorClients;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.client.ZKClientConfig;
import org.jspecify.annotations.Nullable;

/** A started Curator client, connected, and the engine over it. */
final class ZkConnection implements AutoCloseable {

  /**
   * Initializes the ZooKeeper client's configuration classes and Curator's builder on a second
   * thread while the main thread parses the command line and the config. The main thread joins it
   * before it connects, so no class is initialized by both at once. The JVM's default SSLContext,
   * which the ZooKeeper client's configuration asks for its protocols, is deferred first (see
   * {@link DeferredSslContext}).
   */
  private static final Thread WARM_UP =
      new Thread(
          () -> {
            try {
              DeferredSslContext.install();
              new ZKClientConfig();
              CuratorFrameworkFactory.builder();
            } catch (RuntimeException | LinkageError e) {
              // the main thread will meet the same problem and report it
            }
          },
          "switchman-warm-up");

  /** Starts the warm-up; {@link #open} waits for it. */
  static void warmUp() {
    WARM_UP.setDaemon(true);
    WARM_UP.start();
  }

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

  /** How long to wait for a connection before asking whether every server refuses. */
  private static final int REFUSAL_PROBE_MS = 250;

  private final CuratorFramework client;
  private final CliConfig cfg;
  private @Nullable SwitchmanEngine engine;

  private ZkConnection(CuratorFramework client, CliConfig cfg) {
    this.client = client;
    this.cfg = cfg;
  }

  static ZkConnection open(CliConfig cfg) throws Failure {
    if (WARM_UP.isAlive()) {
      try {
        WARM_UP.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure(ExitCodes.UNAVAILABLE);
      }
    }
    DeferredSslContext.install();
    CuratorFramework client;
    CuratorClients.Builder b;
    try {
      b =
          CuratorClients.builder(cfg.zkhosts())
              .sessionTimeout(Duration.ofMillis(cfg.sessionTimeoutMs()))
              .connectionTimeout(Duration.ofMillis(cfg.connectWaitMs()))
              .retryPolicy(new ExponentialBackoffRetry(100, 3))
              .clientConfig(clientConfig());
      if (cfg.auth() != null) {
        b.authorization("digest", cfg.auth());
      }
    } catch (SwitchmanException e) {
      CliLog.error(e.getMessage() + " (in the config file)");
      throw new Failure(ExitCodes.CONFIG);
    }
    CliLog.timing("client configured");
    try {
      client = b.build();
      client.start();
      CliLog.timing("client started");
    } catch (RuntimeException e) {
      CliLog.error("Invalid zkhosts '" + cfg.zkhosts() + "' in the config file: " + e.getMessage());
      throw new Failure(ExitCodes.CONFIG);
    }
    ZkConnection c = new ZkConnection(client, cfg);
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.connectWaitMs());
      int refusedRounds = 0;
      while (!client.blockUntilConnected(
          (int) Math.min(REFUSAL_PROBE_MS, Math.max(1, msUntil(deadline))),
          TimeUnit.MILLISECONDS)) {
        String why = null;
        if (msUntil(deadline) <= 0) {
          why =
              SwitchmanException.unreachableMessage(
                  cfg.zkhosts(), Duration.ofMillis(cfg.connectWaitMs()));
        } else if (!everyServerRefuses(cfg.zkhosts())) {
          refusedRounds = 0;
        } else if (++refusedRounds >= 2) {
          why =
              SwitchmanException.unreachableMessage(
                  cfg.zkhosts(), "every server refused the connection (nothing listens there)");
        }
        if (why != null) {
          CliLog.error(why + "; nothing was run");
          c.close();
          throw new Failure(ExitCodes.UNAVAILABLE);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new Failure(ExitCodes.UNAVAILABLE);
    }
    return c;
  }

  private static long msUntil(long deadlineNanos) {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }

  /**
   * Whether every address of every server refuses a TCP connection (or cannot be resolved) right
   * now: then waiting for the session timeout cannot help, and the run fails at once (after two
   * such rounds, {@value #REFUSAL_PROBE_MS} ms apart). A server that accepts, or does not answer in
   * time, counts as possibly there.
   */
  static boolean everyServerRefuses(String zkhosts) {
    List<InetSocketAddress> servers;
    try {
      servers = new ConnectStringParser(zkhosts).getServerAddresses();
    } catch (RuntimeException e) {
      return false;
    }
    for (InetSocketAddress server : servers) {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(server.getHostString());
      } catch (UnknownHostException e) {
        continue;
      }
      for (InetAddress a : addresses) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(a, server.getPort()), REFUSAL_PROBE_MS);
          return false;
        } catch (ConnectException | NoRouteToHostException e) {
          // refused, or no route: a definite no
        } catch (IOException | RuntimeException e) {
          return false;
        }
      }
    }
    return true;
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

  /**
   * Whether the ensemble is a single server, where the stop budget may take S/2 (else S/4): see
   * {@link io.switchman.core.StopBudget}.
   */
  boolean singleServer() {
    return CuratorClients.isSingleServer(client);
  }

  SwitchmanEngine engine(Duration stopBudget) throws Failure {
    if (engine == null) {
      try {
        engine =
            SwitchmanEngine.builder(client)
                .prefix(cfg.prefix())
                .host(LocalHost.facts(cfg.fqdn()))
                .stopBudget(stopBudget)
                .operationTimeout(Duration.ofMillis(cfg.connectWaitMs()))
                .acl(CuratorClients.acl(cfg.auth() != null))
                .build();
      } catch (SwitchmanException e) {
        CliLog.error(e.getMessage() + " (prefix in the config file)");
        throw new Failure(ExitCodes.CONFIG);
      }
    }
    return engine;
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
