package dev.tether.sandbox.kubernetes;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
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
import java.util.Date;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * TLS as an AKS API server serves it: a cluster CA (one per JVM, generated at first use with BouncyCastle, EC P-256 so
 * it costs milliseconds) signs a server certificate for 127.0.0.1 and localhost, and the kubeconfig carries the CA in
 * {@code certificate-authority-data}, as listClusterUserCredential's does. A client that does not trust that CA fails
 * the handshake.
 * <p>
 * fabric8's mock server makes a fresh RSA-2048 self-signed certificate per server when asked for HTTPS, which would
 * cost a key generation per cluster; so each API server keeps its plain listener (the sandbox's own traffic) and gets a
 * {@link Front}: a TLS listener that relays bytes to it, which is the address the kubeconfig names.
 */
final class ClusterTls {
    private static final class Holder {
        static final ClusterTls INSTANCE = new ClusterTls();
    }

    private final X509Certificate ca;
    private final SSLContext server;

    private ClusterTls() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair caKeys = gen.generateKeyPair();
            KeyPair serverKeys = gen.generateKeyPair();
            Instant now = Instant.now();
            Date from = Date.from(now.minus(Duration.ofDays(1)));
            Date to = Date.from(now.plus(Duration.ofDays(3650)));
            X500Name caName = new X500Name("CN=ca");
            JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName, caKeys.getPublic());
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate());
            this.ca = new JcaX509CertificateConverter().getCertificate(caBuilder.build(signer));
            JcaX509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, to,
                    new X500Name("CN=apiserver"), serverKeys.getPublic());
            serverBuilder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            serverBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            X509Certificate serverCert = new JcaX509CertificateConverter().getCertificate(serverBuilder.build(signer));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "sandbox".toCharArray();
            ks.setKeyEntry("apiserver", serverKeys.getPrivate(), pw, new X509Certificate[]{serverCert, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            this.server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("the sandbox could not make its cluster CA", e);
        }
    }

    static ClusterTls get() {
        return Holder.INSTANCE;
    }

    /** The CA certificate in PEM, base64-encoded: the kubeconfig's {@code certificate-authority-data}. */
    String caData() {
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
        return new Front(server, backendPort);
    }

    static final class Front implements AutoCloseable {
        private final ServerSocket listener;
        private final int backendPort;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sandbox-apiserver-tls");
            t.setDaemon(true);
            return t;
        });
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        private Front(SSLContext context, int backendPort) {
            this.backendPort = backendPort;
            try {
                SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
                this.listener = s;
            } catch (IOException e) {
                throw new IllegalStateException("the sandbox could not open a TLS listener", e);
            }
            threads.execute(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            while (!closed) {
                try {
                    Socket client = listener.accept();
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
