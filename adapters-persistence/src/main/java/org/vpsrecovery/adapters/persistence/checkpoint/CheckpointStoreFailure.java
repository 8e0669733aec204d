package org.vpsrecovery.adapters.persistence.checkpoint;

/** The checkpoint file could not be read or written (permissions, disk full, ...); the message names the file. */
public final class CheckpointStoreFailure extends RuntimeException {

    public CheckpointStoreFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
