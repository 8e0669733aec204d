package org.vpsrecovery.adapters.persistence.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainCut;
import org.vpsrecovery.domain.audit.ChainHash;

/**
 * One checkpoint as one line of JSON: what an auditor reads, and what {@link ChainCheckpoint} checks
 * the signature of. Reading is strict: anything missing, extra or malformed is not a checkpoint.
 */
record CheckpointJsonLine(
        String format,
        long sequence,
        String hash,
        @JsonProperty("taken_at") String takenAt,
        @JsonProperty("key_id") String keyId,
        String previous,
        @JsonProperty("walked_after") @JsonInclude(JsonInclude.Include.NON_NULL) Long walkedAfter,
        @JsonInclude(JsonInclude.Include.NON_NULL) CutJson cut,
        String signature) {

    /** The checkpoint file set aside after the database went back, as the first checkpoint after it names it. */
    record CutJson(
            @JsonProperty("set_aside_sequence") long setAsideSequence,
            @JsonProperty("set_aside_hash") String setAsideHash,
            @JsonProperty("set_aside_digest") String setAsideDigest,
            @JsonProperty("set_aside_taken_at") String setAsideTakenAt,
            @JsonProperty("held_through") long heldThrough,
            @JsonProperty("held_through_taken_at") @JsonInclude(JsonInclude.Include.NON_NULL) String heldThroughTakenAt) {

        static CutJson of(ChainCut cut) {
            return new CutJson(cut.setAsideSequence(), cut.setAsideHash().hex(), cut.setAsideDigest().hex(),
                    cut.setAsideTakenAt().toString(), cut.heldThrough(),
                    cut.heldThroughTakenAt().map(Instant::toString).orElse(null));
        }

        ChainCut cut() {
            return new ChainCut(setAsideSequence, new ChainHash(required(setAsideHash, "set_aside_hash")),
                    new ChainHash(required(setAsideDigest, "set_aside_digest")),
                    instant(required(setAsideTakenAt, "set_aside_taken_at"), "set_aside_taken_at"), heldThrough,
                    Optional.ofNullable(heldThroughTakenAt).map(at -> instant(at, "held_through_taken_at")));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // Not FAIL_ON_MISSING_CREATOR_PROPERTIES: walked_after belongs to one format only. Every other
            // field is required below (a missing sequence reads as 0, which no checkpoint has).
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static byte[] of(ChainCheckpoint checkpoint) {
        CheckpointJsonLine line = new CheckpointJsonLine(checkpoint.format(), checkpoint.sequence(),
                checkpoint.hash().hex(), checkpoint.takenAt().toString(), checkpoint.keyId(),
                checkpoint.previous().hex(),
                checkpoint.walkedAfter().isPresent() ? checkpoint.walkedAfter().getAsLong() : null,
                checkpoint.cut().map(CutJson::of).orElse(null), checkpoint.signatureBase64());
        try {
            String json = JSON.writeValueAsString(line);
            return (json + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a checkpoint always has a JSON form", e);
        }
    }

    /** The checkpoint on this line, without its newline; throws {@link IllegalArgumentException} saying why not. */
    static ChainCheckpoint parse(byte[] line) {
        CheckpointJsonLine json;
        try {
            json = JSON.readValue(line, CheckpointJsonLine.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a checkpoint in JSON: " + firstLine(e.getMessage()));
        }
        if (json == null) {
            throw new IllegalArgumentException("not a checkpoint in JSON: null");
        }
        OptionalLong walkedAfter;
        Optional<ChainCut> cut = Optional.empty();
        if (json.cut() != null && !ChainCheckpoint.FORMAT_AFTER_CUT.equals(json.format())) {
            throw new IllegalArgumentException("format " + json.format() + " has no cut");
        }
        if (ChainCheckpoint.FORMAT_AFTER_CUT.equals(json.format())) {
            if (json.cut() == null) {
                throw new IllegalArgumentException("not a checkpoint in JSON: cut is missing");
            }
            walkedAfter = json.walkedAfter() == null ? OptionalLong.empty() : OptionalLong.of(json.walkedAfter());
            cut = Optional.of(json.cut().cut());
        } else if (ChainCheckpoint.FORMAT.equals(json.format())) {
            if (json.walkedAfter() == null) {
                throw new IllegalArgumentException("not a checkpoint in JSON: walked_after is missing");
            }
            walkedAfter = OptionalLong.of(json.walkedAfter());
        } else if (ChainCheckpoint.FORMAT_NOT_WALKED.equals(json.format())) {
            if (json.walkedAfter() != null) {
                throw new IllegalArgumentException("format " + json.format() + " has no walked_after");
            }
            walkedAfter = OptionalLong.empty();
        } else {
            throw new IllegalArgumentException("unknown format " + json.format());
        }
        Instant takenAt = instant(required(json.takenAt(), "taken_at"), "taken_at");
        // The value objects refuse anything else malformed (hash, key id, signature length).
        return new ChainCheckpoint(json.sequence(), new ChainHash(required(json.hash(), "hash")), takenAt,
                required(json.keyId(), "key_id"), new ChainHash(required(json.previous(), "previous")), walkedAfter, cut,
                Base64.getDecoder().decode(required(json.signature(), "signature")));
    }

    private static Instant instant(String value, String name) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " is not an ISO-8601 instant");
        }
    }

    private static String required(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("not a checkpoint in JSON: " + name + " is missing");
        }
        return value;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
