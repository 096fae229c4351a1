/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.jspecify.annotations.Nullable;

/**
 * The one Curator client policy of both adapters: connect string, session and connection timeouts,
 * retries, digest authentication, and the ACL of the nodes the engine creates ({@link #acl}).
 *
 * <p><b>ACL policy.</b> Without credentials, nodes are open, as switchman 1.16's. With credentials,
 * every node gets "all rights for the authenticated identity, read for anyone" ({@link
 * #AUTHENTICATED_ACL}): only sessions authenticated as this identity can create, delete or change
 * locks and leases or the cluster data, while operators, monitoring and switchman 1.16 hosts can
 * still read who holds what (the data is a host name and a pid, nothing secret).
 */
public final class CuratorClients {

  /** All rights for the session's authenticated identities, read for anyone. */
  public static final List<ACL> AUTHENTICATED_ACL =
      List.of(
          new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
          new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));

  private CuratorClients() {}

  /** The ACL policy: open without credentials, {@link #AUTHENTICATED_ACL} with them. */
  public static List<ACL> acl(boolean authenticated) {
    return authenticated ? AUTHENTICATED_ACL : ZooDefs.Ids.OPEN_ACL_UNSAFE;
  }

  /**
   * Whether the ensemble that {@code client} is connected to is a single server (standalone, or a
   * quorum of one voting server and no observer), read from its configuration znode. On a single
   * server every answer is the leader's, and a stop budget may take half the session timeout; on
   * several servers a quarter (see {@link StopBudget}). False when unsure (not connected, the read
   * fails).
   */
  public static boolean isSingleServer(CuratorFramework client) {
    try {
      ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
      return zk.getState().isConnected() && SafetyMonitor.singleServer(zk);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  /** A builder of a client for {@code connectString} (not started). */
  public static Builder builder(String connectString) {
    return new Builder(connectString);
  }

  /** Configures a Curator client the way switchman needs it. */
  public static final class Builder {
    private final String connectString;
    private Duration sessionTimeout = Duration.ofSeconds(30);
    private @Nullable Duration connectionTimeout;
    private RetryPolicy retry = new ExponentialBackoffRetry(100, 3);
    private @Nullable String scheme;
    private @Nullable String credentials;
    private @Nullable ZKClientConfig clientConfig;

    private Builder(String connectString) {
      this.connectString = Objects.requireNonNull(connectString, "connectString");
      if (connectString.isBlank()) {
        throw SwitchmanException.invalid("Invalid connect string '': must not be empty");
      }
    }

    /** The session timeout asked for (the server may change it); default 30 s. */
    public Builder sessionTimeout(Duration timeout) {
      this.sessionTimeout = positive("session timeout", timeout);
      return this;
    }

    /** How long to wait for a connection; default the session timeout. */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = positive("connection timeout", timeout);
      return this;
    }

    /** Retries of Curator's own operations; default exponential back-off from 100 ms, 3 times. */
    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * Authenticates the session. For {@code digest} the credentials are {@code user:password}.
     *
     * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} for digest credentials without
     *     {@code user:}
     */
    public Builder authorization(String scheme, String credentials) {
      if (scheme.isBlank() || credentials.isEmpty()) {
        throw SwitchmanException.invalid(
            "Invalid authentication: scheme and credentials are needed");
      }
      if ("digest".equals(scheme) && credentials.indexOf(':') <= 0) {
        throw SwitchmanException.invalid("Invalid digest credentials: expected 'user:password'");
      }
      this.scheme = scheme;
      this.credentials = credentials;
      return this;
    }

    /** The ZooKeeper client configuration (TLS, SASL); default ZooKeeper's. */
    public Builder clientConfig(ZKClientConfig config) {
      this.clientConfig = config;
      return this;
    }

    /** Whether the session authenticates. */
    public boolean authenticated() {
      return credentials != null;
    }

    /** The ACL of the nodes the engine creates, by the policy: see {@link CuratorClients}. */
    public List<ACL> acl() {
      return CuratorClients.acl(authenticated());
    }

    /** The client, not started. */
    public CuratorFramework build() {
      CuratorFrameworkFactory.Builder b =
          CuratorFrameworkFactory.builder()
              .connectString(connectString)
              .sessionTimeoutMs(millis(sessionTimeout))
              .connectionTimeoutMs(
                  millis(connectionTimeout != null ? connectionTimeout : sessionTimeout))
              .retryPolicy(retry);
      if (clientConfig != null) {
        b.zkClientConfig(clientConfig);
      }
      if (scheme != null && credentials != null) {
        b.authorization(scheme, credentials.getBytes(StandardCharsets.UTF_8));
      }
      return b.build();
    }

    private static Duration positive(String what, Duration d) {
      if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw SwitchmanException.invalid(
            "Invalid " + what + " " + d + ": must be positive and below 24 days");
      }
      return d;
    }

    private static int millis(Duration d) {
      return (int) d.toMillis();
    }
  }
}
