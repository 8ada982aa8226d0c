// Package scenario owns lblab's scenario file format: a YAML file (read
// strictly with github.com/goccy/go-yaml: an unknown key is an error at its
// line and column) that names a lab (an HAProxy config, inline or in a
// file, and the apps' behaviour), traffic phases, a timeline of changes at
// lab times and expectations about what the proxy does. Parse checks
// everything it can before anything starts: the config, and every server,
// backend, app, rule, phase and group name the timeline and expectations
// use. Errors read "file:line:col: what was found; what was expected".
//
// The format is described in scenarios/FORMAT.md.
//
// The package reads and checks files only. It starts nothing, opens no
// socket and resolves no name; running a scenario is the runner's job
// (package scenarios/runner), telling its results the report's.
package scenario
