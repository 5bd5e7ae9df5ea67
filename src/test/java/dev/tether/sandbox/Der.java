package dev.tether.sandbox;

import java.io.ByteArrayOutputStream;

/**
 * DER for the tests and the local world (certificates, keys in each PEM form), written apart from the code under test
 * ({@code ClientCertificate} has its own), so a test never checks Tether's encoding with itself.
 */
public final class Der {
    private Der() {
    }

    /** One element: tag, definite length (short or long form), contents. */
    public static byte[] tlv(int tag, byte[] contents) {
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

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {start, contents start, end} of the element at {@code pos}. */
    public static int[] element(byte[] der, int pos) {
        int len = der[pos + 1] & 0xff;
        int start = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[pos + 2 + i] & 0xff);
            }
            start += n;
        }
        return new int[]{pos, start, start + len};
    }
}
