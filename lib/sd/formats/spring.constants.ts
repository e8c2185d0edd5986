/** `@class` of Spring Cloud Zookeeper's payload: it marks a node as written by Spring. */
export const SPRING_INSTANCE_CLASS =
  'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance';

/** The metadata key in which Spring Cloud Zookeeper publishes an instance's status. */
export const SPRING_STATUS_KEY = 'instance_status';

/** The status of an instance that takes traffic; Spring's load balancer skips any other. */
export const SPRING_STATUS_UP = 'UP';
