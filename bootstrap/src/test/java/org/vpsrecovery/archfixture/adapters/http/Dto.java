package org.vpsrecovery.archfixture.adapters.http;

public class Dto {
}
