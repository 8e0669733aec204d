/**
 * Signed audit chain checkpoints in an append-only file outside the database (ADR 0022). Persistence
 * that is not PostgreSQL on purpose: the point is a place the database's owner cannot rewrite. It
 * lives in this adapter module because it stores domain data behind a domain port, like the JDBC
 * adapters, and shares nothing with them.
 */
package org.vpsrecovery.adapters.persistence.checkpoint;
