/**
 * VPS.org's JSON, as records: what the provider sends and what it is sent. Unknown fields are
 * ignored; every field the provider might leave out is nullable here and judged by
 * {@link org.vpsrecovery.adapters.http.provider.VpsOrgWireMapper}, the one place that maps to the domain.
 */
package org.vpsrecovery.adapters.http.provider.wire;
