package org.vpsrecovery.archfixture.adapters.persistence;

import org.vpsrecovery.archfixture.adapters.http.Dto;

/** Breaks "adapters meet only through ports": the persistence side uses a web DTO. */
public class JsonInRepository {
    final Dto dto = new Dto();
}
