import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * A JVM service on Curator's service discovery, for the interop tests: {@code java CuratorPeer
 * <connect string> <base path>}. It reads one JSON command per stdin line, {@code {"seq":1,
 * "cmd":"register", ...}}, and answers {@code {"seq":1,"ok":true,"result":...}} (or {@code "ok":false,
 * "error"}); a watched service's ServiceCache prints {@code {"event":"changed","name":..,
 * "instances":[..]}} on each change. Commands:
 * <ul>
 *   <li>{@code register} name, id, address, port, [sslPort], [uriSpec], [description],
 *       [registrationTimeUTC]: registers
 *       with ServiceDiscovery (default JsonInstanceSerializer; a description becomes the payload
 *       {@link InstanceDetails});
 *   <li>{@code unregister} id;
 *   <li>{@code watch} name, [spring]: starts a ServiceCache and a ServiceProvider on the service,
 *       typed {@code Object} (any {@code @class}) or, with spring, {@code ZookeeperInstance} with
 *       the serializer Spring Cloud Zookeeper uses;
 *   <li>{@code instances} name: the cache's instances, the provider's getAllInstances() and one
 *       getInstance();
 *   <li>{@code query} name: ServiceDiscovery.queryForInstances (reads ZooKeeper, no cache);
 *   <li>{@code time} name: the timing mode of the benchmarks (bench/support/curator-timer.ts):
 *       starts a ServiceCache on the service and answers {@code {"instances":n}} once it holds
 *       the instances already there; from then on, each time the cache calls its listener, it
 *       prints {@code {"event":"seen","name":..,"at":"<System.nanoTime()>","added":[ids],
 *       "removed":[ids]}}, the time taken first thing in the listener (the cache has applied the
 *       change), the ids compared after;
 *   <li>{@code untime} name: closes that cache;
 *   <li>{@code clock}: {@code {"nanos":"<System.nanoTime()>"}}, with which the benchmark checks
 *       that the JVM's clock is its own (both read CLOCK_MONOTONIC on Linux).
 * </ul>
 * An instance is printed with its fields, {@code buildUriSpec()} as {@code uri}, its payload's
 * Java class and the payload as Jackson writes it back. Stdin closed: everything is closed.
 */
public final class CuratorPeer {
  /** A typed payload, as in Curator's discovery example. */
  public static final class InstanceDetails {
    public String description;
  }

  private record Watch(ServiceCache<?> cache, ServiceProvider<?> provider) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CuratorFramework client;
  private final ServiceDiscovery<Object> discovery;
  private final ServiceDiscovery<ZookeeperInstance> spring;
  private final Map<String, ServiceInstance<Object>> registered = new ConcurrentHashMap<>();
  private final Map<String, Watch> watches = new ConcurrentHashMap<>();
  private final Map<String, ServiceCache<Object>> timed = new ConcurrentHashMap<>();

  private CuratorPeer(String connect, String basePath) throws Exception {
    client = CuratorFrameworkFactory.newClient(
        connect, 10_000, 5_000, new ExponentialBackoffRetry(100, 5));
    client.start();
    if (!client.blockUntilConnected(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no ZooKeeper session with " + connect + " in 20 s");
    }
    discovery = ServiceDiscoveryBuilder.builder(Object.class)
        .client(client).basePath(basePath).build();
    spring = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
        .client(client).basePath(basePath)
        .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
    discovery.start();
    spring.start();
  }

  public static void main(String[] args) throws Exception {
    CuratorPeer peer = new CuratorPeer(args[0], args[1]);
    emit(JSON.createObjectNode().put("event", "ready"));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) peer.answer(JSON.readTree(line));
    }
    peer.close();
  }

  private void answer(JsonNode command) {
    ObjectNode reply = JSON.createObjectNode().put("seq", command.path("seq").asInt());
    try {
      reply.set("result", run(command));
      reply.put("ok", true);
    } catch (Exception e) {
      reply.put("ok", false).put("error", e.toString());
    }
    emit(reply);
  }

  private JsonNode run(JsonNode command) throws Exception {
    String name = command.path("name").asText();
    switch (command.path("cmd").asText()) {
      case "register": {
        ServiceInstance<Object> instance = buildInstance(command);
        discovery.registerService(instance);
        registered.put(instance.getId(), instance);
        return describe(instance);
      }
      case "unregister": {
        ServiceInstance<Object> instance = registered.remove(command.path("id").asText());
        if (instance == null) throw new IllegalArgumentException("not registered here");
        discovery.unregisterService(instance);
        return JSON.createObjectNode().put("id", instance.getId());
      }
      case "watch": {
        Watch watch = command.path("spring").asBoolean() ? watch(spring, name) : watch(discovery, name);
        watches.put(name, watch);
        return describe(watch.cache().getInstances());
      }
      case "instances": {
        Watch watch = watches.get(name);
        if (watch == null) throw new IllegalArgumentException("not watched: " + name);
        ObjectNode result = JSON.createObjectNode();
        result.set("cache", describe(watch.cache().getInstances()));
        result.set("provider", describe(watch.provider().getAllInstances()));
        ServiceInstance<?> pick = watch.provider().getInstance();
        result.set("pick", pick == null ? null : describe(pick));
        return result;
      }
      case "query":
        return describe(discovery.queryForInstances(name));
      case "time":
        return JSON.createObjectNode().put("instances", time(name));
      case "untime": {
        ServiceCache<Object> cache = timed.remove(name);
        if (cache == null) throw new IllegalArgumentException("not timed: " + name);
        cache.close();
        return JSON.createObjectNode().put("name", name);
      }
      case "clock":
        return JSON.createObjectNode().put("nanos", Long.toString(System.nanoTime()));
      default:
        throw new IllegalArgumentException("unknown command " + command.path("cmd"));
    }
  }

  private static ServiceInstance<Object> buildInstance(JsonNode command) throws Exception {
    var builder = ServiceInstance.<Object>builder()
        .name(command.path("name").asText())
        .id(command.path("id").asText())
        .address(command.path("address").asText())
        .port(command.path("port").asInt());
    if (command.hasNonNull("sslPort")) builder.sslPort(command.path("sslPort").asInt());
    if (command.hasNonNull("registrationTimeUTC")) {
      builder.registrationTimeUTC(command.path("registrationTimeUTC").asLong());
    }
    if (command.hasNonNull("uriSpec")) builder.uriSpec(new UriSpec(command.path("uriSpec").asText()));
    if (command.hasNonNull("description")) {
      InstanceDetails details = new InstanceDetails();
      details.description = command.path("description").asText();
      builder.payload(details);
    }
    return builder.build();
  }

  private <T> Watch watch(ServiceDiscovery<T> from, String name) throws Exception {
    ServiceCache<T> cache = from.serviceCacheBuilder().name(name).build();
    cache.addListener(new ServiceCacheListener() {
      @Override
      public void cacheChanged() {
        ObjectNode event = JSON.createObjectNode().put("event", "changed").put("name", name);
        event.set("instances", describe(cache.getInstances()));
        emit(event);
      }

      @Override
      public void stateChanged(CuratorFramework client, ConnectionState state) {
        emit(JSON.createObjectNode().put("event", "state").put("state", state.toString()));
      }
    });
    cache.start();
    ServiceProvider<T> provider = from.serviceProviderBuilder().serviceName(name).build();
    provider.start();
    return new Watch(cache, provider);
  }

  /**
   * Starts a ServiceCache on {@code name} whose listener reports when it saw each instance come
   * and go (see {@code time} above); returns the number of instances it held once started.
   */
  private int time(String name) throws Exception {
    if (timed.containsKey(name)) throw new IllegalArgumentException("already timed: " + name);
    ServiceCache<Object> cache = discovery.serviceCacheBuilder().name(name).build();
    Set<String> known = new HashSet<>();
    cache.addListener(new ServiceCacheListener() {
      @Override
      public void cacheChanged() {
        long at = System.nanoTime();
        synchronized (known) {
          Set<String> now = new HashSet<>();
          for (ServiceInstance<Object> instance : cache.getInstances()) now.add(instance.getId());
          ArrayNode added = JSON.createArrayNode();
          ArrayNode removed = JSON.createArrayNode();
          for (String id : now) if (!known.contains(id)) added.add(id);
          for (String id : known) if (!now.contains(id)) removed.add(id);
          known.clear();
          known.addAll(now);
          ObjectNode event = JSON.createObjectNode()
              .put("event", "seen").put("name", name).put("at", Long.toString(at));
          event.set("added", added);
          event.set("removed", removed);
          emit(event);
        }
      }

      @Override
      public void stateChanged(CuratorFramework client, ConnectionState state) {}
    });
    cache.start();
    synchronized (known) {
      for (ServiceInstance<Object> instance : cache.getInstances()) known.add(instance.getId());
      timed.put(name, cache);
      return known.size();
    }
  }

  private static ArrayNode describe(Collection<? extends ServiceInstance<?>> instances) {
    ArrayNode list = JSON.createArrayNode();
    instances.stream()
        .sorted(Comparator.comparing(ServiceInstance::getId))
        .forEach(instance -> list.add(describe(instance)));
    return list;
  }

  private static ObjectNode describe(ServiceInstance<?> instance) {
    Object payload = instance.getPayload();
    ObjectNode node = JSON.createObjectNode()
        .put("id", instance.getId())
        .put("name", instance.getName())
        .put("address", instance.getAddress())
        .put("port", instance.getPort())
        .put("sslPort", instance.getSslPort())
        .put("uri", instance.buildUriSpec())
        .put("enabled", instance.isEnabled())
        .put("payloadClass", payload == null ? null : payload.getClass().getName());
    node.set("payload", JSON.valueToTree(payload));
    return node;
  }

  private static synchronized void emit(JsonNode line) {
    System.out.println(line.toString());
    System.out.flush();
  }

  private void close() throws Exception {
    for (ServiceCache<Object> cache : timed.values()) cache.close();
    for (Watch watch : watches.values()) {
      watch.provider().close();
      watch.cache().close();
    }
    spring.close();
    discovery.close();
    client.close();
  }
}
