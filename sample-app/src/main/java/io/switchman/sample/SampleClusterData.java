/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.sample;

import io.switchman.core.ClusterData;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.spring.boot.autoconfigure.SwitchmanTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Writes the cluster data the jobs need (the group 'workers', the resource FQDN_cpu and its
 * capacity) into the prefix znode when it has none yet, so that the sample runs on a fresh
 * ZooKeeper. Runs before the scheduler starts, under the lock 'sample-cluster-data' taken with
 * {@link SwitchmanTemplate} (a startup task has no annotation), so that instances started together
 * do not both write it. Real deployments write it once with an administration tool instead.
 */
@Component
public class SampleClusterData implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(SampleClusterData.class);

  private final SwitchmanEngine engine;
  private final SwitchmanTemplate switchman;
  private final List<String> workers;

  public SampleClusterData(
      SwitchmanEngine engine,
      SwitchmanTemplate switchman,
      @Value("${sample.workers:}") List<String> workers) {
    this.engine = engine;
    this.switchman = switchman;
    this.workers = workers.isEmpty() ? List.of(engine.host().fqdn()) : List.copyOf(workers);
  }

  @Override
  public void afterPropertiesSet() throws Exception {
    boolean ran =
        switchman
            .lock("sample-cluster-data")
            .waitFor(Duration.ofSeconds(10))
            .call(
                () -> {
                  writeIfMissing();
                  return null;
                })
            .ran();
    if (!ran) {
      log.warn(
          "Did not check the cluster data: lock 'sample-cluster-data' not granted (see above)");
    }
  }

  private void writeIfMissing() throws InterruptedException {
    try {
      String current = engine.status().clusterData();
      if (current != null && !current.isBlank()) {
        log.info("Cluster data in {}: {}", engine.prefix(), current);
        return;
      }
      ClusterData data =
          new ClusterData(
              Map.of("workers", workers), List.of("FQDN_cpu"), Map.of("FQDN_cpu", "CPU"));
      engine.writeClusterData(data);
      log.info("Wrote the sample's cluster data into {}: workers {}", engine.prefix(), workers);
    } catch (SwitchmanException e) {
      log.warn("Cannot check or write the cluster data now: {}", e.getMessage());
    }
  }
}
