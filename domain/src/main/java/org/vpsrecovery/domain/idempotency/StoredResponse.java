package org.vpsrecovery.domain.idempotency;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * The response a completed request gave, replayed as is to a retry with the same key, with the
 * operation it named ({@code X-Operation-Id}), if any.
 */
public final class StoredResponse {

    public static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final int MAX_CONTENT_TYPE_LENGTH = 255;

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Optional<OperationId> operationId;

    public StoredResponse(int status, String contentType, byte[] body) {
        this(status, contentType, body, Optional.empty());
    }

    public StoredResponse(int status, String contentType, byte[] body, Optional<OperationId> operationId) {
        Objects.requireNonNull(operationId, "operation id (may be empty, not null)");
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
                && operationId.equals(that.operationId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, Arrays.hashCode(body), operationId);
    }

    @Override
    public String toString() {
        // The body may be large; its size is enough in logs.
        return "StoredResponse[status=" + status + ", contentType=" + contentType + ", body=" + body.length + " bytes"
                + operationId.map(id -> ", operation=" + id).orElse("") + "]";
    }
}
