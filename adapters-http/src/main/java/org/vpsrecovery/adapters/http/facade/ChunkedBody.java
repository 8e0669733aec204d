package org.vpsrecovery.adapters.http.facade;

import java.io.IOException;
import java.io.InputStream;

/**
 * A response body made a chunk at a time as the HTTP layer reads it (the CSV export, the summary's JSON): only
 * the current chunk is held, so an answer of millions of rows never sits in memory whole.
 */
abstract class ChunkedBody extends InputStream {

    private byte[] chunk = new byte[0];
    private int length;
    private int position;

    /** Makes the next chunk and hands it to {@link #next}; false once the body is whole (or closed). */
    protected abstract boolean fill() throws IOException;

    /** The bytes the reads take next: the first {@code length} of {@code bytes}, read in place. */
    protected final void next(byte[] bytes, int length) {
        this.chunk = bytes;
        this.length = length;
        this.position = 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int wanted) throws IOException {
        if (wanted == 0) {
            return 0;
        }
        while (position >= length) {
            if (!fill()) {
                return -1;
            }
        }
        int count = Math.min(wanted, length - position);
        System.arraycopy(chunk, position, buffer, offset, count);
        position += count;
        return count;
    }
}
