/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLeases;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.testing.ZooKeeperServerExtension;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.apache.zookeeper.ClientCnxnSocketNIO;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ImportRuntimeHints;
import reactor.core.publisher.Mono;

/**
 * Return types the guard cannot hold its grant for are refused at startup; the guard works without
 * Reactor and Kotlin; the runtime hints for AOT.
 */
class GuardedResultValidationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
          .withPropertyValues(
              "switchman.connect-string=" + zk.connectString(),
              "switchman.prefix=/results-" + UUID.randomUUID(),
              "switchman.session-timeout=4s",
              "switchman.stop-timeout=1s");

  @Test
  void plainFutureShouldBeRefusedSayingWhatToReturn() {
    failsWith(
        ReturnsFuture.class,
        "ReturnsFuture.run()",
        "it returns java.util.concurrent.Future, a Future whose completion the guard cannot see,"
            + " so the grant could not be held until the work ends: return a CompletableFuture or"
            + " CompletionStage");
  }

  @Test
  void futureSubclassShouldBeRefused() {
    failsWith(
        ReturnsFutureTask.class,
        "ReturnsFutureTask.run()",
        "it returns java.util.concurrent.FutureTask, a Future whose completion");
  }

  @Test
  void completableFutureSubclassShouldBeRefused() {
    failsWith(
        ReturnsOwnFuture.class,
        "ReturnsOwnFuture.run()",
        "declare the return type as CompletableFuture or CompletionStage");
  }

  @Test
  void ownPublisherTypeShouldBeRefused() {
    failsWith(
        ReturnsOwnPublisher.class,
        "ReturnsOwnPublisher.run()",
        "a Publisher type the guard cannot return when the call is skipped or the grant is lost:"
            + " declare the return type as Mono, Flux or Publisher");
  }

  @Test
  void publisherWithoutReactorShouldBeRefused() {
    failsWith(
        runner.withClassLoader(new FilteredClassLoader("reactor.core")),
        ReturnsPublisher.class,
        "ReturnsPublisher.run()",
        "it returns org.reactivestreams.Publisher, a Publisher, which can be guarded for its whole"
            + " subscription only with io.projectreactor:reactor-core on the class path: add it"
            + " and return a Mono or a Flux");
  }

  @Test
  void guardShouldWorkWithoutReactorAndKotlin() {
    runner
        .withClassLoader(new FilteredClassLoader("reactor.", "kotlin.", "kotlinx."))
        .withBean(Blocking.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(Blocking.class).run()).isEqualTo("blocking");
              assertThat(context.getBean(SwitchmanTemplate.class).lock("no-reactor").run(() -> {}))
                  .isTrue();
            });
  }

  /**
   * The classes the guard always loads link without Reactor, Reactive Streams and Kotlin: loaded in
   * a class loader that has none of them, they resolve every signature; the reactive guard, by
   * contrast, does not (so this test can fail).
   */
  @Test
  void guardClassesShouldLinkWithoutTheOptionalLibraries() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = new File(entry).getName();
      if (name.startsWith("reactor-")
          || name.startsWith("reactive-streams")
          || name.startsWith("kotlin")) {
        continue;
      }
      urls.add(new File(entry).toURI().toURL());
    }
    try (URLClassLoader isolated =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> isolated.loadClass("reactor.core.publisher.Mono"))
          .isInstanceOf(ClassNotFoundException.class);
      String pkg = SwitchmanGuard.class.getPackageName() + ".";
      for (String name :
          List.of(
              "SwitchmanAutoConfiguration",
              "SwitchmanGuard",
              "GuardedMethods",
              "GuardedMethod",
              "ResultKind",
              "AsyncRun",
              "FutureGuard",
              "SwitchmanTemplate",
              "SwitchmanTemplate$Spec",
              "SwitchmanMethodPostProcessor",
              "SwitchmanRuntimeHints")) {
        Class<?> c = Class.forName(pkg + name, true, isolated);
        c.getDeclaredMethods();
        c.getDeclaredFields();
      }
      assertThatThrownBy(
              () -> Class.forName(pkg + "ReactiveGuard", true, isolated).getDeclaredMethods())
          .isInstanceOf(NoClassDefFoundError.class);
    }
  }

  @Test
  void runtimeHintsShouldCoverWhatIsReadByReflection() throws Exception {
    RuntimeHints hints = new RuntimeHints();
    new SwitchmanRuntimeHints().registerHints(hints, getClass().getClassLoader());
    for (Class<?> annotation :
        List.of(SwitchmanLock.class, SwitchmanLease.class, SwitchmanLeases.class)) {
      assertThat(
              RuntimeHintsPredicates.reflection()
                  .onType(annotation)
                  .withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS))
          .accepts(hints);
    }
    assertThat(
            RuntimeHintsPredicates.reflection()
                .onConstructorInvocation(
                    ClientCnxnSocketNIO.class.getDeclaredConstructor(ZKClientConfig.class)))
        .accepts(hints);
    assertThat(
            RuntimeHintsPredicates.reflection()
                .onConstructorInvocation(
                    org.apache.zookeeper.server.NIOServerCnxnFactory.class
                        .getDeclaredConstructor()))
        .accepts(hints);
    assertThat(SwitchmanAutoConfiguration.class.getAnnotation(ImportRuntimeHints.class).value())
        .containsExactly(SwitchmanRuntimeHints.class);
  }

  private void failsWith(Class<?> bean, String method, String message) {
    failsWith(runner, bean, method, message);
  }

  private static void failsWith(
      ApplicationContextRunner runner, Class<?> bean, String method, String message) {
    runner
        .withBean(bean)
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable root = context.getStartupFailure();
              while (root.getCause() != null
                  && !(root instanceof SwitchmanConfigurationException)) {
                root = root.getCause();
              }
              assertThat(root)
                  .isInstanceOf(SwitchmanConfigurationException.class)
                  .hasMessageStartingWith(
                      "Invalid switchman annotation on "
                          + bean.getName().replace(bean.getSimpleName(), method))
                  .hasMessageContaining(message);
            });
  }

  static class ReturnsFuture {
    @SwitchmanLock
    public Future<String> run() {
      return CompletableFuture.completedFuture("x");
    }
  }

  static class ReturnsFutureTask {
    @SwitchmanLock
    public FutureTask<String> run() {
      return new FutureTask<>(() -> "x");
    }
  }

  static class OwnFuture<T> extends CompletableFuture<T> {}

  static class ReturnsOwnFuture {
    @SwitchmanLock
    public OwnFuture<String> run() {
      return new OwnFuture<>();
    }
  }

  static final class OwnPublisher implements Publisher<String> {
    @Override
    public void subscribe(Subscriber<? super String> s) {
      Mono.just("x").subscribe(s);
    }
  }

  static class ReturnsOwnPublisher {
    @SwitchmanLock
    public OwnPublisher run() {
      return new OwnPublisher();
    }
  }

  public static class ReturnsPublisher {
    @SwitchmanLock
    public Publisher<String> run() {
      return Mono.just("x");
    }
  }

  public static class Blocking {
    @SwitchmanLock(name = "blocking")
    public String run() {
      return SwitchmanContext.lockName();
    }
  }
}
