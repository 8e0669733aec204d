package org.vpsrecovery.archfixture.adapters.http;

import org.vpsrecovery.archfixture.adapters.persistence.Table;

/** Breaks "adapters meet only through ports": the web side uses the persistence side. */
public class SqlInController {
    final Table table = new Table();
}
