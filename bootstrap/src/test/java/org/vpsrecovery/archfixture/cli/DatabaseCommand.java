package org.vpsrecovery.archfixture.cli;

import org.vpsrecovery.archfixture.adapters.persistence.JsonInRepository;

/** Breaks "the command line stands alone": it reaches into the persistence adapter instead of calling the facade. */
public class DatabaseCommand {
    final Class<?> repository = JsonInRepository.class;
}
