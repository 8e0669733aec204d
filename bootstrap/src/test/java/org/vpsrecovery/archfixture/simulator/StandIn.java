package org.vpsrecovery.archfixture.simulator;

public class StandIn {
}
