package org.vpsrecovery.adapters.http.facade;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.info.Contact;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.servers.Server;

/** The OpenAPI document's header (generated at build time, served with a Swagger UI). */
@OpenAPIDefinition(
        info = @Info(title = "vps-recovery", version = "1",
                contact = @Contact(name = "The platform team (quote the request_id of an answer)"),
                description = "VPS.org's snapshot and backup API, governed: limits checked before the provider, "
                        + "team ownership, Idempotency-Key, problem+json errors with reason codes, and an audit history. "
                        + "Same paths, bodies and codes as VPS.org; GET /api/v1/snapshots/{id}/ and "
                        + "GET /api/v1/backups/{id}/ are extensions. Audit reports under /api/v1/audit/: auditor tokens read "
                        + "every team's, team tokens their own; auditor tokens reach nothing else (403 FORBIDDEN_FOR_ROLE). "
                        // ENUMS_MAY_GROW, written out: the annotation processor cannot read this class's own constant.
                        + "Enums in answers (states, outcomes, reason codes, operations, event types) may gain values "
                        + "in later releases: take an unknown value as \"other\", do not fail on it."),
        security = @SecurityRequirement(name = "teamToken"),
        servers = @Server(url = "/", description = "This deployment, wherever the document is served from (local on "
                + "the embedded defaults, staging or production)",
                extensions = @Extension(properties = @ExtensionProperty(name = "x-internal", value = "true",
                        parseValue = true))))
@SecurityScheme(name = "teamToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Your team's (or an auditor's) token, as Authorization: Bearer <token>")
public final class FacadeApiDefinition {

    /** Said in the document and the README (session 52): generated clients that fail on an unknown value break. */
    static final String ENUMS_MAY_GROW = "Enums in answers (states, outcomes, reason codes, operations, event types) "
            + "may gain values in later releases: take an unknown value as \"other\", do not fail on it.";

    private FacadeApiDefinition() {
    }
}
