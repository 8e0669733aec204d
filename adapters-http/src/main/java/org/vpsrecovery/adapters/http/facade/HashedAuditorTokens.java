package org.vpsrecovery.adapters.http.facade;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.AuditorName;

/** Auditor tokens kept only as SHA-256 digests, compared in constant time ({@link TokenDigests}). */
public final class HashedAuditorTokens implements AuditorAuthenticator {

    private final TokenDigests<AuditReader.Auditor> digests;
    private final Map<String, String> digestByAuditor;

    /** @param sha256HexByAuditor each auditor's name and token digest (64 hex characters); may be empty */
    public HashedAuditorTokens(Map<String, String> sha256HexByAuditor) {
        Map<AuditReader.Auditor, String> byAuditor = new LinkedHashMap<>();
        sha256HexByAuditor.forEach((name, digest) -> byAuditor.put(new AuditReader.Auditor(AuditorName.configured(name)), digest));
        this.digests = new TokenDigests<>(byAuditor, auditor -> "auditor " + auditor.name());
        this.digestByAuditor = Map.copyOf(sha256HexByAuditor);
    }

    @Override
    public Optional<AuditReader.Auditor> authenticate(String presentedToken) {
        return digests.holderOf(presentedToken);
    }

    @Override
    public Optional<String> configuredDigest(String auditor) {
        return Optional.ofNullable(digestByAuditor.get(auditor));
    }
}
