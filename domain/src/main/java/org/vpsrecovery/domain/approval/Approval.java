package org.vpsrecovery.domain.approval;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;

/**
 * The two-person rule on one operation (ADR 0040): who asked, until when a second person may decide,
 * what the request carried besides the operation's own fields ({@code skipSafetySnapshot}), and the
 * decision once made. Immutable; {@link #decide} holds the rules of who may decide.
 */
public record Approval(Actor requester, Instant requestedAt, Instant expiresAt, boolean skipSafetySnapshot,
                       Optional<ApprovalDecision> decision) {

    public Approval {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(requestedAt, "requested at");
        Objects.requireNonNull(expiresAt, "expires at");
        Objects.requireNonNull(decision, "decision (may be empty, not null)");
        if (!expiresAt.isAfter(requestedAt)) {
            throw new IllegalArgumentException("an approval expires after it was requested");
        }
        if (requester.authentication() == Actor.Authentication.SYSTEM) {
            throw new IllegalArgumentException("the platform's own work is never held for approval");
        }
    }

    /** A new request for approval; its requester must be a person ({@link #requirePersonAsking}). */
    public static Approval requested(Actor requester, Instant at, Instant expiresAt, boolean skipSafetySnapshot) {
        Approval requested = new Approval(requester, at, expiresAt, skipSafetySnapshot, Optional.empty());
        requirePersonAsking(requester);
        return requested;
    }

    /**
     * Who may ask for a change that needs a second person: only a person signed in through the identity provider.
     * A service token's subject is not its holder's, so a person asking with it could approve their own request
     * with their JWT; asking as a person makes the second-person rule hold. Refused {@code APPROVAL_NEEDS_A_PERSON}
     * otherwise. (The platform's own work never waits for approval, so it never asks.)
     */
    public static void requirePersonAsking(Actor asker) {
        if (asker.authentication() != Actor.Authentication.JWT) {
            throw new AccessDenied(ReasonCode.APPROVAL_NEEDS_A_PERSON,
                    "sign in as a person to ask for an operation that needs approval; a service token cannot ask for one");
        }
    }

    public boolean isDecided() {
        return decision.isPresent();
    }

    public boolean isExpiredAt(Instant at) {
        return !at.isBefore(expiresAt);
    }

    /**
     * {@code by} decides at {@code at}. Refused: a decision already made ({@code APPROVAL_ALREADY_DECIDED}),
     * the time limit passed ({@code APPROVAL_EXPIRED}), anyone but a person signed in through the
     * identity provider ({@code APPROVER_NOT_A_PERSON}: service tokens, auditors, the platform), and the
     * person who asked ({@code SELF_APPROVAL_REFUSED}). The team is the caller's to check: another
     * team's operation is not found, as everywhere.
     */
    public Approval decide(Verdict verdict, Actor by, Instant at, Optional<String> reason) {
        if (decision.isPresent()) {
            throw new RecoveryDenied(ReasonCode.APPROVAL_ALREADY_DECIDED,
                    "the operation was already " + (decision.get().verdict() == Verdict.APPROVE ? "approved" : "denied"));
        }
        if (isExpiredAt(at)) {
            throw new RecoveryDenied(ReasonCode.APPROVAL_EXPIRED, "the approval time limit passed at " + expiresAt);
        }
        if (by.authentication() != Actor.Authentication.JWT) {
            throw new AccessDenied(ReasonCode.APPROVER_NOT_A_PERSON,
                    "only a person signed in through the identity provider may approve or deny; a service token may not");
        }
        if (by.subject().equals(requester.subject())) {
            throw new AccessDenied(ReasonCode.SELF_APPROVAL_REFUSED,
                    "the person who asked for an operation cannot approve or deny it; a second person of the team must");
        }
        return new Approval(requester, requestedAt, expiresAt, skipSafetySnapshot,
                Optional.of(new ApprovalDecision(verdict, by, at, reason)));
    }
}
