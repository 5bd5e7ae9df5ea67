package dev.tether.kubernetes;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;

/**
 * A kubeconfig's client certificate and key as TLS key managers, with the JDK alone (client-java's SSLUtils would parse
 * the key with Bouncy Castle, 10.5 MB of the package; docs/PACKAGE.md).
 * <p>
 * {@code client-certificate-data} is one or more PEM certificates. {@code client-key-data} is one of the unencrypted PEM
 * forms a kubeconfig carries: PKCS#1 {@code RSA PRIVATE KEY} (what AKS hands out for local accounts), PKCS#8
 * {@code PRIVATE KEY}, or SEC1 {@code EC PRIVATE KEY} (with its curve). PKCS#1 and SEC1 are wrapped into PKCS#8 here
 * (RFC 5208: version 0, the algorithm identifier, the key as an OCTET STRING). Encrypted keys are refused.
 * <p>
 * Every failure is an {@link IllegalArgumentException} whose message names the problem, never key material.
 */
final class ClientCertificate {
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
            0x0d, 0x01, 0x01, 0x01, 0x05, 0x00}; // SEQUENCE { rsaEncryption 1.2.840.113549.1.1.1, NULL }
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01}; // 1.2.840.10045.2.1

    private ClientCertificate() {
    }

    /** Key managers presenting the certificate chain with its key. */
    static KeyManager[] keyManagers(byte[] certificatePem, byte[] keyPem) {
        PrivateKey key = privateKey(new String(keyPem, StandardCharsets.US_ASCII));
        Certificate[] chain = certificates(certificatePem);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("client", key, password, chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("the client certificate and key do not form a usable key pair ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    static Certificate[] certificates(byte[] pem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("client-certificate-data holds no certificate");
            }
            return certs.toArray(new Certificate[0]);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("client-certificate-data is not a PEM X.509 certificate");
        }
    }

    static PrivateKey privateKey(String pem) {
        String label = label(pem);
        byte[] der = body(pem, label);
        try {
            return switch (label) {
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(RSA_ALGORITHM, der)));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                        pkcs8(sequence(concat(EC_PUBLIC_KEY_OID, sec1Curve(der))), der)));
                case "PRIVATE KEY" -> pkcs8Key(der);
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                        "client-key-data is an encrypted key; Tether needs an unencrypted one (the kubeconfig AKS hands out has one)");
                default -> throw new IllegalArgumentException("client-key-data is a PEM '" + label
                        + "'; expected RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY");
            };
        } catch (GeneralSecurityException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("client-key-data is not a valid " + label + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static PrivateKey pkcs8Key(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[]{"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static String label(String pem) {
        int begin = pem.indexOf("-----BEGIN ");
        int end = begin < 0 ? -1 : pem.indexOf("-----", begin + 11);
        if (begin < 0 || end < 0) {
            throw new IllegalArgumentException("client-key-data is not a PEM key (no BEGIN line)");
        }
        String label = pem.substring(begin + 11, end);
        if (pem.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new IllegalArgumentException("client-key-data is an encrypted key; Tether needs an unencrypted one "
                    + "(the kubeconfig AKS hands out has one)");
        }
        return label;
    }

    private static byte[] body(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end, from);
        if (to < 0) {
            throw new IllegalArgumentException("client-key-data has no END line for its " + label);
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client-key-data's " + label + " is not base64");
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING }. */
    static byte[] pkcs8(byte[] algorithmIdentifier, byte[] key) {
        return sequence(concat(new byte[]{0x02, 0x01, 0x00}, algorithmIdentifier, tlv(0x04, key)));
    }

    /**
     * The named curve of a SEC1 ECPrivateKey ::= SEQUENCE { version INTEGER 1, privateKey OCTET STRING,
     * parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }: the OID's full encoding.
     */
    static byte[] sec1Curve(byte[] der) {
        int[] outer = header(der, 0, 0x30);
        int pos = outer[0];
        int limit = outer[0] + outer[1];
        while (pos < limit) {
            int tag = der[pos] & 0xff;
            int[] h = header(der, pos, tag);
            if (tag == 0xa0) {
                int[] oid = header(der, h[0], 0x06);
                return Arrays.copyOfRange(der, h[0], oid[0] + oid[1]);
            }
            pos = h[0] + h[1];
        }
        throw new IllegalArgumentException("client-key-data's EC PRIVATE KEY names no curve");
    }

    /** {contents offset, contents length} of the DER element at {@code pos}, which must have tag {@code tag}. */
    private static int[] header(byte[] der, int pos, int tag) {
        if ((der[pos] & 0xff) != tag) {
            throw new IllegalArgumentException("client-key-data is not the DER it claims to be");
        }
        int first = der[pos + 1] & 0xff;
        if (first < 0x80) {
            return new int[]{pos + 2, first};
        }
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 3) {
            throw new IllegalArgumentException("client-key-data is not the DER it claims to be");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[pos + 2 + i] & 0xff);
        }
        int start = pos + 2 + bytes;
        if (start + length > der.length) {
            throw new IllegalArgumentException("client-key-data is not the DER it claims to be");
        }
        return new int[]{start, length};
    }

    private static byte[] sequence(byte[] contents) {
        return tlv(0x30, contents);
    }

    private static byte[] tlv(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
        out.write(tag);
        int n = contents.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
