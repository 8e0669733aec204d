package org.vpsrecovery.adapters.persistence.approval;

import java.util.Arrays;
import java.util.List;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;

/**
 * How an approval step whose audit event is owed is marked in its row's {@code approval_events_owed} (V25 for
 * operations, V33 for pending changes): {@code '<audit operation> <request id>'}, one entry per step, in order.
 */
public final class ApprovalStepMarks {

    private ApprovalStepMarks() {
    }

    /** A request id has no space (RequestId's characters), so the first space ends the operation's name. */
    public static String mark(ApprovalStep step) {
        return step.event().name() + " " + step.requestId().value();
    }

    public static ApprovalStep step(String mark) {
        int space = mark.indexOf(' ');
        return new ApprovalStep(Operation.valueOf(mark.substring(0, space)), new RequestId(mark.substring(space + 1)));
    }

    public static List<ApprovalStep> steps(String[] marks) {
        return Arrays.stream(marks).map(ApprovalStepMarks::step).toList();
    }
}
