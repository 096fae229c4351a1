/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.core.internal.Durations;
import io.switchman.core.internal.LeaseExpression;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing of the parsers that read what operators and other hosts write: the lease
 * expression evaluator, the duration parser and the cluster-data reader. Whatever the input, each
 * gives a value or a clear error (a {@link SwitchmanException} with a message), never another
 * exception (no stack overflow, no overflow, no parser exception leaking). Bounded to run in
 * seconds: a few hundred tries per property.
 */
class ParserFuzzTest {

  private static final HostFacts HOST = new HostFacts("host-a.example.com", 4, 8192);

  /** Runs {@code parse}; a value or a SwitchmanException with a message, nothing else. */
  private static void valueOrClearError(Runnable parse) {
    try {
      parse.run();
    } catch (SwitchmanException e) {
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u0000");
    }
  }

  @Provide
  Arbitrary<String> expressions() {
    Arbitrary<String> tokens =
        Arbitraries.oneOf(
            Arbitraries.of(
                "(",
                ")",
                "int(",
                "-",
                "+",
                "*",
                "/",
                " ",
                "CPU",
                "MEMMB",
                "FQDN",
                "0",
                "7",
                "999999999999999999",
                "1e3",
                ".",
                "١",
                "\u0000",
                "\n",
                "int",
                "((((("),
            Arbitraries.strings().ofMaxLength(3));
    return tokens.list().ofMaxSize(60).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> deepExpressions() {
    Arbitrary<Integer> depth = Arbitraries.integers().between(0, 20_000);
    Arbitrary<String> opener = Arbitraries.of("(", "int(", "-", "+", "- ", "int (");
    return Combinators.combine(depth, opener)
        .as(
            (n, open) ->
                open.repeat(n) + "1" + (open.contains("(") ? ")".repeat(n) : "") + ":" + n);
  }

  @Property(tries = 400)
  void expressionGivesAValueOrAClearError(@ForAll("expressions") String expression) {
    valueOrClearError(() -> LeaseExpression.evaluate("capacity of resource db", expression, HOST));
    valueOrClearError(() -> LeaseExpression.evaluate("capacity of resource db", expression));
  }

  @Property(tries = 60)
  void deepExpressionGivesAValueOrAClearError(@ForAll("deepExpressions") String expression) {
    valueOrClearError(() -> LeaseExpression.evaluate("amount of lease db", expression));
  }

  @Property(tries = 300)
  void arbitraryTextIsAnExpressionOrAClearError(@ForAll @Size(max = 300) String text) {
    valueOrClearError(() -> LeaseExpression.evaluate("amount of lease db", text, HOST));
  }

  @Provide
  Arbitrary<String> durations() {
    Arbitrary<String> number =
        Arbitraries.oneOf(
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.strings().numeric().ofMaxLength(25),
            Arbitraries.of("9223372036854775807", "106751991167", "١٢", "-0", "0.5", ""));
    Arbitrary<String> unit =
        Arbitraries.of("ms", "s", "m", "h", "d", "", " s", "S", "D", "parsecs", "PT", "P");
    Arbitrary<String> simple = Combinators.combine(number, unit).as((n, u) -> n + u);
    Arbitrary<String> iso =
        Combinators.combine(Arbitraries.of("PT", "P", "-PT", "pt", "P1DT"), number, unit)
            .as((p, n, u) -> p + n + u.toUpperCase(java.util.Locale.ROOT));
    return Arbitraries.oneOf(simple, iso, Arbitraries.strings().ofMaxLength(30));
  }

  @Property(tries = 500)
  void durationIsBoundedOrAClearError(@ForAll("durations") String text) {
    try {
      Duration d = Durations.parse("--wait", text);
      assertThat(d).isBetween(Duration.ZERO, Durations.MAX);
      // what the engine does with it: no overflow
      assertThat(d.toNanos()).isNotNegative();
    } catch (SwitchmanException e) {
      assertThat(e.getMessage()).startsWith("Invalid --wait '");
    }
  }

  @Provide
  Arbitrary<byte[]> clusterData() {
    Arbitrary<String> json =
        Arbitraries.oneOf(
            Arbitraries.of(
                "{\"groups\":{\"g\":[\"h\"]},\"resources\":[\"db\"],\"capacities\":{\"db\":2}}",
                "{\"resources\":[\"db\"],\"capacities\":{\"db\":\"((((CPU))))\"}} xyz",
                "{\"groups\":{\"g\":5}}",
                "{\"groups\":{\"\":[\"h\"]}}",
                "[" + "[".repeat(3000) + "]".repeat(3000) + "]",
                "{\"capacities\":{\"db\":1e400}}",
                "{\"capacities\":{\"db\":99999999999999999999999}}",
                "null",
                "\"text\"",
                "{} {}"),
            Arbitraries.strings().ofMaxLength(80));
    Arbitrary<byte[]> fromText = json.map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    Arbitrary<byte[]> mutated =
        Combinators.combine(fromText, Arbitraries.integers().between(0, 1000), Arbitraries.bytes())
            .as(
                (b, at, v) -> {
                  if (b.length > 0) {
                    b[at % b.length] = v;
                  }
                  return b;
                });
    return Arbitraries.oneOf(fromText, raw, mutated);
  }

  @Property(tries = 500)
  void clusterDataIsReadOrAClearError(@ForAll("clusterData") byte[] data) {
    try {
      ClusterData d = ClusterData.parse("/switchman", data);
      // what a request does with it: validation and capacities, each a value or a clear error
      valueOrClearError(() -> d.validate(HOST));
      for (String expression : d.capacities().values()) {
        valueOrClearError(() -> LeaseExpression.evaluate("capacity", expression, HOST));
      }
    } catch (SwitchmanException e) {
      assertThat(e.kind()).isEqualTo(SwitchmanException.Kind.INVALID_CLUSTER_DATA);
      assertThat(e.getMessage()).startsWith("Invalid cluster data in znode /switchman: ");
    }
  }
}
