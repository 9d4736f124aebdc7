package dk.samtale.journal.http;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * A TLS context for one tenant's case system: its client certificate and key (mutual TLS) and, when
 * given, the CA certificates to trust for the server instead of the JVM's trust store. PEM files, parsed
 * with Bouncy Castle (PKCS#8 or traditional keys, RSA or EC).
 */
final class TenantTls {

    private TenantTls() {
    }

    static SSLContext context(TenantFiles files, boolean clientCertificate)
            throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = null;
        if (clientCertificate) {
            if (files == null || files.clientCertificate() == null || files.clientKey() == null) {
                throw new IOException("no client certificate and key files configured");
            }
            List<X509Certificate> chain = certificates(files.clientCertificate());
            if (chain.isEmpty()) {
                throw new IOException("the client certificate file holds no certificate");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pass = new char[0];
            ks.setKeyEntry("client", key(files.clientKey()), pass, chain.toArray(Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (files != null && files.trust() != null) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates(files.trust())) {
                ts.setCertificateEntry("ca" + i++, c);
            }
            tmf.init(ts);
        } else {
            tmf.init((KeyStore) null);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> list = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    list.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        }
        return list;
    }

    private static PrivateKey key(Path file) throws IOException {
        PrivateKeyInfo info;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            if (o instanceof PrivateKeyInfo i) {
                info = i;
            } else if (o instanceof PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else {
                throw new IOException("the client key file holds no unencrypted private key");
            }
        }
        // a key of the JDK's own providers, which JSSE signs with (Bouncy Castle need not be registered)
        byte[] pkcs8 = info.getEncoded();
        for (String algorithm : new String[]{"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new IOException("the client key is neither RSA, EC nor Ed25519");
    }
}
