// Package proxy owns the real proxy: HTTP/1.1 and TCP frontends, ACL rules,
// backends with their servers, queues, connection retries and redispatch,
// HAProxy's error responses, statistics and httplog/tcplog records. It is
// configured by a Config (what an haproxy.cfg says) and observed through
// Stats snapshots and a log callback. It knows nothing of the lab: no apps,
// no traffic generator, no dashboard. Time goes through a *clock.Clock so
// the lab's time scale applies to timeouts too.
//
// Subpackages own the parts with a life of their own: balance (the
// algorithms), acl (conditions), h1 (HTTP/1 on the wire), check (health
// checks), haproxycfg (reading and writing haproxy.cfg), haproxytest (the
// real haproxy, for differential tests).
package proxy
