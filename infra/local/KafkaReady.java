// Readiness probe for infra/local/kafka.sh: exits 0 once the broker at args[0] reports at least one live
// (registered and unfenced) broker in DescribeCluster, i.e. it can serve metadata, produce and topic
// creation, and its group coordinator answers. A TCP check is not enough: the listener socket is bound before the broker has caught up with
// the KRaft metadata log. One JVM polls in a loop, because a JVM start per poll costs seconds on 2 cores.
//
// usage: java -cp "$LIB/*:$PROBE_DIR" KafkaReady <host:port> <timeout-seconds> [<broker-pid>]
// exit: 0 ready, 1 timed out, 2 the broker process exited while we waited.
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.FenceProducersOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

public final class KafkaReady {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: KafkaReady <host:port> <timeout-seconds> [<broker-pid>]");
      System.exit(64);
    }
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    Optional<ProcessHandle> broker = args.length > 2 ? ProcessHandle.of(Long.parseLong(args[2])) : Optional.empty();

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "sinbin-kafka-ready");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "50");
    props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "250");

    String last = "no answer yet";
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        if (broker.isPresent() && !broker.get().isAlive() || args.length > 2 && broker.isEmpty()) {
          System.err.println("broker process " + args[2] + " exited");
          System.exit(2);
        }
        try {
          Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
          if (nodes.isEmpty()) {
            last = "metadata lists no live broker yet (not registered or still fenced)";
          } else {
            // The group coordinator: finding it creates __consumer_offsets, which a fresh broker has not
            // done yet; without this the first consumer group sees COORDINATOR_NOT_AVAILABLE for a while.
            try {
              admin.describeConsumerGroups(List.of("sinbin-kafka-ready"), new DescribeConsumerGroupsOptions().timeoutMs(2000))
                  .all().get(3, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
              if (!(e.getCause() instanceof GroupIdNotFoundException)) throw e; // Kafka 4: coordinator answered
            }
            // Producer ids: an idempotent producer's InitProducerId answers COORDINATOR_LOAD_IN_PROGRESS until
            // the broker has fetched a block of ids from the controller, which it starts doing on the first
            // request. Fencing a never-seen transactional id needs a new producer id, so it waits for that
            // block (and for __transaction_state). A known id would only bump its epoch, hence a fresh one;
            // the coordinator forgets it after transactional.id.expiration.ms (7 days).
            admin.fenceProducers(List.of("sinbin-kafka-ready-" + UUID.randomUUID()), new FenceProducersOptions().timeoutMs(2000))
                .all().get(3, TimeUnit.SECONDS);
            System.exit(0);
          }
        } catch (ExecutionException e) {
          last = String.valueOf(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
          last = "request timed out";
        }
        Thread.sleep(100);
      }
    }
    System.err.println("not ready: " + last);
    System.exit(1);
  }
}
