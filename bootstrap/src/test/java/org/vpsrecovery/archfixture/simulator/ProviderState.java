package org.vpsrecovery.archfixture.simulator;

import org.vpsrecovery.archfixture.domain.AnnotatedEntity;

/** Breaks "the simulator stands alone": it uses the platform's domain. */
public class ProviderState {
    final AnnotatedEntity entity = new AnnotatedEntity();
}
