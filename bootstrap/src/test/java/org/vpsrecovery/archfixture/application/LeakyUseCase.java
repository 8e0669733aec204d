package org.vpsrecovery.archfixture.application;

import org.vpsrecovery.archfixture.adapters.http.SqlInController;

/** Breaks "application sees only the domain": it reaches into an adapter. */
public class LeakyUseCase {
    final SqlInController controller = new SqlInController();
}
