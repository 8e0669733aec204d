package org.vpsrecovery.adapters.http.facade;

import java.util.Optional;
import org.vpsrecovery.application.audit.AuditReader;

/** Tells which auditor a presented bearer token belongs to, if any. */
public interface AuditorAuthenticator {

    Optional<AuditReader.Auditor> authenticate(String presentedToken);

    /** The SHA-256 digest configured for this auditor's token, if the auditor is still configured. */
    Optional<String> configuredDigest(String auditor);
}
