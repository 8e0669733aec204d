package org.vpsrecovery.archfixture.cycle.b;

import org.vpsrecovery.archfixture.cycle.a.Left;

public class Right {
    Left left;
}
