/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchman.core.ClusterData;
import io.switchman.core.ClusterStatus;
import io.switchman.core.Pause;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's live view. While at least one page is open, a persistent recursive ZooKeeper watch
 * on the prefix (and Curator's connection state) triggers a re-read of the engine's status,
 * debounced by {@link #DEBOUNCE}; when the view changed, it is sent to every open page as a
 * server-sent event {@code status} (JSON). A re-read every {@link #REFRESH} catches what no watch
 * tells (this instance's grants). With no page open, nothing is watched or read.
 */
public final class SwitchmanConsole implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanConsole.class);

  /** How long after a watch event the status is re-read (events closer together are one read). */
  static final Duration DEBOUNCE = Duration.ofMillis(100);

  /** How often the status is re-read without a watch event, while a page is open. */
  static final Duration REFRESH = Duration.ofSeconds(5);

  /** How long a page's event stream lasts before the browser reconnects. */
  static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

  private final SwitchmanEngine engine;
  private final CuratorFramework client;
  private final Supplier<Map<String, String>> jobs;
  private final Supplier<@Nullable String> writePath;
  private final ObjectMapper json = new ObjectMapper();
  private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor;
  private final AtomicBoolean refreshPending = new AtomicBoolean();
  private final Watcher watcher = this::watched;
  private final ConnectionStateListener connectionListener = this::connectionChanged;

  private volatile @Nullable String connectionState;
  private volatile @Nullable String last;
  private @Nullable ScheduledFuture<?> periodic;
  private boolean watching;

  /**
   * @param engine the engine whose status is shown
   * @param client its client, for the watch and the connection state
   * @param jobs this application's guarded methods by lock name (for run now)
   * @param writePath the path of the endpoint's write operation when the page may use it (web
   *     exposure and unrestricted access), else null
   */
  public SwitchmanConsole(
      SwitchmanEngine engine,
      CuratorFramework client,
      Supplier<Map<String, String>> jobs,
      Supplier<@Nullable String> writePath) {
    this.engine = engine;
    this.client = client;
    this.jobs = jobs;
    this.writePath = writePath;
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "switchman-console");
              t.setDaemon(true);
              return t;
            });
    e.setRemoveOnCancelPolicy(true);
    this.executor = e;
  }

  /** The write path the page uses, or null when it shows no buttons. */
  public @Nullable String writePath() {
    return writePath.get();
  }

  /** A new event stream for a page: the current view at once, then every change. */
  public SseEmitter subscribe() {
    SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
    Runnable remove = () -> unsubscribe(emitter);
    emitter.onCompletion(remove);
    emitter.onTimeout(remove);
    emitter.onError(e -> remove.run());
    synchronized (this) {
      emitters.add(emitter);
      if (!watching) {
        startWatching();
      }
    }
    executor.execute(
        () -> {
          String view = last;
          if (view == null) {
            refresh();
          } else {
            send(emitter, view);
          }
        });
    return emitter;
  }

  private synchronized void unsubscribe(SseEmitter emitter) {
    emitters.remove(emitter);
    if (emitters.isEmpty() && watching) {
      stopWatching();
    }
  }

  private void startWatching() {
    watching = true;
    client.getConnectionStateListenable().addListener(connectionListener);
    addWatch();
    periodic =
        executor.scheduleWithFixedDelay(
            this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    log.debug("Console: watching {}", engine.prefix());
  }

  private void stopWatching() {
    watching = false;
    last = null;
    client.getConnectionStateListenable().removeListener(connectionListener);
    ScheduledFuture<?> p = periodic;
    if (p != null) {
      p.cancel(false);
    }
    try {
      client.watchers().remove(watcher).ofType(Watcher.WatcherType.Any).forPath(engine.prefix());
    } catch (Exception e) {
      log.debug("Console: removing the watch on {} failed: {}", engine.prefix(), e.toString());
    }
    log.debug("Console: no page open, stopped watching {}", engine.prefix());
  }

  /**
   * The persistent recursive watch: survives reconnects within a session, re-added on a new one.
   */
  private void addWatch() {
    try {
      client
          .watchers()
          .add()
          .withMode(AddWatchMode.PERSISTENT_RECURSIVE)
          .inBackground()
          .usingWatcher(watcher)
          .forPath(engine.prefix());
    } catch (Exception e) {
      log.debug("Console: watching {} failed: {}", engine.prefix(), e.toString());
    }
  }

  private void watched(WatchedEvent event) {
    if (event.getType() != Watcher.Event.EventType.None) {
      changed();
    }
  }

  private void connectionChanged(CuratorFramework c, ConnectionState state) {
    connectionState = state.name();
    if (state == ConnectionState.RECONNECTED || state == ConnectionState.CONNECTED) {
      synchronized (this) {
        if (watching) {
          addWatch();
        }
      }
    }
    changed();
  }

  /** Something changed: re-read after the debounce, once for every burst of events. */
  void changed() {
    if (refreshPending.compareAndSet(false, true)) {
      try {
        executor.schedule(this::refresh, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        refreshPending.set(false);
      }
    }
  }

  private void refresh() {
    refreshPending.set(false);
    if (emitters.isEmpty()) {
      return;
    }
    String view;
    try {
      view = json.writeValueAsString(view());
    } catch (JsonProcessingException | RuntimeException e) {
      log.warn("Console: cannot build the view", e);
      return;
    }
    if (!view.equals(last)) {
      last = view;
      for (SseEmitter emitter : emitters) {
        send(emitter, view);
      }
    }
  }

  private void send(SseEmitter emitter, String view) {
    try {
      emitter.send(SseEmitter.event().name("status").data(view, MediaType.APPLICATION_JSON));
    } catch (IOException | IllegalStateException e) {
      emitter.completeWithError(e);
      unsubscribe(emitter);
    }
  }

  /** The current view, read from ZooKeeper. */
  public View view() {
    boolean connected = engine.isConnected();
    String state = connectionState;
    if (state == null) {
      state = connected ? "CONNECTED" : "NOT_CONNECTED";
    }
    List<JobView> jobViews = new ArrayList<>();
    jobs.get().forEach((name, method) -> jobViews.add(new JobView(name, method)));
    String write = writePath.get();
    ClusterStatus status = null;
    String error = null;
    if (connected) {
      try {
        status = engine.status();
      } catch (SwitchmanException e) {
        error = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = "interrupted";
      }
    } else {
      error = "not connected to ZooKeeper";
    }
    List<GrantView> grants = new ArrayList<>();
    if (status != null) {
      for (ClusterStatus.GrantInfo g : status.ownGrants()) {
        grants.add(GrantView.of(g));
      }
    } else {
      engine.grants().forEach(g -> grants.add(GrantView.of(ClusterStatus.GrantInfo.of(g))));
    }
    List<LockView> locks = new ArrayList<>();
    List<ResourceView> resources = new ArrayList<>();
    Map<String, List<QueueView>> queues = new LinkedHashMap<>();
    Map<String, List<QueueView>> waiters = new LinkedHashMap<>();
    Map<String, List<String>> groups = new LinkedHashMap<>();
    if (status != null) {
      for (ClusterStatus.LockInfo l : status.locks()) {
        locks.add(LockView.of(l));
      }
      ClusterData data = clusterData(status.clusterData());
      if (data != null) {
        groups.putAll(data.groups());
      }
      Map<String, ResourceView> byName = new LinkedHashMap<>();
      status
          .leases()
          .forEach(
              (res, list) -> {
                long used = 0;
                long capacity = 0;
                List<HolderView> holders = new ArrayList<>();
                for (ClusterStatus.LeaseInfo l : list) {
                  used += l.amount();
                  capacity = Math.max(capacity, l.capacity());
                  Holder h = Holder.parse(l.holder());
                  holders.add(
                      new HolderView(
                          h.host(), h.pid(), l.amount(), iso(l.since()), l.fencingToken()));
                }
                byName.put(res, new ResourceView(res, used, capacity, null, holders));
              });
      if (data != null) {
        for (String res : data.resources()) {
          String expanded = engine.host().expand(res);
          if (!byName.containsKey(expanded)) {
            byName.put(
                expanded, new ResourceView(expanded, 0, 0, data.capacities().get(res), List.of()));
          }
        }
      }
      resources.addAll(byName.values());
      status.queues().forEach((res, entries) -> queues.put(res, QueueView.of(entries)));
      status.waiters().forEach((name, entries) -> waiters.put(name, QueueView.of(entries)));
    }
    return new View(
        engine.host().fqdn(),
        engine.prefix(),
        connected,
        state,
        connected ? "0x" + Long.toHexString(engine.sessionId()) : null,
        write,
        locks,
        resources,
        queues,
        waiters,
        groups,
        grants,
        jobViews,
        error);
  }

  private @Nullable ClusterData clusterData(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return ClusterData.parse(engine.prefix(), raw.getBytes(StandardCharsets.UTF_8));
    } catch (SwitchmanException e) {
      return null;
    }
  }

  static String iso(Instant t) {
    return t.toString();
  }

  @Override
  public void close() {
    for (SseEmitter emitter : emitters) {
      emitter.complete();
    }
    synchronized (this) {
      emitters.clear();
      if (watching) {
        stopWatching();
      }
    }
    executor.shutdownNow();
  }

  /** {@code "<fqdn> <pid>"} split; the whole text as host when it has no space. */
  record Holder(String host, @Nullable String pid) {
    static Holder parse(String data) {
      String d = data.trim();
      int i = d.lastIndexOf(' ');
      return i < 0 ? new Holder(d, null) : new Holder(d.substring(0, i), d.substring(i + 1));
    }
  }

  /**
   * The page's view.
   *
   * @param host this instance's host name
   * @param prefix the root znode
   * @param connected whether this instance is connected to ZooKeeper
   * @param connectionState Curator's last connection state
   * @param sessionId the session in hex
   * @param writePath where the page posts actions, null when it may not
   * @param locks every lock
   * @param resources every resource with holders or in the cluster data
   * @param queues resource to its queue, in arrival order
   * @param waiters lock name to the requests waiting for it, in arrival order
   * @param groups group to its hosts (and groups)
   * @param grants this instance's grants
   * @param jobs this instance's guarded methods
   * @param error why the cluster view is missing, or null
   */
  public record View(
      String host,
      String prefix,
      boolean connected,
      String connectionState,
      @Nullable String sessionId,
      @Nullable String writePath,
      List<LockView> locks,
      List<ResourceView> resources,
      Map<String, List<QueueView>> queues,
      Map<String, List<QueueView>> waiters,
      Map<String, List<String>> groups,
      List<GrantView> grants,
      List<JobView> jobs,
      @Nullable String error) {}

  /**
   * A lock.
   *
   * @param name its name
   * @param host the holder's host
   * @param pid the holder's pid
   * @param since since when
   * @param fencingToken its fencing token
   * @param paused whether the node is a pause
   * @param pausedBy who paused it
   * @param reason why
   */
  public record LockView(
      String name,
      String host,
      @Nullable String pid,
      String since,
      long fencingToken,
      boolean paused,
      @Nullable String pausedBy,
      @Nullable String reason) {

    static LockView of(ClusterStatus.LockInfo l) {
      Pause pause = l.pause();
      if (pause != null) {
        return new LockView(
            l.name(),
            pause.host(),
            pause.pid(),
            iso(pause.since()),
            l.fencingToken(),
            true,
            pause.who(),
            pause.reason().isEmpty() ? null : pause.reason());
      }
      Holder h = Holder.parse(l.holder());
      return new LockView(
          l.name(), h.host(), h.pid(), iso(l.since()), l.fencingToken(), false, null, null);
    }
  }

  /**
   * A resource.
   *
   * @param name its name (expanded)
   * @param used units held
   * @param capacity its capacity as the holders see it (0 when none holds it)
   * @param capacityExpression the cluster data's capacity expression, when none holds it
   * @param holders who holds how much
   */
  public record ResourceView(
      String name,
      long used,
      long capacity,
      @Nullable String capacityExpression,
      List<HolderView> holders) {}

  /**
   * A holder of a lease.
   *
   * @param host its host
   * @param pid its pid
   * @param amount units held
   * @param since since when
   * @param fencingToken the lease's fencing token
   */
  public record HolderView(
      String host, @Nullable String pid, long amount, String since, long fencingToken) {}

  /**
   * A queued request.
   *
   * @param name the request's name
   * @param host its host
   * @param pid its pid
   * @param since since when
   */
  public record QueueView(String name, String host, @Nullable String pid, String since) {
    static List<QueueView> of(List<ClusterStatus.QueueEntry> entries) {
      List<QueueView> out = new ArrayList<>();
      for (ClusterStatus.QueueEntry e : entries) {
        Holder h = Holder.parse(e.holder());
        out.add(new QueueView(e.name(), h.host(), h.pid(), iso(e.since())));
      }
      return out;
    }
  }

  /**
   * A grant of this instance.
   *
   * @param name its name
   * @param lock whether it includes the lock
   * @param fencingToken its fencing token
   * @param leases its leases
   * @param since since when
   * @param held whether it is still held
   * @param lossReason why it was lost
   */
  public record GrantView(
      String name,
      boolean lock,
      long fencingToken,
      List<String> leases,
      String since,
      boolean held,
      @Nullable String lossReason) {
    static GrantView of(ClusterStatus.GrantInfo g) {
      return new GrantView(
          g.name(),
          g.lock(),
          g.fencingToken(),
          g.leases(),
          iso(g.since()),
          g.held(),
          g.lossReason() == null ? null : g.lossReason().name());
    }
  }

  /**
   * A guarded method of this instance.
   *
   * @param name its lock name
   * @param method the method
   */
  public record JobView(String name, String method) {}
}
