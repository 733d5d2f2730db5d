package io.tessera.store.cassandra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context of the driver's connections, from {@link CassandraConfig.Tls}. */
final class TlsContexts {
    private TlsContexts() {
    }

    /** Throws IllegalArgumentException, naming the file, when the truststore cannot be used. */
    static SSLContext sslContext(CassandraConfig.Tls tls) {
        try {
            if (tls.truststore() == null) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(tls.truststore(), tls.truststorePassword()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no TLS support", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use truststore " + tls.truststore() + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, String password) throws GeneralSecurityException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("truststore " + file + " does not exist");
        }
        try {
            // Detects JKS and PKCS12 by content.
            KeyStore store = KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
            if (store.size() == 0) {
                throw new IllegalArgumentException("truststore " + file + " holds no certificate");
            }
            return store;
        } catch (IOException e) {
            // A wrong password shows up here (as an IOException whose cause is UnrecoverableKeyException).
            throw new IllegalArgumentException("cannot read truststore " + file + " (wrong password?): " + e.getMessage(), e);
        }
    }
}
