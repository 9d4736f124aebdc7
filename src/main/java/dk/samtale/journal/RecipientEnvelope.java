package dk.samtale.journal;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

/**
 * Encrypts an entry's payload to a case system's certificate: CMS EnvelopedData (RFC 5652), AES-256-CBC
 * content encryption, the content key transported with RSA-OAEP (SHA-256). Decrypts with
 * {@code openssl cms -decrypt -inform DER -inkey case-system-key.pem}.
 */
final class RecipientEnvelope {

    private RecipientEnvelope() {
    }

    /** The certificate from PEM, or invalid input. */
    static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Pem.decode(pem, "CERTIFICATE")));
        } catch (Exception e) {
            throw new IllegalArgumentException("not an X.509 certificate in PEM");
        }
    }

    static byte[] seal(X509Certificate recipient, byte[] content) {
        try {
            if (!"RSA".equals(recipient.getPublicKey().getAlgorithm())) {
                throw new IllegalArgumentException("the case system's certificate must have an RSA key");
            }
            CMSEnvelopedDataGenerator gen = new CMSEnvelopedDataGenerator();
            OAEPParameterSpec oaep = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    PSource.PSpecified.DEFAULT);
            gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient,
                    new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                            oaep)));
            return gen.generate(new CMSProcessableByteArray(content),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build()).getEncoded();
        } catch (CMSException | java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("CMS encryption failed", e);
        }
    }
}
