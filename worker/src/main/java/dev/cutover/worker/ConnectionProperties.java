package dev.cutover.worker;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code cutover.connections.<name>.url|username|password|max-pool-size}. */
@ConfigurationProperties(prefix = "cutover")
public record ConnectionProperties(Map<String, Connection> connections) {
  public ConnectionProperties {
    connections = connections == null ? Map.of() : Map.copyOf(connections);
  }

  public record Connection(String url, String username, String password, Integer maxPoolSize) {
    @Override
    public String toString() {
      return "Connection[url=" + url + ", username=" + username + ", password=***]";
    }
  }
}
