package org.vpsrecovery.adapters.http.facade;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** The OpenAPI document's header (generated at build time, served with a Swagger UI). */
@OpenAPIDefinition(
        info = @Info(title = "vps-recovery", version = "1",
                description = "VPS.org's snapshot and backup API, governed: limits checked before the provider, "
                        + "team ownership, Idempotency-Key, problem+json errors with reason codes, and an audit history. "
                        + "Same paths, bodies and codes as VPS.org; GET /api/v1/snapshots/{id}/ and "
                        + "GET /api/v1/backups/{id}/ are extensions. Audit reports under /api/v1/audit/: auditor tokens read "
                        + "every team's, team tokens their own; auditor tokens reach nothing else (403 FORBIDDEN_FOR_ROLE)."),
        security = @SecurityRequirement(name = "teamToken"))
@SecurityScheme(name = "teamToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Your team's (or an auditor's) token, as Authorization: Bearer <token>")
public final class FacadeApiDefinition {

    private FacadeApiDefinition() {
    }
}
