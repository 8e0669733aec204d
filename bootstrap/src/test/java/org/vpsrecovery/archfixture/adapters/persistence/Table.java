package org.vpsrecovery.archfixture.adapters.persistence;

public class Table {
}
