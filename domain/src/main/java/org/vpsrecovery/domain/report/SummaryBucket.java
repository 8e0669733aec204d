package org.vpsrecovery.domain.report;

/** How a summary groups time: UTC calendar days or months. */
public enum SummaryBucket {
    DAY,
    MONTH
}
