package org.vpsrecovery.archfixture.bootstrap;

/** The fixture's composition root. */
public class Composition {
}
