package org.vpsrecovery.archfixture.adapters.http;

import org.vpsrecovery.archfixture.simulator.StandIn;

/** Breaks "only bootstrap runs the simulator": production adapter code reaching for the stand-in. */
public class SimulatedClient {
    final StandIn standIn = new StandIn();
}
