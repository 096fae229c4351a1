/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of switchman: where ZooKeeper is, who this host is, and how a guarded method is
 * stopped when its grant is lost.
 */
@ConfigurationProperties("switchman")
public class SwitchmanProperties {

  /**
   * Whether to enable switchman. When disabled, no client or engine is created and annotated
   * methods run unguarded (in the AspectJ mode woven methods are refused with IllegalStateException
   * instead).
   */
  private boolean enabled = true;

  /**
   * ZooKeeper connection string: comma-separated host:port pairs, optionally followed by a chroot
   * path. Ignored when the embedded ZooKeeper is enabled.
   */
  private String connectString = "localhost:2181";

  /**
   * Root znode of switchman's data (locks, queues, leases, cluster data). Hosts that must exclude
   * each other share it; switchman 1.16 uses /switchman too.
   */
  private String prefix = "/switchman";

  /**
   * Session timeout asked of ZooKeeper. The server clamps it to [2, 20] times its tickTime; the
   * negotiated value bounds how soon a lost holder is detected and how much time is left to stop.
   */
  private Duration sessionTimeout = Duration.ofSeconds(30);

  /**
   * How long to wait for a connection to ZooKeeper before a guarded run is skipped as unavailable;
   * also how long a release waits for confirmation. Default: the session timeout, at most 15s (a
   * connection timeout above the session timeout makes Curator warn at every start).
   */
  private @Nullable Duration connectionTimeout;

  /** Retry policy of the Curator client (exponential backoff). */
  private final Retry retry = new Retry();

  /**
   * This host's identity, as matched against server groups and substituted for the FQDN macro.
   * Default: the fully qualified domain name of this machine.
   */
  private @Nullable String host;

  /** Authentication of the ZooKeeper session. */
  private final Auth auth = new Auth();

  /**
   * ACL of every znode switchman creates: 'open' (anyone may read and write, as switchman 1.16
   * does) or 'creator' (only sessions authenticated like this one; requires auth.credentials).
   */
  private Acl acl = Acl.OPEN;

  /**
   * Default capacities of resources leased without a capacity, by resource name (before macro
   * expansion), as integer expressions such as CPU or int(MEMMB/1024). Use bracket notation for
   * names with characters other than letters, digits and '-', e.g. switchman.capacities[FQDN_cpu].
   */
  private Map<String, String> capacities = new LinkedHashMap<>();

  /**
   * The stop time: how long a guarded method has to return once it was interrupted because its
   * grant was lost or its maxDuration passed; then on-stuck applies. Plus a margin of a tenth of
   * the session timeout (100 to 500 ms) it is the stop budget, which must fit a quarter of the
   * negotiated session timeout on an ensemble of several servers (half on a single server).
   */
  private Duration stopTimeout = Duration.ofSeconds(5);

  /**
   * What to do when an interrupted guarded method has not returned stop-timeout after its grant was
   * lost (or its maxDuration passed, or shutdown began): 'halt' the JVM (after an ERROR line with
   * the method, the lock, the reason and the thread's stack) so that it cannot run alongside the
   * next holder, or only 'log' that error and let the method run on (an opt-out, warned about at
   * startup: stuck methods may then overlap the next holder).
   */
  private OnStuck onStuck = OnStuck.HALT;

  /**
   * How guarded methods are intercepted: 'proxy' (Spring's class proxy around each bean: calls
   * through the bean only; final, private and static methods are rejected at startup) or 'aspectj'
   * (io.switchman.spring.boot.autoconfigure.SwitchmanAspect woven into the classes by AspectJ: also
   * self-invoked, final, private and static methods, and objects that are not beans).
   */
  private Mode mode = Mode.PROXY;

  /** An in-process ZooKeeper server, for local development, demos and single-node installs. */
  private final Embedded embedded = new Embedded();

  /**
   * Cluster data (groups, resources, capacities) to write into the prefix znode at startup when it
   * has none, or always with overwrite.
   */
  private final DeclaredClusterData clusterData = new DeclaredClusterData();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getConnectString() {
    return connectString;
  }

  public void setConnectString(String connectString) {
    this.connectString = connectString;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public Duration getSessionTimeout() {
    return sessionTimeout;
  }

  public void setSessionTimeout(Duration sessionTimeout) {
    this.sessionTimeout = sessionTimeout;
  }

  public @Nullable Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(@Nullable Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  public Retry getRetry() {
    return retry;
  }

  public @Nullable String getHost() {
    return host;
  }

  public void setHost(@Nullable String host) {
    this.host = host;
  }

  public Auth getAuth() {
    return auth;
  }

  public Acl getAcl() {
    return acl;
  }

  public void setAcl(Acl acl) {
    this.acl = acl;
  }

  public Map<String, String> getCapacities() {
    return capacities;
  }

  public void setCapacities(Map<String, String> capacities) {
    this.capacities = capacities;
  }

  public Duration getStopTimeout() {
    return stopTimeout;
  }

  public void setStopTimeout(Duration stopTimeout) {
    this.stopTimeout = stopTimeout;
  }

  public OnStuck getOnStuck() {
    return onStuck;
  }

  public void setOnStuck(OnStuck onStuck) {
    this.onStuck = onStuck;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public Embedded getEmbedded() {
    return embedded;
  }

  public DeclaredClusterData getClusterData() {
    return clusterData;
  }

  /**
   * Cluster data declared in the application's configuration, written into the prefix znode at
   * startup (validated first) when the znode has no data, or always with {@code overwrite}. Every
   * host sharing the prefix reads it; the CLI's {@code --write-cluster-data} writes the same data.
   */
  public static class DeclaredClusterData {

    /**
     * Server groups: group name to its items, host names (matched exactly) or names of other
     * groups.
     */
    private Map<String, List<String>> groups = new LinkedHashMap<>();

    /**
     * The resources that may be leased, before macro expansion, e.g. FQDN_cpu or db_api. Their
     * order is the order in which every host takes several leases.
     */
    private List<String> resources = new ArrayList<>();

    /**
     * Capacities by resource name (before macro expansion), as integer expressions such as CPU or
     * 4; each must name a listed resource. Use bracket notation for names with '_' or '.', quoted
     * in YAML: "[FQDN_cpu]": CPU.
     */
    private Map<String, String> capacities = new LinkedHashMap<>();

    /**
     * Whether to write the declared data even when the prefix znode already has data, replacing it
     * (groups, resources and capacities other hosts rely on, too).
     */
    private boolean overwrite = false;

    /** Whether anything is declared. */
    public boolean isDeclared() {
      return !groups.isEmpty() || !resources.isEmpty() || !capacities.isEmpty();
    }

    public Map<String, List<String>> getGroups() {
      return groups;
    }

    public void setGroups(Map<String, List<String>> groups) {
      this.groups = groups;
    }

    public List<String> getResources() {
      return resources;
    }

    public void setResources(List<String> resources) {
      this.resources = resources;
    }

    public Map<String, String> getCapacities() {
      return capacities;
    }

    public void setCapacities(Map<String, String> capacities) {
      this.capacities = capacities;
    }

    public boolean isOverwrite() {
      return overwrite;
    }

    public void setOverwrite(boolean overwrite) {
      this.overwrite = overwrite;
    }
  }

  /** Retry policy of the Curator client: exponential backoff between base-sleep and max-sleep. */
  public static class Retry {

    /** Initial sleep between retries of a failed ZooKeeper operation. */
    private Duration baseSleep = Duration.ofSeconds(1);

    /** Longest sleep between retries. */
    private Duration maxSleep = Duration.ofSeconds(10);

    /** How often to retry a failed ZooKeeper operation before giving up. */
    private int maxRetries = 3;

    public Duration getBaseSleep() {
      return baseSleep;
    }

    public void setBaseSleep(Duration baseSleep) {
      this.baseSleep = baseSleep;
    }

    public Duration getMaxSleep() {
      return maxSleep;
    }

    public void setMaxSleep(Duration maxSleep) {
      this.maxSleep = maxSleep;
    }

    public int getMaxRetries() {
      return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }
  }

  /** Authentication of the ZooKeeper session. */
  public static class Auth {

    /** Authentication scheme; switchman supports 'digest'. */
    private String scheme = "digest";

    /** Credentials for the scheme, 'user:password' for digest. Default: no authentication. */
    private @Nullable String credentials;

    public String getScheme() {
      return scheme;
    }

    public void setScheme(String scheme) {
      this.scheme = scheme;
    }

    public @Nullable String getCredentials() {
      return credentials;
    }

    public void setCredentials(@Nullable String credentials) {
      this.credentials = credentials;
    }
  }

  /** The in-process ZooKeeper server. */
  public static class Embedded {

    /**
     * Whether to start an in-process ZooKeeper server before the client, and connect the client to
     * it instead of connect-string.
     */
    private boolean enabled = false;

    /** Client port of the embedded server; 0 picks a free port. */
    private int port = 2181;

    /**
     * Data directory of the embedded server, kept across restarts. Default: a temporary directory
     * deleted on shutdown.
     */
    private @Nullable String dataDir;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public @Nullable String getDataDir() {
      return dataDir;
    }

    public void setDataDir(@Nullable String dataDir) {
      this.dataDir = dataDir;
    }
  }

  /** The ACL of the znodes switchman creates. */
  public enum Acl {
    /** Anyone may read and write, as switchman 1.16 does. */
    OPEN,
    /** Only sessions authenticated as the creator; requires {@code auth.credentials}. */
    CREATOR
  }

  /** What to do when an interrupted guarded method does not return within the stop time. */
  public enum OnStuck {
    /**
     * Log an error with the method's stack trace and let it run on: it may overlap the next holder.
     */
    LOG,
    /** Log an error and halt the JVM, so that the method cannot outlive the grant (the default). */
    HALT
  }

  /** How guarded methods are intercepted. */
  public enum Mode {
    /** Spring's class proxy around each bean that has guarded methods (the default). */
    PROXY,
    /** The AspectJ aspect SwitchmanAspect, woven at load time or compile time. */
    ASPECTJ
  }
}
