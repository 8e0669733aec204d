package org.vpsrecovery.domain.idempotency;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * The response a completed request gave, replayed as is to a retry with the same key, with the
 * operation it named ({@code X-Operation-Id}) and its {@code ETag} (a policy's version), if any.
 */
public final class StoredResponse {

    public static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final int MAX_CONTENT_TYPE_LENGTH = 255;
    /** An entity tag as RFC 9110 writes it: an optional {@code W/}, then a quoted string of visible characters. */
    public static final int MAX_ETAG_LENGTH = 255;
    private static final Pattern ETAG = Pattern.compile("(?:W/)?\"[\\x21\\x23-\\x7E]*\"");

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Optional<OperationId> operationId;
    private final Optional<String> etag;

    public StoredResponse(int status, String contentType, byte[] body) {
        this(status, contentType, body, Optional.empty());
    }

    public StoredResponse(int status, String contentType, byte[] body, Optional<OperationId> operationId) {
        this(status, contentType, body, operationId, Optional.empty());
    }

    public StoredResponse(int status, String contentType, byte[] body, Optional<OperationId> operationId,
                          Optional<String> etag) {
        Objects.requireNonNull(operationId, "operation id (may be empty, not null)");
        Objects.requireNonNull(etag, "etag (may be empty, not null)");
        etag.ifPresent(tag -> {
            if (tag.length() > MAX_ETAG_LENGTH || !ETAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("an ETag is a quoted string of at most " + MAX_ETAG_LENGTH
                        + " visible characters, W/ before it when weak");
            }
        });
        Objects.requireNonNull(contentType, "content type");
        Objects.requireNonNull(body, "body");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status code");
        }
        if (contentType.isBlank() || contentType.length() > MAX_CONTENT_TYPE_LENGTH) {
            throw new IllegalArgumentException("content type must be 1-" + MAX_CONTENT_TYPE_LENGTH + " characters");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("a stored body is at most " + MAX_BODY_BYTES + " bytes");
        }
        this.status = status;
        this.contentType = contentType;
        this.body = body.clone();
        this.operationId = operationId;
        this.etag = etag;
    }

    /** The answer's {@code ETag}, replayed with it: a replayed policy create or replace says its version as the first did. */
    public Optional<String> etag() {
        return etag;
    }

    public Optional<OperationId> operationId() {
        return operationId;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredResponse that && status == that.status
                && contentType.equals(that.contentType) && Arrays.equals(body, that.body)
                && operationId.equals(that.operationId) && etag.equals(that.etag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, Arrays.hashCode(body), operationId, etag);
    }

    @Override
    public String toString() {
        // The body may be large; its size is enough in logs.
        return "StoredResponse[status=" + status + ", contentType=" + contentType + ", body=" + body.length + " bytes"
                + operationId.map(id -> ", operation=" + id).orElse("") + etag.map(tag -> ", etag=" + tag).orElse("") + "]";
    }
}
