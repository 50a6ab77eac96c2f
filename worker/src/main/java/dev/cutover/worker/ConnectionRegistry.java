package dev.cutover.worker;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.sql.Connections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** One pool per configured connection, opened on first use so a worker starts without its databases. */
@Component
class ConnectionRegistry implements Connections, DisposableBean {
  private final ConnectionProperties properties;
  private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

  ConnectionRegistry(ConnectionProperties properties) {
    this.properties = properties;
  }

  @Override
  public DataSource get(String name) {
    return pools.computeIfAbsent(name, this::open);
  }

  private HikariDataSource open(String name) {
    ConnectionProperties.Connection c = properties.connections().get(name);
    if (c == null || c.url() == null) {
      throw new UnknownConnectionException(name);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("cutover-" + name);
    config.setJdbcUrl(c.url());
    config.setUsername(c.username());
    config.setPassword(c.password());
    config.setMaximumPoolSize(c.maxPoolSize() == null ? 8 : c.maxPoolSize());
    config.setMinimumIdle(0);
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("ApplicationName", "cutover-worker");
    return new HikariDataSource(config);
  }

  @Override
  public void destroy() {
    pools.values().forEach(HikariDataSource::close);
  }
}
