package io.fleetconf.server.security;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The fleet's own certificate authority: an EC P-256 key and a self-signed certificate in a
 * directory ({@code ca.key} with mode 0600, {@code ca.crt}). It issues client certificates to
 * enrolled devices (subject {@code CN=<device id>}) and, for a server that makes its own TLS
 * certificate, the server's.
 */
public final class FleetCa {
  public static final String CERT_FILE = "ca.crt";
  public static final String KEY_FILE = "ca.key";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final X509Certificate certificate;
  private final PrivateKey key;

  private FleetCa(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  public static boolean exists(Path dir) {
    return Files.exists(dir.resolve(CERT_FILE)) && Files.exists(dir.resolve(KEY_FILE));
  }

  public static FleetCa load(Path dir) {
    return new FleetCa(Pem.certificates(dir.resolve(CERT_FILE)).get(0), Pem.privateKey(dir.resolve(KEY_FILE)));
  }

  /** Creates a CA in {@code dir}; refuses to overwrite one. */
  public static FleetCa init(Path dir, String name, Instant now) {
    if (Files.exists(dir.resolve(KEY_FILE)) || Files.exists(dir.resolve(CERT_FILE))) {
      throw new IllegalStateException("a CA already exists in " + dir + "; remove it first to make a new one");
    }
    try {
      KeyPair pair = ecKeyPair();
      X500Name subject = new X500Name("CN=" + IETFUtils.valueToString(new org.bouncycastle.asn1.DERUTF8String(name)));
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(300)),
          Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate certificate = sign(builder, pair.getPrivate());
      Pem.write(dir.resolve(KEY_FILE), Pem.pkcs8(pair.getPrivate()), true);
      Pem.write(dir.resolve(CERT_FILE), Pem.encode(certificate), false);
      return new FleetCa(certificate, pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the CA: " + e.getMessage(), e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return Pem.encode(certificate);
  }

  /** The longest common name X.509 allows (RFC 5280's ub-common-name); device ids may be longer. */
  private static final int MAX_COMMON_NAME = 64;

  /**
   * Signs a device's CSR: the certificate names the device ({@code CN=<id>}) whatever the CSR asks,
   * and is good for client authentication only. A CSR that names another device is refused, and so
   * is a device whose id is too long to be a common name.
   */
  public X509Certificate issueDevice(PKCS10CertificationRequest csr, DeviceId device, Instant now, Duration validity) {
    if (device.value().length() > MAX_COMMON_NAME) {
      throw new InvalidInputException("invalid_device_id", "device id '" + device + "' has " + device.value().length()
          + " characters, more than the " + MAX_COMMON_NAME + " a certificate's common name holds: give this device a"
          + " device token instead");
    }
    try {
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
        throw new InvalidInputException("invalid_csr", "the CSR's signature does not verify");
      }
      var asked = csr.getSubject().getRDNs(BCStyle.CN);
      if (asked.length > 0 && !IETFUtils.valueToString(asked[0].getFirst().getValue()).equals(device.value())) {
        throw new InvalidInputException("invalid_csr", "the CSR names another device than '" + device + "'");
      }
      PublicKey publicKey = new JcaPKCS10CertificationRequest(csr).getPublicKey();
      requireStrong(publicKey);
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minusSeconds(300)), Date.from(now.plus(validity)), new X500Name("CN=" + device.value()),
          publicKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "urn:fleetconf:device:" + device.value())));
      return sign(builder, key);
    } catch (OperatorCreationException | PKCSException | GeneralSecurityException | CertIOException e) {
      throw new InvalidInputException("invalid_csr", "the CSR cannot be signed: " + e.getClass().getSimpleName());
    }
  }

  /** Makes a key and a certificate for this server, for {@code hosts} (names or IP addresses). */
  public void writeServerCertificate(Path certFile, Path keyFile, List<String> hosts, Instant now) {
    try {
      KeyPair pair = ecKeyPair();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minusSeconds(300)), Date.from(now.plus(Duration.ofDays(397))),
          new X500Name("CN=fleetconf server"), pair.getPublic());
      List<GeneralName> names = new ArrayList<>();
      for (String host : hosts) {
        boolean ip = host.matches("[0-9.]+") || host.contains(":");
        names.add(ip ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
            : new GeneralName(GeneralName.dNSName, host));
      }
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      X509Certificate server = sign(builder, key);
      Pem.write(keyFile, Pem.pkcs8(pair.getPrivate()), true);
      Pem.write(certFile, Pem.encode(server, certificate), false);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot make the server certificate: " + e.getMessage(), e);
    }
  }

  /** The device a client certificate names, if this CA issued it. */
  public static String deviceOf(X509Certificate certificate) {
    var cn = new X500Name(certificate.getSubjectX500Principal().getName()).getRDNs(BCStyle.CN);
    return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
  }

  public static String serialOf(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  private static void requireStrong(PublicKey key) {
    boolean strong = switch (key) {
      case ECPublicKey ec -> ec.getParams().getCurve().getField().getFieldSize() >= 256;
      case RSAPublicKey rsa -> rsa.getModulus().bitLength() >= 2048;
      default -> false;
    };
    if (!strong) {
      throw new InvalidInputException("invalid_csr", "the CSR's key must be EC (P-256 or larger) or RSA of 2048 bits or more");
    }
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x10; // positive, and always 32 hex digits
    return new BigInteger(1, bytes);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
