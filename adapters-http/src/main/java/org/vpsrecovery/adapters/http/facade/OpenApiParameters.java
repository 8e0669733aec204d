package org.vpsrecovery.adapters.http.facade;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The path and query parameters several operations share, as the OpenAPI document describes them.
 * Documentation only. (A method-level {@code @Parameter} loses its schema in micronaut-openapi:
 * parameters that are no method argument go in {@code @Operation(parameters = ...)}.)
 */
final class OpenApiParameters {

    private OpenApiParameters() {
    }

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "the snapshot's id at VPS.org", schema = @Schema(type = "string",
            pattern = OpenApiPatterns.ID, maxLength = OpenApiPatterns.ID_MAX_LENGTH))
    @interface SnapshotIdParameter {
    }

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "the backup's id at VPS.org", schema = @Schema(type = "string",
            pattern = OpenApiPatterns.ID, maxLength = OpenApiPatterns.ID_MAX_LENGTH))
    @interface BackupIdParameter {
    }

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "the server's id at VPS.org", schema = @Schema(type = "string",
            pattern = OpenApiPatterns.ID, maxLength = OpenApiPatterns.ID_MAX_LENGTH))
    @interface ServerIdParameter {
    }

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "the webhook's id (a UUID)", schema = @Schema(type = "string",
            pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", maxLength = 36))
    @interface WebhookIdParameter {
    }

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "the hold's id (a UUID)", schema = @Schema(type = "string",
            pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", maxLength = 36))
    @interface HoldIdParameter {
    }

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "the policy's id (a UUID)", schema = @Schema(type = "string",
            pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", maxLength = 36))
    @interface PolicyIdParameter {
    }

    /** A page's size, on the lists paged by a cursor. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "page size, 1-500 (100)", schema = @Schema(type = "string", pattern = "^[0-9]{1,3}$",
            maxLength = 3))
    @interface PageLimitParameter {
    }

    /** A page's cursor: the previous page's {@code next}. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @Parameter(description = "the previous page's `next`", schema = @Schema(type = "string",
            pattern = "^[0-9a-fA-F-]{36}$", maxLength = 36))
    @interface PageAfterParameter {
    }
}
