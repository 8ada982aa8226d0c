// Package scenarios owns lblab's built-in scenarios, one per HAProxy
// episode plus a side-by-side comparison, embedded in the binary from
// builtin/*.yaml, and finds a scenario by built-in name or file path.
//
// Its subpackages own the rest: scenario (the file format), runner (playing
// a scenario on a lab, headless or under the dashboard, and checking its
// expectations) and report (telling the results). This package only lists
// and loads; it starts nothing.
package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/lblab/lblab/scenarios/scenario"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Info names a built-in scenario.
type Info struct {
	Name  string
	Title string
}

// Builtins lists the built-in scenarios by name. A built-in that does not
// parse is a bug caught by the tests; it is listed with the error as its
// title rather than hidden.
func Builtins() []Info {
	var out []Info
	for _, name := range builtinNames() {
		sc, err := Builtin(name)
		title := ""
		if err != nil {
			title = "(broken: " + err.Error() + ")"
		} else {
			title = sc.Title
		}
		out = append(out, Info{Name: name, Title: title})
	}
	return out
}

func builtinNames() []string {
	entries, err := fs.ReadDir(builtinFS, "builtin")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(names)
	return names
}

// Source returns a built-in's file, for "lblab check" and the tests.
func Source(name string) ([]byte, error) {
	return builtinFS.ReadFile("builtin/" + name + ".yaml")
}

// Builtin parses the built-in scenario name.
func Builtin(name string) (*scenario.Scenario, error) {
	src, err := Source(name)
	if err != nil {
		return nil, &UnknownError{Name: name}
	}
	return scenario.Parse("builtin/"+name+".yaml", src, func(p string) ([]byte, error) {
		return builtinFS.ReadFile(path.Join("builtin", p))
	})
}

// UnknownError says a name is neither a built-in scenario nor a file.
type UnknownError struct {
	Name string
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("no scenario %q: expected a built-in (%s) or a scenario file", e.Name, strings.Join(builtinNames(), ", "))
}

// Load finds a scenario: a built-in by name, else a file. Errors are an
// *UnknownError, scenario.Errors (positions in the file) or the file
// system's.
func Load(nameOrPath string) (*scenario.Scenario, error) {
	if _, err := Source(nameOrPath); err == nil {
		return Builtin(nameOrPath)
	}
	sc, err := scenario.ParseFile(nameOrPath)
	if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(nameOrPath, "/.") {
		return nil, &UnknownError{Name: nameOrPath}
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %v; expected a built-in scenario (%s) or a readable scenario file", nameOrPath, pe.Err, strings.Join(builtinNames(), ", "))
		}
		return nil, err
	}
	return sc, nil
}
