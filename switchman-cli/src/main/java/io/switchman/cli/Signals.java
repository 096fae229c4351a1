/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Installs handlers for SIGTERM, SIGINT and SIGHUP through {@code sun.misc.Signal} (module {@code
 * jdk.unsupported}), reached reflectively because the build treats the compiler's warning about
 * internal APIs as an error. With a handler installed, the JVM does not start its shutdown on these
 * signals: switchman forwards them to the command and exits when the command is gone.
 */
final class Signals {

  private Signals() {}

  /**
   * Calls {@code handler} with the signal name (e.g. {@code TERM}) on a JVM thread when it arrives.
   *
   * @return whether the handler was installed
   */
  static boolean handle(String name, Consumer<String> handler) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      InvocationHandler ih =
          (proxy, method, args) ->
              switch (method.getName()) {
                case "handle" -> {
                  handler.accept(name);
                  yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "switchman handler of SIG" + name;
              };
      Object proxy =
          Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, ih);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      CliLog.debug("Cannot handle SIG" + name + ": " + e);
      return false;
    }
  }
}
