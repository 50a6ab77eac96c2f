package dev.cutover.cli;

import dev.cutover.worker.CutoverWorkerApplication;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the Spring Boot worker ({@link CutoverWorkerApplication}) in this process. */
final class SpringWorker {
  private SpringWorker() {}

  /**
   * {@code properties} are passed as command-line arguments so they win over the worker's application.yml and the
   * environment; {@code ssl}, when not null, reaches the service stubs through a customizer because the starter has
   * no property for a CA file.
   */
  static ConfigurableApplicationContext start(Map<String, String> properties, SslContext ssl) {
    SpringApplication app = new SpringApplication(CutoverWorkerApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    app.setRegisterShutdownHook(false);
    if (ssl != null) {
      app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("cutoverCliTls", new Tls(ssl)));
    }
    String[] args = properties.entrySet().stream()
        .map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
    return app.run(args);
  }

  static final class Tls implements TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> {
    private final SslContext ssl;

    Tls(SslContext ssl) {
      this.ssl = ssl;
    }

    @Override
    public WorkflowServiceStubsOptions.Builder customize(WorkflowServiceStubsOptions.Builder builder) {
      return builder.setSslContext(ssl);
    }
  }
}
