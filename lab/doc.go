// Package lab owns a running load-balancing lab: the in-process apps, the
// proxy built from an haproxy.cfg (or the default Ep 6 trio), the traffic
// generator, the lab clock and what is measured from them. It offers its
// two clients, the dashboard and the scenario runner, one Snapshot, a
// placement view and commands (switch the algorithm, set a weight, stop an
// app, …). It draws nothing and reads no files: configs arrive parsed, and
// the proxy is only reached through its public API.
package lab
