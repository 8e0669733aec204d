package org.vpsrecovery.archfixture.cycle.a;

import org.vpsrecovery.archfixture.cycle.b.Right;

/** Breaks "no package cycles" together with Right. */
public class Left {
    Right right;
}
