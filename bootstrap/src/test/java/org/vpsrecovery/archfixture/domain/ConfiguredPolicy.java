package org.vpsrecovery.archfixture.domain;

import org.vpsrecovery.archfixture.bootstrap.Composition;

/** Breaks "nothing depends on bootstrap". */
public class ConfiguredPolicy {
    final Composition composition = new Composition();
}
