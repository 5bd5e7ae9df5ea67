package dev.tether.sandbox.kubernetes;

import dev.tether.sandbox.Der;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * X.509 v3 certificates (RFC 5280) for the sandbox's cluster CA, API servers and clients, made with the JDK alone: a
 * small DER writer and {@code SHA256withECDSA} by the issuer's EC key. Neither the package nor the local world needs
 * Bouncy Castle (docs/PACKAGE.md).
 */
final class SandboxCertificates {
    /** An extension: its OID's contents (no tag), whether it is critical, and its DER value. */
    record Ext(byte[] oid, boolean critical, byte[] value) {
    }

    static final byte[] BASIC_CONSTRAINTS = {0x55, 0x1d, 0x13};
    static final byte[] KEY_USAGE = {0x55, 0x1d, 0x0f};
    static final byte[] SUBJECT_ALT_NAME = {0x55, 0x1d, 0x11};
    static final byte[] EXTENDED_KEY_USAGE = {0x55, 0x1d, 0x25};
    private static final byte[] ECDSA_WITH_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] CN = {0x55, 0x04, 0x03};
    private static final byte[] O = {0x55, 0x04, 0x0a};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private SandboxCertificates() {
    }

    static X509Certificate certificate(String issuerCn, PrivateKey issuerKey, BigInteger serial, Instant from, Instant to,
                                       byte[] subject, PublicKey subjectKey, List<Ext> extensions) throws GeneralSecurityException {
        byte[] algorithm = Der.tlv(0x30, Der.tlv(0x06, ECDSA_WITH_SHA256));
        ByteArrayOutputStream exts = new ByteArrayOutputStream();
        for (Ext e : extensions) {
            exts.writeBytes(Der.tlv(0x30, Der.concat(Der.tlv(0x06, e.oid()), e.critical() ? new byte[]{0x01, 0x01, (byte) 0xff} : new byte[0],
                    Der.tlv(0x04, e.value()))));
        }
        byte[] tbs = Der.tlv(0x30, Der.concat(
                Der.tlv(0xa0, new byte[]{0x02, 0x01, 0x02}),
                Der.tlv(0x02, serial.toByteArray()),
                algorithm,
                name(issuerCn, null),
                Der.tlv(0x30, Der.concat(time(from), time(to))),
                subject,
                subjectKey.getEncoded(),
                Der.tlv(0xa3, Der.tlv(0x30, exts.toByteArray()))));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKey);
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] der = Der.tlv(0x30, Der.concat(tbs, algorithm, Der.tlv(0x03, Der.concat(new byte[]{0}, signature))));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** A Name of a CN and, when given, an O (one RDN each). */
    static byte[] name(String cn, String o) {
        byte[] rdns = rdn(CN, cn);
        if (o != null) {
            rdns = Der.concat(rdn(O, o), rdns);
        }
        return Der.tlv(0x30, rdns);
    }

    static byte[] basicConstraintsCa() {
        return Der.tlv(0x30, new byte[]{0x01, 0x01, (byte) 0xff});
    }

    /** KeyUsage BIT STRING of the given bits (0 digitalSignature, 2 keyEncipherment, 5 keyCertSign, 6 cRLSign). */
    static byte[] keyUsage(int... bits) {
        int value = 0;
        int highest = 0;
        for (int b : bits) {
            value |= 0x80 >> b;
            highest = Math.max(highest, b);
        }
        return new byte[]{0x03, 0x02, (byte) (7 - highest), (byte) value};
    }

    /** SubjectAltName of iPAddress 127.0.0.1 and dNSName localhost. */
    static byte[] loopbackNames() {
        return Der.tlv(0x30, Der.concat(Der.tlv(0x87, new byte[]{127, 0, 0, 1}), Der.tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII))));
    }

    /** ExtendedKeyUsage of id-kp-clientAuth (1.3.6.1.5.5.7.3.2). */
    static byte[] clientAuth() {
        return Der.tlv(0x30, Der.tlv(0x06, new byte[]{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02}));
    }

    /** The privateKey OCTET STRING of an RSA PKCS#8 PrivateKeyInfo: the PKCS#1 RSAPrivateKey. */
    static byte[] pkcs1(byte[] pkcs8) {
        int[] outer = Der.element(pkcs8, 0);
        int pos = outer[1];
        for (int i = 0; i < 2; i++) { // version, algorithm
            pos = Der.element(pkcs8, pos)[2];
        }
        int[] key = Der.element(pkcs8, pos);
        return Arrays.copyOfRange(pkcs8, key[1], key[2]);
    }

    private static byte[] rdn(byte[] type, String value) {
        return Der.tlv(0x31, Der.tlv(0x30, Der.concat(Der.tlv(0x06, type), Der.tlv(0x0c, value.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] time(Instant t) {
        return Der.tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }

}
