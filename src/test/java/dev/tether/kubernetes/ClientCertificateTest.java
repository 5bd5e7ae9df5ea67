package dev.tether.kubernetes;

import dev.tether.sandbox.Der;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each PEM form a kubeconfig's client-key-data takes, made from a JDK-generated key: the key read back is the same key
 * (same PKCS#8 encoding, and it signs what the public key verifies).
 */
class ClientCertificateTest {

    @Test
    void pkcs1RsaKeyAsAksHandsItOut() throws Exception {
        KeyPair pair = rsa();
        byte[] pkcs1 = innerKey(pair.getPrivate().getEncoded()); // PKCS#8's privateKey OCTET STRING holds the PKCS#1 key
        PrivateKey read = ClientCertificate.privateKey(pem("RSA PRIVATE KEY", pkcs1));
        assertEquals("RSA", read.getAlgorithm());
        assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
        assertSigns(pair, read, "SHA256withRSA");
    }

    @Test
    void pkcs8Keys() throws Exception {
        for (KeyPair pair : new KeyPair[]{rsa(), ec("secp256r1")}) {
            PrivateKey read = ClientCertificate.privateKey(pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            assertEquals(pair.getPrivate().getAlgorithm(), read.getAlgorithm());
            assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
        }
    }

    @Test
    void sec1EcKeysNameTheirCurve() throws Exception {
        for (String curve : new String[]{"secp256r1", "secp384r1"}) {
            KeyPair pair = ec(curve);
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            // SEC1 with its parameters: the JDK's inner ECPrivateKey (version, key) plus [0] { the curve OID }
            byte[] inner = innerKey(pkcs8);
            byte[] curveOid = curveOid(pkcs8);
            byte[] sec1 = Der.tlv(0x30, Der.concat(contents(inner), Der.tlv(0xa0, curveOid)));
            PrivateKey read = ClientCertificate.privateKey(pem("EC PRIVATE KEY", sec1));
            assertEquals("EC", read.getAlgorithm());
            assertEquals(((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(),
                    ((java.security.interfaces.ECPrivateKey) read).getS());
            assertSigns(pair, read, "SHA256withECDSA");
        }
    }

    @Test
    void sec1WithoutCurveIsRefused() throws Exception {
        byte[] inner = innerKey(ec("secp256r1").getPrivate().getEncoded());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientCertificate.privateKey(pem("EC PRIVATE KEY", inner)));
        assertEquals("client-key-data's EC PRIVATE KEY names no curve", e.getMessage());
    }

    @Test
    void encryptedKeysAreRefusedSayingSo() throws Exception {
        String expected = "client-key-data is an encrypted key; Tether needs an unencrypted one (the kubeconfig AKS hands out has one)";
        IllegalArgumentException pkcs8 = assertThrows(IllegalArgumentException.class,
                () -> ClientCertificate.privateKey(pem("ENCRYPTED PRIVATE KEY", new byte[]{0x30, 0x00})));
        assertEquals(expected, pkcs8.getMessage());
        String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n"
                + Base64.getMimeEncoder().encodeToString(innerKey(rsa().getPrivate().getEncoded())) + "\n-----END RSA PRIVATE KEY-----\n";
        IllegalArgumentException openssl = assertThrows(IllegalArgumentException.class, () -> ClientCertificate.privateKey(legacy));
        assertEquals(expected, openssl.getMessage());
    }

    @Test
    void badKeysAreRefusedWithoutEchoingThem() throws Exception {
        IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class, () -> ClientCertificate.privateKey("s3cr3t"));
        assertEquals("client-key-data is not a PEM key (no BEGIN line)", notPem.getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> ClientCertificate.privateKey(pem("DSA PRIVATE KEY", new byte[]{1, 2, 3})));
        assertEquals("client-key-data is a PEM 'DSA PRIVATE KEY'; expected RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY", other.getMessage());
        byte[] truncated = Arrays.copyOf(innerKey(rsa().getPrivate().getEncoded()), 40);
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> ClientCertificate.privateKey(pem("RSA PRIVATE KEY", truncated)));
        assertEquals("client-key-data is not a valid RSA PRIVATE KEY (InvalidKeySpecException)", broken.getMessage());
    }

    @Test
    void certificateDataMustBeACertificate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientCertificate.certificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("client-certificate-data is not a PEM X.509 certificate", e.getMessage());
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        return gen.generateKeyPair();
    }

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec(curve));
        return gen.generateKeyPair();
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static void assertSigns(KeyPair pair, PrivateKey read, String algorithm) throws Exception {
        byte[] data = "tether".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(read);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(pair.getPublic());
        verifier.update(data);
        assertTrue(verifier.verify(signature), "the key read back signs for the generated public key");
    }

    // A test-side DER reader, independent of the code under test: PrivateKeyInfo ::= SEQUENCE { INTEGER, SEQUENCE
    // { algorithm OID, parameters }, OCTET STRING }

    /** The privateKey OCTET STRING's contents of a PKCS#8 PrivateKeyInfo. */
    static byte[] innerKey(byte[] pkcs8) {
        int[] seq = Der.element(pkcs8, 0);
        int[] version = Der.element(pkcs8, seq[1]);
        int[] algorithm = Der.element(pkcs8, version[2]);
        int[] key = Der.element(pkcs8, algorithm[2]);
        assertEquals(0x04, pkcs8[key[0]] & 0xff);
        return Arrays.copyOfRange(pkcs8, key[1], key[2]);
    }

    /** The AlgorithmIdentifier's parameters (the curve OID, whole) of an EC PKCS#8 PrivateKeyInfo. */
    static byte[] curveOid(byte[] pkcs8) {
        int[] seq = Der.element(pkcs8, 0);
        int[] version = Der.element(pkcs8, seq[1]);
        int[] algorithm = Der.element(pkcs8, version[2]);
        int[] oid = Der.element(pkcs8, algorithm[1]);
        int[] params = Der.element(pkcs8, oid[2]);
        assertEquals(0x06, pkcs8[params[0]] & 0xff);
        return Arrays.copyOfRange(pkcs8, params[0], params[2]);
    }

    private static byte[] contents(byte[] der) {
        int[] e = Der.element(der, 0);
        return Arrays.copyOfRange(der, e[1], e[2]);
    }
}
