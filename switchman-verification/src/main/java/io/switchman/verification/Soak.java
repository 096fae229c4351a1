/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import io.switchman.core.ClusterData;
import io.switchman.core.ClusterStatus;
import io.switchman.core.HostFacts;
import io.switchman.core.StopBudget;
import io.switchman.core.SwitchmanEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryForever;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One soak: an out-of-process ensemble, worker processes each behind its own {@link FaultProxy},
 * and a randomized fault schedule (seeded, so a failure can be replayed); then every worker stops,
 * the ensemble is searched for orphan nodes and the {@link Checker} reads the histories.
 *
 * <p>Everything lands in {@link Config#dir()}: one {@code <worker>.history} and {@code
 * <worker>.log} per worker, {@code schedule.history}, the fenced store's {@code store/store.log},
 * the servers' logs, and {@code summary.txt} with the summary line and the details of every
 * violation.
 */
public final class Soak {

  private static final Logger log = LoggerFactory.getLogger(Soak.class);
  private static final String PREFIX = "/switchman";
  private static final String LOCK = "payroll";

  /**
   * What the checker's grace after a pause adds to the workers' stop time: the time a resumed
   * worker takes to notice its loss (700 ms of grace with the CI soak's 500 ms stop time).
   */
  static final long NOTICE_MS = 200;

  /**
   * What to run.
   *
   * @param seed the schedule's seed
   * @param servers 3 (a quorum) or 1 (standalone)
   * @param tickMs the servers' tick
   * @param sessionMs the session timeout S the workers ask for (and get: within [2, 20] ticks)
   * @param stopBudgetMs the workers' stop budget (stop time + the core's margin of S/10, at least
   *     100 ms, at most 500 ms), which must fit S/4 (the core's {@code StopBudget} rule): the core
   *     workers' stop budget, the CLI workers' {@code termination_timeout} and the Spring worker's
   *     {@code stop-timeout} (both the stop time); the checker's grace after a pause is the stop
   *     time plus 200 ms
   * @param minFaults inject at least this many faults
   * @param minDuration and run at least this long
   * @param lockWorkers workers that take the lock {@code payroll}
   * @param leaseSpecs one lease worker per spec, e.g. {@code db=1:2}
   * @param cliJar the {@code switchman} command-line tool's jar, or null for no CLI workers
   * @param cliLockWorkers CLI workers that take the lock {@code payroll}
   * @param cliLeaseSpecs one CLI lease worker per spec
   * @param springWorkers Spring Boot workers that take the lock {@code payroll}
   * @param dir where histories, logs and the summary go
   * @param excluded fault kinds not to inject (empty: every kind that applies)
   */
  public record Config(
      long seed,
      int servers,
      int tickMs,
      int sessionMs,
      int stopBudgetMs,
      int minFaults,
      Duration minDuration,
      int lockWorkers,
      List<String> leaseSpecs,
      @Nullable Path cliJar,
      int cliLockWorkers,
      List<String> cliLeaseSpecs,
      int springWorkers,
      Path dir,
      java.util.Set<FaultKind> excluded) {

    public Config {
      excluded = java.util.Set.copyOf(excluded);
      if (!StopBudget.fits(Duration.ofMillis(stopBudgetMs), Duration.ofMillis(sessionMs))) {
        throw new IllegalArgumentException(
            "Invalid soak stop budget "
                + stopBudgetMs
                + " ms: must fit S/4 of the session timeout "
                + sessionMs
                + " ms (at most "
                + sessionMs / StopBudget.FIT_DIVISOR
                + " ms), else grants are lost before their first refresh");
      }
    }

    /** The workers' stop time: the stop budget less the core's margin for S. */
    public Duration stopTime() {
      return Duration.ofMillis(stopBudgetMs).minus(StopBudget.margin(Duration.ofMillis(sessionMs)));
    }
  }

  private final Config config;
  private final Random random;
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private @Nullable Ensemble ensemble;
  private @Nullable HistoryWriter schedule;
  private @Nullable CuratorFramework observer;
  private @Nullable SwitchmanEngine observerEngine;
  private int faults;
  private final Map<FaultKind, Integer> injected = new java.util.EnumMap<>(FaultKind.class);
  private int quorumPartitions;
  private final java.util.ArrayDeque<FaultKind> round = new java.util.ArrayDeque<>();

  private Soak(Config config) {
    this.config = config;
    this.random = new Random(config.seed());
  }

  /** Runs a soak and checks it. */
  public static CheckReport run(Config config) throws Exception {
    return new Soak(config).run();
  }

  private final class Worker {
    final String id;
    final String mainClass;
    final boolean cli;
    final boolean spring;
    final List<String> args;
    final FaultProxy proxy;
    @Nullable ChildProcess process;

    Worker(String id, String mainClass, List<String> args, FaultProxy proxy) {
      this.id = id;
      this.mainClass = mainClass;
      this.cli = mainClass.equals(CliWorkerMain.class.getName());
      this.spring = mainClass.endsWith(".SpringWorkerApplication");
      this.args = args;
      this.proxy = proxy;
    }

    void start() throws IOException {
      String main = mainClass;
      process =
          ChildProcess.start(
              id, ChildProcess.java(main, List.of(), args), config.dir().resolve(id + ".log"));
    }

    /** Whether {@code pid} is this worker's process or one of its descendants. */
    boolean owns(long pid) {
      ChildProcess p = process;
      return p != null && (p.pid() == pid || p.descendants().anyMatch(d -> d.pid() == pid));
    }
  }

  /** A holder: the worker, and the pid written in its node (a CLI worker's switchman). */
  private record Holder(Worker worker, long pid) {}

  private CheckReport run() throws Exception {
    long started = System.nanoTime();
    deleteRecursively(config.dir()); // a replay of a seed must not read the last run's histories
    Files.createDirectories(config.dir());
    System.out.println(
        "soak: seed="
            + config.seed()
            + " servers="
            + config.servers()
            + " (replay with -Dsoak.seed="
            + config.seed()
            + ") histories in "
            + config.dir());
    try (HistoryWriter sched =
            new HistoryWriter(config.dir().resolve("schedule.history"), "schedule");
        Ensemble zk =
            Ensemble.start(
                config.dir().resolve("ensemble"),
                config.servers(),
                config.tickMs(),
                Duration.ofSeconds(60),
                config.servers() > 1
                    ? Ensemble.Options.withQuorumProxies()
                    : Ensemble.Options.NONE)) {
      schedule = sched;
      ensemble = zk;
      try {
        startObserver();
        observerEngine().writeClusterData(new ClusterData(Map.of(), List.of("db"), Map.of()));
        startWorkers();
        long deadline = System.nanoTime() + config.minDuration().toNanos();
        awaitHolder(Duration.ofSeconds(30));
        while (faults < config.minFaults() || System.nanoTime() < deadline) {
          pauseBetweenFaults();
          reviveExited();
          inject(pick());
          schedule().append("fault-end", "n", faults);
        }
        pauseBetweenFaults();
        reviveExited();
        stopWorkers();
        List<String> orphans = awaitNoEphemerals();
        List<HistoryEvent> events = Checker.readAll(config.dir());
        CheckReport report =
            new Checker(config.stopTime().plusMillis(NOTICE_MS)).check(events, orphans);
        StringBuilder text = new StringBuilder(report.summaryLine()).append('\n');
        text.append("seed=").append(config.seed()).append('\n');
        text.append("duration_s=")
            .append((System.nanoTime() - started) / 1_000_000_000L)
            .append(" servers=")
            .append(config.servers())
            .append(" workers=")
            .append(String.join(",", workers.keySet().stream().map(this::describe).toList()))
            .append('\n');
        text.append(faultKindsLine()).append('\n');
        if (!report.violationsByKind().isEmpty()) {
          text.append(violationKindsLine(report)).append('\n');
        }
        report.details().forEach(d -> text.append(d).append('\n'));
        Files.writeString(config.dir().resolve("summary.txt"), text);
        System.out.println(report.summaryLine());
        System.out.println(faultKindsLine());
        if (!report.violationsByKind().isEmpty()) {
          System.out.println(violationKindsLine(report));
        }
        return report;
      } finally {
        for (Worker w : workers.values()) {
          if (w.process != null) {
            w.process.close();
          }
          w.proxy.close();
        }
        killStragglers();
        if (observerEngine != null) {
          observerEngine.close();
        }
        if (observer != null) {
          observer.close();
        }
      }
    }
  }

  /** {@code fault kinds: <kind>=<count> ...}: every kind injected, in the enum's order. */
  private String faultKindsLine() {
    StringBuilder b = new StringBuilder("fault kinds:");
    injected.forEach((k, n) -> b.append(' ').append(k.tag()).append('=').append(n));
    return b.toString();
  }

  private static String violationKindsLine(CheckReport report) {
    StringBuilder b = new StringBuilder("violations by fault kind:");
    report.violationsByKind().forEach((k, n) -> b.append(' ').append(k).append('=').append(n));
    return b.toString();
  }

  /** The kinds this soak can inject (a quorum partition needs three servers, ...). */
  List<FaultKind> applicableKinds() {
    List<FaultKind> out = new ArrayList<>();
    boolean cli = workers.values().stream().anyMatch(w -> w.cli);
    boolean spring = workers.values().stream().anyMatch(w -> w.spring);
    for (FaultKind k : FaultKind.values()) {
      if (config.excluded().contains(k)
          || (k.needsQuorum() && config.servers() < 3)
          || (k.needsCli() && !cli)
          || (k.needsSpring() && !spring)) {
        continue;
      }
      out.add(k);
    }
    return out;
  }

  /**
   * Starts again a worker whose process exited without the schedule killing it (the starter halts a
   * JVM whose method is stuck after its grant was lost): {@code exited worker=W code=C}.
   */
  private void reviveExited() throws IOException {
    for (Worker w : workers.values()) {
      ChildProcess p = w.process;
      if (p != null && !p.isAlive()) {
        int code = p.exitValue();
        schedule().append("exited", "worker", w.id, "code", code);
        System.out.println("soak: " + w.id + " exited with " + code + "; starting it again");
        log.info("{} exited with {}; starting it again", w.id, code);
        w.start();
      }
    }
  }

  /**
   * Kills what a worker left behind outside its process tree: a CLI command placeholder stays
   * stopped, reparented to init, when {@code switchman} is killed right after starting it (it never
   * runs the command). Found by this run's directory on its command line.
   */
  private void killStragglers() {
    String marker = config.dir().toAbsolutePath().toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        // the whole command line: ProcessHandle's stops at 4096 characters, inside the class path
        .filter(p -> ChildProcess.commandLine(p.pid()).contains(marker))
        .forEach(
            p -> {
              log.info("killing a process left behind: {} {}", p.pid(), p.info().command());
              p.destroyForcibly();
            });
  }

  private String describe(String id) {
    Worker w = workers.get(id);
    String main = w == null ? "?" : w.mainClass.substring(w.mainClass.lastIndexOf('.') + 1);
    return id + ":" + main;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void startObserver() throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(ensemble().connectString())
            .sessionTimeoutMs(config.sessionMs() * 2)
            .connectionTimeoutMs(2000)
            .retryPolicy(new RetryForever(100))
            .build();
    c.start();
    if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("cannot connect to " + ensemble().connectString());
    }
    observer = c;
    observerEngine =
        SwitchmanEngine.builder(c)
            .prefix(PREFIX)
            .host(new HostFacts("observer", 1, 1024))
            .operationTimeout(Duration.ofSeconds(10))
            .build();
  }

  private Ensemble ensemble() {
    if (ensemble == null) {
      throw new IllegalStateException("no ensemble");
    }
    return ensemble;
  }

  private SwitchmanEngine observerEngine() {
    if (observerEngine == null) {
      throw new IllegalStateException("no observer");
    }
    return observerEngine;
  }

  private HistoryWriter schedule() {
    if (schedule == null) {
      throw new IllegalStateException("no schedule");
    }
    return schedule;
  }

  private void startWorkers() throws IOException {
    int n = 0;
    List<String> kinds = new ArrayList<>();
    if (config.cliJar() != null) {
      for (int i = 0; i < config.cliLockWorkers(); i++) {
        kinds.add("cli--lock=" + LOCK);
      }
      for (String spec : config.cliLeaseSpecs()) {
        kinds.add("cli--lease=" + spec);
      }
    }
    for (int i = 0; i < config.lockWorkers(); i++) {
      kinds.add("--lock=" + LOCK);
    }
    for (String spec : config.leaseSpecs()) {
      kinds.add("--lease=" + spec);
    }
    for (int i = 0; i < config.springWorkers(); i++) {
      kinds.add("spring");
    }
    for (String kind : kinds) {
      String id = "w" + (++n);
      if (kind.startsWith("cli")) {
        startCliWorker(id, kind.substring(3), n);
        continue;
      }
      if (kind.equals("spring")) {
        startSpringWorker(id, n);
        continue;
      }
      FaultProxy proxy = FaultProxy.start(id, ensemble().clientPorts());
      List<String> args = new ArrayList<>();
      args.add("--id=" + id);
      args.add("--connect=" + proxy.connectString());
      args.add("--prefix=" + PREFIX);
      args.add("--history=" + config.dir().resolve(id + ".history").toAbsolutePath());
      args.add(kind);
      if (kind.startsWith("--lock")) {
        args.add("--store=" + config.dir().resolve("store").toAbsolutePath());
      }
      args.add("--session-ms=" + config.sessionMs());
      args.add("--stop-budget-ms=" + config.stopBudgetMs());
      args.add("--heartbeat-ms=10");
      args.add("--work-ms=300:5000");
      args.add("--wait-ms=3000");
      args.add("--seed=" + (config.seed() + n));
      Worker w = new Worker(id, WorkerMain.class.getName(), args, proxy);
      workers.put(id, w);
      w.start();
    }
  }

  private void startSpringWorker(String id, int n) throws IOException {
    FaultProxy proxy = FaultProxy.start(id, ensemble().clientPorts());
    List<String> args =
        List.of(
            "--spring.main.web-application-type=none",
            "--spring.main.banner-mode=off",
            "--switchman.connect-string=" + proxy.connectString(),
            "--switchman.prefix=" + PREFIX,
            "--switchman.host=" + id,
            "--switchman.session-timeout=" + config.sessionMs() + "ms",
            "--switchman.connection-timeout=1s",
            // The starter reserves stop-timeout + the core's margin (S/10, 100 to 500 ms): the
            // soak's stop budget, which fits S/4.
            "--switchman.stop-timeout=" + config.stopTime().toMillis() + "ms",
            "--verification.worker=" + id,
            "--verification.history=" + config.dir().resolve(id + ".history").toAbsolutePath(),
            "--verification.store=" + config.dir().resolve("store").toAbsolutePath(),
            "--verification.seed=" + (config.seed() + n),
            "--verification.control=" + controlFile(id).toAbsolutePath(),
            // the lock job and the lease job run at once, so that a loss takes two grants
            "--spring.task.scheduling.pool.size=2");
    Worker w =
        new Worker(id, "io.switchman.verification.spring.SpringWorkerApplication", args, proxy);
    workers.put(id, w);
    w.start();
  }

  private Path controlFile(String id) {
    return config.dir().resolve(id + ".control");
  }

  private void startCliWorker(String id, String kind, int n) throws IOException {
    FaultProxy proxy = FaultProxy.start(id, ensemble().clientPorts());
    Path conf = config.dir().resolve(id + ".conf");
    Files.writeString(
        conf,
        "{\"zkhosts\": \""
            + proxy.connectString()
            + "\", \"prefix\": \""
            + PREFIX
            + "\", \"session_timeout\": "
            + config.sessionMs()
            // the stop time, so that the CLI's stop budget (it plus the margin) is the soak's
            + ", \"termination_timeout\": \""
            + config.stopTime().toMillis()
            + "ms\", \"resources_wait_timeout\": 3"
            + ", \"fqdn\": \""
            + id
            + "\"}\n");
    List<String> args = new ArrayList<>();
    args.add("--id=" + id);
    args.add("--jar=" + java.util.Objects.requireNonNull(config.cliJar()).toAbsolutePath());
    args.add("--config=" + conf.toAbsolutePath());
    args.add("--history=" + config.dir().resolve(id + ".history").toAbsolutePath());
    args.add(kind);
    if (kind.startsWith("--lock")) {
      args.add("--store=" + config.dir().resolve("store").toAbsolutePath());
    }
    // up to 5 s, as the core and Spring jobs: a command killed unguarded early in a run works on
    // for longer than the session, which the group kill must not allow
    args.add("--work-ms=300:5000");
    args.add("--seed=" + (config.seed() + n));
    Worker w = new Worker(id, CliWorkerMain.class.getName(), args, proxy);
    workers.put(id, w);
    w.start();
  }

  private void stopWorkers() {
    for (Worker w : workers.values()) {
      w.proxy.forward();
      ChildProcess p = w.process;
      if (p != null && !p.isAlive()) {
        // died on its own since the last fault (not started again: the soak is over)
        schedule().append("exited", "worker", w.id, "code", p.exitValue());
      }
    }
    for (Worker w : workers.values()) {
      if (w.process != null) {
        w.process.stop(Duration.ofSeconds(10));
      }
    }
  }

  /** Every kind once per round, in a random order: 32 faults inject each of the 8 kinds 4 times. */
  private FaultKind pick() {
    if (round.isEmpty()) {
      List<FaultKind> all = applicableKinds();
      if (all.isEmpty()) {
        throw new IllegalStateException(
            "No fault kind left to inject: every kind that applies is excluded ("
                + config.excluded()
                + ")");
      }
      java.util.Collections.shuffle(all, random);
      round.addAll(all);
    }
    return round.remove();
  }

  private void pauseBetweenFaults() throws InterruptedException {
    Thread.sleep(500 + random.nextInt(1000));
  }

  private long faultMillis() {
    return config.sessionMs() + 600 + random.nextInt(800);
  }

  private void fault(FaultKind kind, String target) {
    faults++;
    injected.merge(kind, 1, Integer::sum);
    schedule().append("fault", "n", faults, "kind", kind, "target", target);
    log.info("soak: fault {} {} {}", faults, kind, target);
  }

  private void inject(FaultKind kind) throws Exception {
    switch (kind) {
      case PARTITION_HOLDER -> {
        Worker w = holderOrAny().worker();
        fault(kind, w.id);
        w.proxy.partition();
        Thread.sleep(faultMillis());
        w.proxy.forward();
      }
      case PARTITION_WAITER -> {
        Worker w = waiterOrAny();
        fault(kind, w.id);
        w.proxy.partition();
        Thread.sleep(faultMillis());
        w.proxy.forward();
      }
      case KILL_HOLDER -> {
        Holder h = holderOrAny();
        Worker w = h.worker();
        if (w.cli) {
          // kill -9 of switchman only: its watchdog must stop the command.
          fault(kind, w.id + ":switchman");
          if (h.pid() > 0 && w.owns(h.pid())) {
            ProcessHandle.of(h.pid()).ifPresent(ProcessHandle::destroyForcibly);
          }
          schedule().append("killed", "worker", w.id);
          return;
        }
        fault(kind, w.id);
        ChildProcess p = w.process;
        if (p != null) {
          p.kill();
        }
        schedule().append("killed", "worker", w.id);
        Thread.sleep(200 + random.nextInt(800));
        w.start();
      }
      case PAUSE_HOLDER -> {
        Holder h = holderOrAny();
        Worker w = h.worker();
        ChildProcess p = w.process;
        if (w.cli) {
          // SIGSTOP of switchman only: the command keeps running, and its watchdog must stop it
          // in time, so no excuse is recorded for the checker.
          fault(kind, w.id + ":switchman");
          if (h.pid() > 0 && w.owns(h.pid())) {
            schedule().append("paused-switchman", "worker", w.id, "pid", h.pid());
            ChildProcess.signal(h.pid(), "STOP");
            Thread.sleep(faultMillis());
            schedule().append("resumed-switchman", "worker", w.id, "pid", h.pid());
            ChildProcess.signal(h.pid(), "CONT");
          }
          return;
        }
        fault(kind, w.id);
        if (p != null) {
          schedule().append("paused", "worker", w.id);
          p.pause();
          Thread.sleep(faultMillis());
          // Stamped before SIGCONT: the process cannot run before the signal is sent.
          schedule().append("resumed", "worker", w.id);
          p.resume();
        }
      }
      case KILL_FOLLOWER -> {
        List<Integer> followers = ensemble().followers();
        int victim =
            followers.isEmpty()
                ? Math.max(0, ensemble().leader())
                : followers.get(random.nextInt(followers.size()));
        fault(kind, "zk" + (victim + 1));
        ensemble().kill(victim);
        Thread.sleep(500 + random.nextInt(1500));
        ensemble().restart(victim);
        ensemble().awaitServing(Duration.ofSeconds(60));
      }
      case KILL_LEADER -> {
        int victim = Math.max(0, ensemble().leader());
        fault(kind, "zk" + (victim + 1));
        ensemble().kill(victim);
        Thread.sleep(500 + random.nextInt(1500));
        ensemble().restart(victim);
        ensemble().awaitServing(Duration.ofSeconds(60));
      }
      case RESTART_ENSEMBLE -> {
        fault(kind, "all");
        for (int i = 0; i < ensemble().size(); i++) {
          ensemble().kill(i);
        }
        Thread.sleep(200 + random.nextInt(1000));
        for (int i = 0; i < ensemble().size(); i++) {
          ensemble().restart(i);
        }
        ensemble().awaitServing(Duration.ofSeconds(60));
      }
      case QUORUM_PARTITION -> quorumPartition(kind);
      case KILL_CLI_GROUP -> killCliGroup(kind);
      case SWALLOWED_INTERRUPT -> springFault(kind, "swallow-interrupts", 1);
      case SLOW_LISTENER -> springFault(kind, "slow-listener", 2);
      case PARTITION_DURING_ELECTION -> {
        Holder h = holderOrAny();
        Worker w = h.worker();
        int leader = Math.max(0, ensemble().leader());
        fault(kind, w.id + "+zk" + (leader + 1));
        long healAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(faultMillis());
        w.proxy.partition();
        ensemble().kill(leader);
        Thread.sleep(500 + random.nextInt(1500));
        ensemble().restart(leader);
        long left = healAt - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
        w.proxy.forward();
        ensemble().awaitServing(Duration.ofSeconds(60));
      }
      case SLOW_NETWORK -> {
        Duration delay = Duration.ofMillis(50 + random.nextInt(300));
        fault(kind, "all:" + delay.toMillis() + "ms");
        for (Worker w : workers.values()) {
          w.proxy.delay(delay);
        }
        Thread.sleep(1500 + random.nextInt(1500));
        for (Worker w : workers.values()) {
          w.proxy.forward();
        }
      }
    }
  }

  /**
   * Cuts the quorum links, alternately a follower from the leader (the follower a holder is
   * connected to, if any) and the leader from both followers, for longer than S.
   */
  private void quorumPartition(FaultKind kind) throws InterruptedException {
    int leader = ensemble().leader();
    if (leader < 0) {
      ensemble().awaitServing(Duration.ofSeconds(60));
      leader = Math.max(0, ensemble().leader());
    }
    if (quorumPartitions++ % 2 == 1) {
      fault(kind, "leader:zk" + (leader + 1));
      ensemble().isolate(leader);
    } else {
      List<Integer> followers = ensemble().followers();
      int victim = -1;
      String holder = "";
      for (Holder h : holders()) {
        for (int port : h.worker().proxy.connectedTargets()) {
          int server = ensemble().serverOfClientPort(port);
          if (victim < 0 && followers.contains(server)) {
            victim = server;
            holder = ",holder:" + h.worker().id;
          }
        }
      }
      if (victim < 0) {
        victim =
            followers.isEmpty()
                ? (leader + 1) % ensemble().size()
                : followers.get(random.nextInt(followers.size()));
      }
      fault(kind, "follower:zk" + (victim + 1) + "-leader:zk" + (leader + 1) + holder);
      ensemble().cut(victim, leader);
    }
    Thread.sleep(faultMillis());
    ensemble().healQuorum();
    ensemble().awaitServing(Duration.ofSeconds(60));
  }

  /**
   * {@code kill -KILL -PGID} of a CLI worker's {@code switchman} (one whose command runs, waiting
   * up to 8 s for one; else any CLI worker's running {@code switchman}): its JVM and the rest of
   * its group die at once; the command must still be stopped before anyone else can take over.
   */
  private void killCliGroup(FaultKind kind) throws InterruptedException {
    Worker w = null;
    long pid = -1;
    // best: a CLI worker whose switchman runs its command (JobMain): it holds its grant
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    while (w == null && System.nanoTime() < deadline) {
      List<Worker> running = new ArrayList<>();
      for (Worker x : workers.values()) {
        if (x.cli && runsCommand(runningSwitchman(x))) {
          running.add(x);
        }
      }
      if (!running.isEmpty()) {
        // the command that started last has the most work left
        running.sort(java.util.Comparator.comparing(x -> commandStart(runningSwitchman(x))));
        w = running.get(running.size() - 1);
        pid = runningSwitchman(w);
      } else {
        Thread.sleep(50);
      }
    }
    if (w == null) {
      List<Worker> clis = workers.values().stream().filter(x -> x.cli).toList();
      w = clis.get(random.nextInt(clis.size()));
      pid = runningSwitchman(w);
    }
    long pgid = pid > 0 ? ChildProcess.processGroup(pid) : -1;
    long own = ChildProcess.processGroup(ProcessHandle.current().pid());
    if (pgid <= 1 || pgid != pid || pgid == own) {
      // switchman not running now, or not leading its own group: killing the group would hit us
      fault(kind, w.id + ":no-switchman-group");
      return;
    }
    fault(
        kind,
        w.id + ":switchman-group:" + pgid + (runsCommand(pid) ? ":command-running" : ":waiting"));
    schedule().append("killed", "worker", w.id);
    ChildProcess.signalGroup(pgid, "KILL");
  }

  /** When the command of {@code switchman} {@code pid} started (EPOCH when unknown). */
  private static java.time.Instant commandStart(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(
            h ->
                h.descendants()
                    .filter(
                        d -> ChildProcess.commandLine(d.pid()).contains(JobMain.class.getName()))
                    .map(d -> d.info().startInstant().orElse(java.time.Instant.EPOCH))
                    .max(java.util.Comparator.naturalOrder()))
        .orElse(java.time.Instant.EPOCH);
  }

  /** Whether {@code switchman} {@code pid} has started its command ({@link JobMain}). */
  private static boolean runsCommand(long pid) {
    if (pid <= 0) {
      return false;
    }
    return ProcessHandle.of(pid)
        .map(
            h ->
                h.descendants()
                    .anyMatch(
                        // the java process itself, not the placeholder shell that execs it
                        d ->
                            d.info().command().map(c -> c.endsWith("/java")).orElse(false)
                                && ChildProcess.commandLine(d.pid())
                                    .contains(JobMain.class.getName())))
        .orElse(false);
  }

  /** The pid of the {@code switchman} a CLI worker runs now (its direct child), or -1. */
  private static long runningSwitchman(Worker w) {
    ChildProcess p = w.process;
    if (p == null) {
      return -1;
    }
    return ProcessHandle.of(p.pid())
        .flatMap(h -> h.children().filter(c -> c.isAlive()).findFirst())
        .map(ProcessHandle::pid)
        .orElse(-1L);
  }

  /**
   * Switches a fault on in the Spring Boot worker ({@code swallow-interrupts}, {@code
   * slow-listener}), waits (up to 6 s) until it holds {@code wantGrants} grants, partitions it for
   * longer than S, heals, and switches the fault off once the worker had time to show it.
   */
  private void springFault(FaultKind kind, String mode, int wantGrants) throws Exception {
    List<Worker> springs = workers.values().stream().filter(x -> x.spring).toList();
    Worker w = springs.get(random.nextInt(springs.size()));
    Files.writeString(controlFile(w.id), mode + "\n");
    int held = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
    while (System.nanoTime() < deadline) {
      held = grantsHeldBy(w, wantGrants == 1);
      if (held >= wantGrants) {
        break;
      }
      Thread.sleep(50);
    }
    fault(kind, w.id + ":" + mode + ":grants:" + held);
    w.proxy.partition();
    Thread.sleep(faultMillis());
    w.proxy.forward();
    // a swallowing job works 4 s past the loss; a slow listener takes 3 s per lost grant
    Thread.sleep(wantGrants == 1 ? 2000 : 3500);
    Files.writeString(controlFile(w.id), "none\n");
  }

  /** How many grants {@code w} holds now (only the lock, with {@code lockOnly}). */
  private int grantsHeldBy(Worker w, boolean lockOnly) {
    int n = 0;
    try {
      ClusterStatus s = observerEngine().status();
      for (ClusterStatus.LockInfo l : s.locks()) {
        n += l.holder().startsWith(w.id + " ") ? 1 : 0;
      }
      if (!lockOnly) {
        for (List<ClusterStatus.LeaseInfo> ls : s.leases().values()) {
          for (ClusterStatus.LeaseInfo l : ls) {
            n += l.holder().startsWith(w.id + " ") ? 1 : 0;
          }
        }
      }
    } catch (RuntimeException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.info("status unavailable: {}", e.toString());
    }
    return n;
  }

  /** The workers holding the lock or a lease now, lock holder first. */
  private List<Holder> holders() {
    List<Holder> out = new ArrayList<>();
    try {
      ClusterStatus s = observerEngine().status();
      for (ClusterStatus.LockInfo l : s.locks()) {
        addByHolder(out, l.holder());
      }
      for (List<ClusterStatus.LeaseInfo> ls : s.leases().values()) {
        for (ClusterStatus.LeaseInfo l : ls) {
          addByHolder(out, l.holder());
        }
      }
    } catch (RuntimeException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.info("status unavailable: {}", e.toString());
    }
    return out;
  }

  private void addByHolder(List<Holder> out, String holder) {
    String[] parts = holder.split(" ");
    Worker w = workers.get(parts[0]);
    long pid = -1;
    try {
      pid = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
    } catch (NumberFormatException e) {
      // not ours
    }
    if (w != null && out.stream().noneMatch(h -> h.worker() == w)) {
      out.add(new Holder(w, pid));
    }
  }

  private Holder holderOrAny() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      List<Holder> h = holders();
      if (!h.isEmpty()) {
        // the lock holder half of the time, else any holder
        return random.nextBoolean() ? h.get(0) : h.get(random.nextInt(h.size()));
      }
      Thread.sleep(100);
    }
    List<Worker> all = new ArrayList<>(workers.values());
    return new Holder(all.get(random.nextInt(all.size())), -1);
  }

  private Worker waiterOrAny() {
    List<Holder> h = holders();
    List<Worker> waiters = new ArrayList<>();
    for (Worker w : workers.values()) {
      if (h.stream().noneMatch(x -> x.worker() == w)) {
        waiters.add(w);
      }
    }
    if (waiters.isEmpty()) {
      waiters.addAll(workers.values());
    }
    return waiters.get(random.nextInt(waiters.size()));
  }

  private void awaitHolder(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!holders().isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "No worker got a grant within " + timeout + "; see the worker logs in " + config.dir());
  }

  /** Waits until no ephemeral node is left under the prefix; returns those still there. */
  private List<String> awaitNoEphemerals() throws Exception {
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.sessionMs() * 3L + 5000);
    List<String> left = List.of();
    while (System.nanoTime() < deadline) {
      try {
        left = ephemerals(PREFIX);
        if (left.isEmpty()) {
          return left;
        }
      } catch (Exception e) {
        log.info("cannot list nodes yet: {}", e.toString());
      }
      Thread.sleep(200);
    }
    return left;
  }

  private List<String> ephemerals(String path) throws Exception {
    CuratorFramework c = observer;
    if (c == null) {
      throw new IllegalStateException("no observer");
    }
    List<String> out = new ArrayList<>();
    Stat stat = c.checkExists().forPath(path);
    if (stat == null) {
      return out;
    }
    if (stat.getEphemeralOwner() != 0) {
      out.add(path);
    }
    for (String child : c.getChildren().forPath(path)) {
      out.addAll(ephemerals(path + "/" + child));
    }
    return out;
  }
}
