package io.fleetconf.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;

/**
 * A PKCS#10 certificate request (RFC 2986) for {@code CN=<device id>}, signed SHA256withECDSA, as
 * PEM: written with the JDK alone, so that the agent carries no Bouncy Castle for the one DER
 * structure it sends when it enrols or renews.
 */
final class CertificateRequest {
  private static final byte[] SHA256_WITH_ECDSA = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

  private CertificateRequest() {}

  /** The request as {@code -----BEGIN CERTIFICATE REQUEST-----} PEM; the subject keeps the id's exact text (UTF8String). */
  static String pem(String deviceId, KeyPair pair) throws GeneralSecurityException {
    byte[] subject = der(0x30, der(0x31, der(0x30, COMMON_NAME, der(0x0c, deviceId.getBytes(StandardCharsets.UTF_8)))));
    byte[] info = der(0x30, new byte[] {0x02, 0x01, 0x00}, subject, pair.getPublic().getEncoded(), new byte[] {(byte) 0xa0, 0x00});
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate());
    signer.update(info);
    byte[] signature = signer.sign();
    byte[] bits = new byte[signature.length + 1]; // a BIT STRING: no unused bits, then the DER signature
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] request = der(0x30, info, der(0x30, SHA256_WITH_ECDSA), der(0x03, bits));
    return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(request)
        + "\n-----END CERTIFICATE REQUEST-----\n";
  }

  /** A DER element: its tag, its definite length, then the parts' bytes one after the other. */
  static byte[] der(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    int length = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
