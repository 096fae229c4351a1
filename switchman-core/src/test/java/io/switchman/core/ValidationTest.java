/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchman.core.SwitchmanException.Kind;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.LeaseExpression;
import io.switchman.core.internal.Names;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad input gives its own clear message naming the value and what is allowed. */
class ValidationTest {

  private static final HostFacts HOST = new HostFacts("web1.example.com", 8, 16384);

  private static void invalid(Runnable r, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOf(SwitchmanException.class)
        .hasMessage(message)
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.INVALID_ARGUMENT);
  }

  @Test
  void lockNames() {
    invalid(
        () -> Names.checkLockName("a/b"),
        "Invalid lock name 'a/b': '/' is not allowed (it must be one znode name)");
    invalid(() -> Names.checkLockName("."), "Invalid lock name '.': '.' and '..' are not allowed");
    invalid(
        () -> Names.checkLockName(".."), "Invalid lock name '..': '.' and '..' are not allowed");
    invalid(() -> Names.checkLockName(""), "Invalid lock name '': must not be empty");
    invalid(
        () -> Names.checkLockName("x".repeat(600)),
        "Invalid lock name '" + "x".repeat(40) + "...': 600 characters, at most 512 are allowed");
    invalid(
        () -> Names.checkLockName("bad\nname"),
        "Invalid lock name 'bad\\u000aname': character U+000A at position 3 is not allowed in a"
            + " znode name (no control characters, surrogates or private-use characters)");
    assertThat(Names.checkLockName("x".repeat(512))).hasSize(512);
    assertThat(Names.checkLockName("nightly-export.v2_ü")).isEqualTo("nightly-export.v2_ü");
    invalid(
        () -> GrantRequest.builder("a/b").build(),
        "Invalid lock name 'a/b': '/' is not allowed (it must be one znode name)");
    invalid(
        () -> Names.checkResourceName("db/x"),
        "Invalid resource name 'db/x': '/' is not allowed (it must be one znode name)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1|1",
        "CPU|8",
        "int(MEMMB/1024)|16",
        "(2+3)*4 - 10/5|18",
        "-3 + 5|2",
        "int(7/2)|3",
      })
  void leaseExpressions(String expr, long value) {
    assertThat(LeaseExpression.evaluate("amount", HOST.expand(expr))).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "7/2|Invalid amount '7/2': it evaluates to 3.5, not a whole number; wrap it in int()",
        "abc|Invalid amount 'abc': unexpected 'a' at position 1; allowed are integers, + - * /, parentheses and int()",
        "system(1)|Invalid amount 'system(1)': unexpected 's' at position 1; allowed are integers, + - * /, parentheses and int()",
        "1;2|Invalid amount '1;2': unexpected ';' at position 2; allowed are integers, + - * /, parentheses and int()",
        "(1|Invalid amount '(1': missing ')'; allowed are integers, + - * /, parentheses and int()",
        "1/0|Invalid amount '1/0': division by zero; allowed are integers, + - * /, parentheses and int()",
        "2**3|Invalid amount '2**3': unexpected '*' at position 3; allowed are integers, + - * /, parentheses and int()",
        "1.5|Invalid amount '1.5': unexpected '.' at position 2; allowed are integers, + - * /, parentheses and int()",
      })
  void badLeaseExpressions(String expr, String message) {
    invalid(() -> LeaseExpression.evaluate("amount", expr), message);
  }

  @Test
  void emptyExpression() {
    invalid(
        () -> LeaseExpression.evaluate("amount", " "),
        "Invalid amount ' ': it is empty; allowed are integers, + - * /, parentheses and int()");
  }

  @Test
  void leaseSpecs() {
    assertThat(LeaseRequest.parse("FQDN_mem=4:int(MEMMB/1024)"))
        .isEqualTo(new LeaseRequest("FQDN_mem", "4", "int(MEMMB/1024)"));
    assertThat(LeaseRequest.parse("db=2")).isEqualTo(new LeaseRequest("db", "2", null));
    invalid(() -> LeaseRequest.parse("db"), "Invalid lease 'db': expected RESOURCE=COUNT:TOTAL");
    invalid(
        () -> LeaseRequest.parse("=1:2"), "Invalid lease '=1:2': expected RESOURCE=COUNT:TOTAL");
    invalid(
        () -> LeaseRequest.parse("db=1:"), "Invalid lease 'db=1:': expected RESOURCE=COUNT:TOTAL");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0|0",
        "500ms|500",
        "10s|10000",
        "5m|300000",
        "1h|3600000",
        "1d|86400000",
        "PT1.5S|1500",
        " 2s |2000"
      })
  void durations(String text, long millis) {
    assertThat(Durations.parse("waitFor", text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ten|Invalid waitFor 'ten': expected a duration such as 500ms, 10s, 5m, 1h, 1d or ISO-8601 (PT10S)",
        "10|Invalid waitFor '10': expected a duration such as 500ms, 10s, 5m, 1h, 1d or ISO-8601 (PT10S)",
        "-5s|Invalid waitFor '-5s': expected a duration such as 500ms, 10s, 5m, 1h, 1d or ISO-8601 (PT10S)",
        "-PT5S|Invalid waitFor '-PT5S': must not be negative",
        "PTx|Invalid waitFor 'PTx': expected a duration such as 500ms, 10s, 5m, 1h, 1d or ISO-8601 (PT10S)",
      })
  void badDurations(String text, String message) {
    invalid(() -> Durations.parse("waitFor", text), message);
  }

  @Test
  void prefixes() {
    invalid(
        () -> new Layout("switchman"),
        "Invalid prefix 'switchman': expected an absolute znode path such as /switchman, without a trailing '/'");
    invalid(
        () -> new Layout("/switchman/"),
        "Invalid prefix '/switchman/': expected an absolute znode path such as /switchman, without a trailing '/'");
    invalid(
        () -> new Layout("/a/../b"),
        "Invalid prefix '/a/../b': Invalid znode name '..': '.' and '..' are not allowed");
    assertThat(new Layout("/apps/switchman").lock("x")).isEqualTo("/apps/switchman/locks/x");
  }

  @Test
  void requestsThatGuardNothing() {
    invalid(
        () -> GrantRequest.builder("job").lock(false).build(),
        "Request 'job' takes neither the lock nor a lease: nothing to guard");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[1]|expected a JSON object, found an array",
        "{\"groups\": []}|\"groups\" must be an object, found an array",
        "{\"groups\": {\"g\": 5}}|group \"g\" must be a string or an array of strings, found a number (5)",
        "{\"groups\": {\"g\": [\"a\", 1]}}|group \"g\" item 1 must be a string, found a number (1)",
        "{\"resources\": \"db\"}|\"resources\" must be an array of strings, found a string",
        "{\"capacities\": {\"db\": true}}|capacity of \"db\" must be an integer or an expression string, found a boolean",
        "{\"groups\": {\"\": [\"a\"]}}|a group name is empty",
      })
  void badClusterData(String json, String problem) {
    assertThatThrownBy(() -> ClusterData.parse("/switchman", json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SwitchmanException.class)
        .hasMessage("Invalid cluster data in znode /switchman: " + problem)
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.INVALID_CLUSTER_DATA);
  }

  @Test
  void malformedClusterJsonNamesTheParseProblem() {
    assertThatThrownBy(
            () -> ClusterData.parse("/switchman", "{\"groups\": ".getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith(
            "Invalid cluster data in znode /switchman: it is not valid JSON: Unexpected end-of-input");
  }

  @Test
  void macrosAreExpandedInOnePass() {
    assertThat(HOST.expand("FQDN_cpu")).isEqualTo("web1.example.com_cpu");
    assertThat(HOST.expand("CPU:MEMMB")).isEqualTo("8:16384");
    assertThat(new HostFacts("CPU-host", 2, 10).expand("FQDN")).isEqualTo("CPU-host");
    assertThat(HostFacts.local().cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }
}
