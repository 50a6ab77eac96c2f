package dev.cutover.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The worker: registers cutover's workflows and activities on the task queue and resolves connections. */
@SpringBootApplication
@EnableConfigurationProperties(ConnectionProperties.class)
public class CutoverWorkerApplication {
  public static void main(String[] args) {
    SpringApplication.run(CutoverWorkerApplication.class, args);
  }
}
