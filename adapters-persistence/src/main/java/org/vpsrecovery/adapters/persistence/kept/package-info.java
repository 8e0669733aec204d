/**
 * Audit events the history could not take, kept in files until they are written (ADR 0141).
 * Persistence that is not PostgreSQL on purpose: it is where events go while PostgreSQL cannot take
 * them.
 */
package org.vpsrecovery.adapters.persistence.kept;
