package dev.tether.sandbox.kubernetes;


import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * TLS as an AKS API server serves it: a cluster CA (one per JVM, generated at first use with the JDK alone (SandboxCertificates), EC P-256 so
 * it costs milliseconds) signs a server certificate for 127.0.0.1 and localhost, and the kubeconfig carries the CA in
 * {@code certificate-authority-data}, as listClusterUserCredential's does. A client that does not trust that CA fails
 * the handshake.
 * <p>
 * fabric8's mock server makes a fresh RSA-2048 self-signed certificate per server when asked for HTTPS, which would
 * cost a key generation per cluster; so each API server keeps its plain listener (the sandbox's own traffic) and gets a
 * {@link Front}: a TLS listener that relays bytes to it, which is the address the kubeconfig names.
 */
public final class ClusterTls {
    /** A client certificate of the cluster CA and its key, base64-encoded PEM as a kubeconfig carries them. */
    public record ClientCredential(String certificateData, String keyData) {
    }

    private static final class Holder {
        static final ClusterTls INSTANCE = new ClusterTls();
    }

    private final X509Certificate ca;
    private final java.security.PrivateKey caKey;
    private final SSLContext server;
    private final SSLContext serverAskingClientCertificates;

    private ClusterTls() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair caKeys = gen.generateKeyPair();
            KeyPair serverKeys = gen.generateKeyPair();
            Instant now = Instant.now();
            Instant from = now.minus(Duration.ofDays(1));
            Instant to = now.plus(Duration.ofDays(3650));
            this.ca = SandboxCertificates.certificate("ca", caKeys.getPrivate(), BigInteger.ONE, from, to,
                    SandboxCertificates.name("ca", null), caKeys.getPublic(), List.of(
                            new SandboxCertificates.Ext(SandboxCertificates.BASIC_CONSTRAINTS, true, SandboxCertificates.basicConstraintsCa()),
                            new SandboxCertificates.Ext(SandboxCertificates.KEY_USAGE, true, SandboxCertificates.keyUsage(5, 6))));
            X509Certificate serverCert = SandboxCertificates.certificate("ca", caKeys.getPrivate(), BigInteger.TWO, from, to,
                    SandboxCertificates.name("apiserver", null), serverKeys.getPublic(), List.of(
                            new SandboxCertificates.Ext(SandboxCertificates.SUBJECT_ALT_NAME, false, SandboxCertificates.loopbackNames()),
                            new SandboxCertificates.Ext(SandboxCertificates.KEY_USAGE, true, SandboxCertificates.keyUsage(0))));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "sandbox".toCharArray();
            ks.setKeyEntry("apiserver", serverKeys.getPrivate(), pw, new X509Certificate[]{serverCert, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            this.server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);
            this.caKey = caKeys.getPrivate();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            this.serverAskingClientCertificates = SSLContext.getInstance("TLS");
            serverAskingClientCertificates.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the sandbox could not make its cluster CA", e);
        }
    }

    public static ClusterTls get() {
        return Holder.INSTANCE;
    }

    /** The CA certificate in PEM, base64-encoded: the kubeconfig's {@code certificate-authority-data}. */
    public String caData() {
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ca.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS listener on 127.0.0.1 (an ephemeral port) relaying each connection to the plain listener at {@code backendPort}. */
    Front front(int backendPort) {
        return new Front(server, backendPort, false);
    }

    /**
     * A TLS listener that, like an AKS API server for a local account's certificate, completes the handshake only with
     * a client certificate the cluster CA signed; {@link Front#clientSubjects()} lists the subjects it accepted.
     */
    public Front frontRequiringClientCertificate(int backendPort) {
        return new Front(serverAskingClientCertificates, backendPort, true);
    }

    /**
     * A client certificate for {@code subject} (e.g. {@code CN=masterclient,O=system:masters}, as AKS's local accounts
     * get) signed by the cluster CA, with an RSA-2048 key in PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}), the form AKS's
     * listClusterUserCredential hands out.
     */
    public ClientCredential issueClientCertificate(String subject) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair keys = gen.generateKeyPair();
            Instant now = Instant.now();
            X509Certificate cert = SandboxCertificates.certificate("ca", caKey, BigInteger.valueOf(now.toEpochMilli()),
                    now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(730)), subjectName(subject), keys.getPublic(), List.of(
                            new SandboxCertificates.Ext(SandboxCertificates.KEY_USAGE, true, SandboxCertificates.keyUsage(0, 2)),
                            new SandboxCertificates.Ext(SandboxCertificates.EXTENDED_KEY_USAGE, false, SandboxCertificates.clientAuth())));
            // an RSA PKCS#8 PrivateKeyInfo's privateKey OCTET STRING is the PKCS#1 RSAPrivateKey
            byte[] pkcs1 = SandboxCertificates.pkcs1(keys.getPrivate().getEncoded());
            return new ClientCredential(base64Pem("CERTIFICATE", cert.getEncoded()), base64Pem("RSA PRIVATE KEY", pkcs1));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the sandbox could not issue a client certificate", e);
        }
    }

    /** "CN=x,O=y" or "CN=x" as a Name. */
    private static byte[] subjectName(String subject) {
        String cn = null;
        String o = null;
        for (String part : subject.split(",")) {
            if (part.startsWith("CN=")) {
                cn = part.substring(3);
            } else if (part.startsWith("O=")) {
                o = part.substring(2);
            }
        }
        return SandboxCertificates.name(cn, o);
    }

    private static String base64Pem(String label, byte[] der) {
        String pem = "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    public static final class Front implements AutoCloseable {
        private final ServerSocket listener;
        private final java.util.List<String> clientSubjects = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final int backendPort;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sandbox-apiserver-tls");
            t.setDaemon(true);
            return t;
        });
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        private Front(SSLContext context, int backendPort, boolean needClientAuth) {
            this.backendPort = backendPort;
            try {
                SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
                s.setNeedClientAuth(needClientAuth);
                this.listener = s;
            } catch (IOException e) {
                throw new IllegalStateException("the sandbox could not open a TLS listener", e);
            }
            threads.execute(this::accept);
        }

        public int port() {
            return listener.getLocalPort();
        }

        /** The subjects of the client certificates whose handshakes completed, in order (none without client auth). */
        public java.util.List<String> clientSubjects() {
            return java.util.List.copyOf(clientSubjects);
        }

        private void accept() {
            while (!closed) {
                try {
                    Socket client = listener.accept();
                    if (((SSLServerSocket) listener).getNeedClientAuth()) {
                        try {
                            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) client;
                            tls.startHandshake();
                            clientSubjects.add(((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
                        } catch (IOException e) {
                            client.close(); // no certificate of the cluster CA: the handshake fails, as AKS's does
                            continue;
                        }
                    }
                    Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
                    open.add(client);
                    open.add(backend);
                    threads.execute(() -> pump(client, backend));
                    threads.execute(() -> pump(backend, client));
                } catch (IOException | RejectedExecutionException e) {
                    if (!closed) {
                        continue;
                    }
                    return;
                }
            }
        }

        /** Copies one direction until it ends, then closes both sockets (HTTP/1.1 needs no half-close here). */
        private void pump(Socket from, Socket to) {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // a closed or reset connection ends the relay
            } finally {
                quietlyClose(from);
                quietlyClose(to);
            }
        }

        private void quietlyClose(Socket s) {
            open.remove(s);
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }

        @Override
        public void close() {
            closed = true;
            try {
                listener.close();
            } catch (IOException e) {
                // already closed
            }
            open.forEach(this::quietlyClose);
            threads.shutdownNow();
        }
    }
}
