/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.SwitchmanEngine;
import io.switchman.spring.boot.actuate.endpoint.SwitchmanEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;

/** The sample starts its embedded ZooKeeper, writes its cluster data, and runs every job. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"switchman.embedded.port=0", "switchman.host=sample1"})
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

  @Autowired SwitchmanEngine engine;
  @Autowired SwitchmanEndpoint endpoint;
  @Autowired Environment environment;

  @Test
  void everyJobShouldRunOnAFreshZooKeeper(CapturedOutput output) throws Exception {
    assertThat(engine.clusterData().groups()).containsKey("workers");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(output.getOut())
                    .contains("[singleton] sample1 writes the cluster-wide report")
                    .contains("[lease] sample1 crunches numbers")
                    .contains("[group] sample1, a member of group 'workers', cleans up")
                    .contains("[fencing] sample1 exports with fencing token"));
    assertThat(endpoint.switchman().clusterData()).isNotNull();
    assertThat(endpoint.switchman().connected()).isTrue();
  }

  @Test
  void actuatorShouldServeTheEndpointAndTheHealthOverHttp() throws Exception {
    String base = "http://localhost:" + environment.getProperty("local.server.port");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> switchman =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/switchman")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(switchman.statusCode()).isEqualTo(200);
    assertThat(switchman.body())
        .contains("\"host\":\"sample1\"")
        .contains("\"connected\":true")
        .contains("\"locks\":")
        .contains("\"clusterData\":{\"groups\":{\"workers\":[\"sample1\"]}");
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.body()).contains("\"switchman\":{").contains("\"sessionTimeoutMs\":");
  }
}
