package org.vpsrecovery.domain.port;

/**
 * The key that signs the console's sign-in form tokens, one for every instance (ADR 0041, amended in session 50): a
 * form one instance gave must be accepted by the instance its post reaches.
 */
public interface SignInFormKey {

    /**
     * The key every instance shares: {@code candidate} (random, the caller's) if no instance has stored one yet, else
     * the one stored. Two instances asking at once get the same key.
     */
    byte[] shared(byte[] candidate);
}
