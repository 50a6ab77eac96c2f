package dev.cutover.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * Where Temporal is, named like the Temporal CLI: {@code --address}/{@code --namespace} over
 * {@code TEMPORAL_ADDRESS} (default 127.0.0.1:7233) and {@code TEMPORAL_NAMESPACE} (default {@code default});
 * {@code TEMPORAL_API_KEY} and {@code TEMPORAL_TLS_CERT}/{@code _KEY}/{@code _CA} from the environment.
 */
public class TemporalOptions {
  static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Temporal frontend (env TEMPORAL_ADDRESS, default " + DEFAULT_ADDRESS + ")")
  String address;

  @Option(names = "--namespace", paramLabel = "NAME",
      description = "Temporal namespace (env TEMPORAL_NAMESPACE, default 'default')")
  String namespace;

  public String address() {
    return address != null ? address : env("TEMPORAL_ADDRESS", DEFAULT_ADDRESS);
  }

  public String namespace() {
    return namespace != null ? namespace : env("TEMPORAL_NAMESPACE", "default");
  }

  String apiKey() {
    return env("TEMPORAL_API_KEY", null);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /**
   * Properties for a Spring worker with the same settings; TLS goes through {@link #sslContext()} because the
   * starter has no property for a CA file.
   */
  Map<String, String> springProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spring.temporal.connection.target", address());
    p.put("spring.temporal.namespace", namespace());
    if (apiKey() != null) {
      p.put("spring.temporal.connection.api-key", apiKey());
      p.put("spring.temporal.connection.enable-https", "true");
    }
    return p;
  }

  /** The TLS the environment asks for, or null for plaintext. */
  SslContext sslContext() {
    String cert = env("TEMPORAL_TLS_CERT", null);
    String key = env("TEMPORAL_TLS_KEY", null);
    String ca = env("TEMPORAL_TLS_CA", null);
    if (cert == null && key == null && ca == null) {
      return null;
    }
    if ((cert == null) != (key == null)) {
      throw new CliFailure(ExitCode.INVALID_INPUT, "set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or neither");
    }
    try {
      SimpleSslContextBuilder b;
      if (cert != null) {
        try (InputStream c = Files.newInputStream(Path.of(cert)); InputStream k = Files.newInputStream(Path.of(key))) {
          b = SimpleSslContextBuilder.forPKCS8(c, k);
        }
      } else {
        b = SimpleSslContextBuilder.noKeyOrCertChain();
      }
      if (ca != null) {
        b.setTrustManager(trustManagers(Path.of(ca)).getTrustManagers()[0]);
      }
      return b.build();
    } catch (IOException | GeneralSecurityException e) {
      throw new CliFailure(ExitCode.INVALID_INPUT, "cannot use the TLS files from TEMPORAL_TLS_CERT/KEY/CA: " + e.getMessage());
    }
  }

  private static TrustManagerFactory trustManagers(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
    }
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    return f;
  }

  WorkflowServiceStubsOptions.Builder apply(WorkflowServiceStubsOptions.Builder b) {
    SslContext ssl = sslContext();
    if (ssl != null) {
      b.setSslContext(ssl);
    } else if (apiKey() != null) {
      b.setEnableHttps(true);
    }
    String key = apiKey();
    if (key != null) {
      b.addApiKey(() -> key);
    }
    return b;
  }

  /** Connects and checks that the server answers; "can't reach Temporal" is one line, exit 1. */
  public Temporal connect() {
    WorkflowServiceStubsOptions options = apply(WorkflowServiceStubsOptions.newBuilder())
        .setTarget(address())
        .setRpcQueryTimeout(Duration.ofSeconds(10))
        .build();
    WorkflowServiceStubs stubs;
    try {
      stubs = WorkflowServiceStubs.newConnectedServiceStubs(options, CONNECT_TIMEOUT);
    } catch (RuntimeException e) {
      throw cannotReach(e);
    }
    WorkflowClient client = WorkflowClient.newInstance(stubs,
        WorkflowClientOptions.newBuilder().setNamespace(namespace()).setIdentity(identity()).build());
    return new Temporal(address(), namespace(), stubs, client);
  }

  CliFailure cannotReach(Throwable e) {
    String why = e instanceof StatusRuntimeException s ? describe(s.getStatus()) : String.valueOf(e.getMessage());
    return new CliFailure(ExitCode.UNEXPECTED, "can't reach Temporal at " + address() + " (namespace " + namespace()
        + "): " + why + "; start one with `cutover dev` or point TEMPORAL_ADDRESS/--address at yours");
  }

  private static String describe(Status s) {
    return s.getDescription() == null ? s.getCode().toString() : s.getCode() + " " + s.getDescription();
  }

  private static String identity() {
    String user = System.getProperty("user.name", "?");
    return "cutover-cli " + user + "@" + ProcessHandle.current().pid();
  }
}
