package org.springframework.cloud.zookeeper.discovery;

import java.util.HashMap;
import java.util.Map;

/**
 * The shape of Spring Cloud Zookeeper's payload class, under its real name: Jackson maps a node's
 * {@code "@class": "org.springframework.cloud.zookeeper.discovery.ZookeeperInstance"} to this class
 * exactly as it does in a Spring application, and fails (unknown property) on any field Spring's
 * class does not have. Written for the interop tests; not Spring's code.
 */
public class ZookeeperInstance {
  /** The application context id. */
  public String id;

  /** {@code spring.application.name}. */
  public String name;

  /** Labels, and the instance's status under {@code instance_status}. */
  public Map<String, String> metadata = new HashMap<>();
}
